import type { IncomingMessage } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { presentedToken, type ApiAuth } from './auth.js';

export interface RateLimit {
  /** Sustained requests a minute per client (a token, or an address when no valid token is shown). */
  perMinute: number;
  /** Requests a client may make at once before the sustained rate applies. */
  burst: number;
}

/** A request the API refuses before any route sees it; the same shape answers HTTP and /live upgrades. */
export interface Refusal {
  status: 401 | 403 | 429;
  error: string;
  code: string;
  headers?: Record<string, string>;
}

/** Buckets idle long enough to be full again are forgotten, so memory follows the active clients only. */
const SWEEP_EVERY_MS = 60_000;

/** Token bucket per client key: `burst` at once, refilled at `perMinute`. */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  #sweptAt = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request from the key's bucket; returns 0 when allowed, else the seconds until one is. */
  take(key: string): number {
    const now = this.now();
    if (now - this.#sweptAt > SWEEP_EVERY_MS) this.#sweep(now);
    const perMs = this.limit.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
  }

  get clients(): number {
    return this.#buckets.size;
  }

  #sweep(now: number): void {
    this.#sweptAt = now;
    const perMs = this.limit.perMinute / 60_000;
    for (const [key, bucket] of this.#buckets) if (bucket.tokens + (now - bucket.at) * perMs >= this.limit.burst) this.#buckets.delete(key);
  }
}

export interface GuardOptions {
  auth: ApiAuth;
  /** Browser origins allowed to call the API (CORS) and open /live; empty: none for HTTP, any for /live (the token decides). */
  origins: readonly string[];
  rateLimit: RateLimit;
  maxBodyBytes: number;
  tls: boolean;
}

/**
 * Everything the API checks before a route runs: security headers, rate limit, CORS allow-list,
 * body size. HTTP gets it as middleware (`middleware()`), /live upgrades as `checkUpgrade()`.
 */
export class ApiGuard {
  readonly limiter: RateLimiter;
  readonly #origins: ReadonlySet<string>;

  constructor(private readonly options: GuardOptions) {
    this.limiter = new RateLimiter(options.rateLimit);
    this.#origins = new Set(options.origins);
  }

  /** The client a request is counted against: the token's name when it shows a valid one, else its address. */
  clientKey(request: IncomingMessage): string {
    const principal = this.options.auth.open ? undefined : this.options.auth.identify(presentedToken(request));
    return principal ? `token:${principal.name}` : `address:${request.socket.remoteAddress ?? 'unknown'}`;
  }

  rateRefusal(request: IncomingMessage): Refusal | undefined {
    const retryAfter = this.limiter.take(this.clientKey(request));
    if (retryAfter === 0) return undefined;
    return {
      status: 429,
      error: `too many requests; retry after ${retryAfter} s`,
      code: 'CALLBOARD_RATE_LIMITED',
      headers: { 'Retry-After': String(retryAfter) },
    };
  }

  /** For /live: rate limit, then origin (browsers send one; only enforced with an allow-list), then a read token. */
  checkUpgrade(request: IncomingMessage): Refusal | undefined {
    const limited = this.rateRefusal(request);
    if (limited) return limited;
    const origin = request.headers.origin;
    if (origin !== undefined && this.#origins.size > 0 && !this.#origins.has(origin)) {
      return { status: 403, error: `origin ${origin} is not in api.cors.origins`, code: 'CALLBOARD_ORIGIN' };
    }
    const decision = this.options.auth.decide(request, 'read');
    if (decision.ok) return undefined;
    return {
      status: decision.status,
      error: decision.error,
      code: decision.code,
      headers: decision.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="callboard"' } : undefined,
    };
  }

  middleware(): express.RequestHandler[] {
    return [this.#headers, this.#rate, this.#cors, ...this.#bodies()];
  }

  #headers = (_req: Request, res: Response, next: NextFunction) => {
    res.set({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
      ...(this.options.tls ? { 'Strict-Transport-Security': 'max-age=31536000' } : {}),
    });
    next();
  };

  #rate = (req: Request, res: Response, next: NextFunction) => {
    const refusal = this.rateRefusal(req);
    if (!refusal) return next();
    refuse(res, refusal);
  };

  #cors = (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    const allowed = origin !== undefined && this.#origins.has(origin);
    if (allowed) res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return next();
    if (!allowed)
      return refuse(res, { status: 403, error: `origin ${origin ?? '(none)'} is not in api.cors.origins`, code: 'CALLBOARD_ORIGIN' });
    res
      .set({
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      })
      .status(204)
      .end();
  };

  /** JSON bodies are parsed; any other body is read and bounded too, so no content type streams an unbounded body in. */
  #bodies(): express.RequestHandler[] {
    const limit = this.options.maxBodyBytes;
    const isJson = (req: IncomingMessage) => /^application\/([a-z.+-]*\+)?json\b/i.test(req.headers['content-type'] ?? '');
    return [express.json({ limit, type: isJson }), express.raw({ limit, type: (req) => !isJson(req) })];
  }
}

export function refuse(res: Response, refusal: Refusal): void {
  if (refusal.headers) res.set(refusal.headers);
  res.status(refusal.status).json({ error: refusal.error, code: refusal.code });
}

/** The path of a request target, or undefined when the target cannot be parsed (e.g. `//[`): such a request is answered 400, never thrown on. */
export function requestPath(request: IncomingMessage): string | undefined {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}
