/** Kamailio JSON-RPC over HTTP (jsonrpcs + xhttp). One instance per switch. */
export class KamailioRpcError extends Error {
  readonly code = 'CALLBOARD_KAMAILIO_RPC';
  constructor(readonly method: string, detail: string) {
    super(`${method}: ${detail}`);
  }
}

export class KamailioRpc {
  #id = 0;

  constructor(private readonly url: string, private readonly timeoutMs: number) {}

  async call(method: string, params: unknown[] = [], signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', method, params, id: ++this.#id }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      const reason = timeout.aborted ? `no reply within ${this.timeoutMs} ms` : describeFetchError(error);
      throw new KamailioRpcError(method, `${reason} (${this.url})`);
    }
    const text = await response.text();
    let body: { result?: unknown; error?: { code?: number; message?: string } };
    try {
      body = JSON.parse(text);
    } catch {
      throw new KamailioRpcError(method, `HTTP ${response.status}, reply is not JSON: ${text.slice(0, 120)}`);
    }
    if (body.error) throw new KamailioRpcError(method, `error ${body.error.code ?? '?'}: ${body.error.message ?? 'unknown'}`);
    return body.result;
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
