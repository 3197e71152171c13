import { DeliveryError } from './types.js';

/**
 * POSTs JSON; resolves on 2xx. 408, 429 and 5xx and network errors are retryable, other answers
 * are not (the receiver rejected this payload and will reject it again). Messages never carry the
 * URL, which may hold a key.
 */
export async function postJson(url: string, body: unknown, timeoutMs: number, headers: Record<string, string> = {}): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'callboard-alerting', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new DeliveryError(`request failed: ${cause ?? (error as Error).name}`, true);
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return;
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new DeliveryError(`HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`, retryable);
}
