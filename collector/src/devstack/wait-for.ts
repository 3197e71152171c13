// Polling until a service answers. Start-up of real daemons has no event to wait for,
// so we ask repeatedly; the point of this helper is the error it throws on timeout:
// what we were waiting for, the last failure, and the tail of the service's log.
import { setTimeout as sleep } from 'node:timers/promises';
import { logTail } from './log-tail.js';

/** What waitFor needs to know about a service; ServiceHandle satisfies it. */
export interface WatchedService {
  name: string;
  logFile: string;
  /** Exit code, or the signal name, once the process has exited; undefined while it runs. */
  readonly exitStatus: number | string | undefined;
}

export interface WaitForOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Used in the error message: "timed out after 5000 ms waiting for <what>"; a function is called when the error is made. */
  what: string | (() => string);
  /** Fail at once if this service exits, and append its log tail to any error. */
  service?: WatchedService;
  /** Log to quote when there is no service (or in addition to its own log). */
  logFile?: string;
}

/**
 * Calls fn until it returns something other than undefined, null or false, and returns
 * that. A throw counts as "not yet" and is remembered for the timeout error.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions,
): Promise<Exclude<T, undefined | null | false>> {
  const { timeoutMs, intervalMs = 50, service } = options;
  const what = (): string => (typeof options.what === 'function' ? options.what() : options.what);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (service?.exitStatus !== undefined) {
      throw await waitError(`${service.name} exited (${service.exitStatus}) while waiting for ${what()}`, lastError, options);
    }
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value as Exclude<T, undefined | null | false>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw await waitError(`timed out after ${timeoutMs} ms waiting for ${what()}`, lastError, options);
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}

async function waitError(headline: string, lastError: unknown, options: WaitForOptions): Promise<Error> {
  const parts = [headline];
  if (lastError !== undefined) parts.push(`last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  const logs = new Set([options.service?.logFile, options.logFile].filter((f): f is string => Boolean(f)));
  for (const file of logs) parts.push(`--- tail of ${file} ---\n${await logTail(file)}`);
  return new Error(parts.join('\n'), { cause: lastError });
}
