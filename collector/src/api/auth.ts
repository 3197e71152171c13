import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/** `read`: wall displays and panels (snapshot, links, /live). `admin`: also changes state (silences, reload, config). */
export type Role = 'read' | 'admin';

export interface ApiToken {
  /** Shown in logs and audit lines instead of the token itself. */
  name: string;
  role: Role;
  token: string;
}

/** Who presented a valid token. */
export interface Principal {
  name: string;
  role: Role;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Constant-time comparison of a presented token with the configured one (hashing first hides the length). */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The token a client presented: `Authorization: Bearer …`, or for browsers' WebSocket (which
 * cannot set headers) the `access_token` query parameter or a `bearer.<token>` subprotocol.
 */
export function presentedToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  let query: string | null = null;
  try {
    query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('access_token');
  } catch {
    // an unparsable request target carries no token
  }
  if (query) return query;
  const protocols = request.headers['sec-websocket-protocol'];
  const bearer = protocols
    ?.split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith('bearer.'));
  return bearer?.slice('bearer.'.length);
}

const isLoopbackAddress = (address: string | undefined) => address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';

export type AuthDecision = { ok: true; principal: Principal } | { ok: false; status: 401 | 403; error: string; code: string };

/**
 * The configured tokens and the one rule deciding every request, HTTP or WebSocket.
 * With no token configured the API is open for reading; admin actions are then allowed only
 * from loopback, so a collector bound to a public address without tokens cannot be reconfigured
 * by whoever reaches it.
 */
export class ApiAuth {
  readonly #tokens: readonly ApiToken[];

  constructor(tokens: readonly ApiToken[]) {
    this.#tokens = tokens;
  }

  get open(): boolean {
    return this.#tokens.length === 0;
  }

  /** Compares against every token, without stopping at the first match, so timing says nothing about which one matched. */
  identify(presented: string | undefined): Principal | undefined {
    let found: ApiToken | undefined;
    for (const candidate of this.#tokens) if (tokenMatches(presented, candidate.token) && !found) found = candidate;
    return found && { name: found.name, role: found.role };
  }

  decide(request: IncomingMessage, role: Role): AuthDecision {
    if (this.open) {
      if (role === 'read' || isLoopbackAddress(request.socket.remoteAddress))
        return { ok: true, principal: { name: 'anonymous', role: 'admin' } };
      return {
        ok: false,
        status: 403,
        error: 'admin actions need an admin token (api.tokens) when called from another host',
        code: 'CALLBOARD_FORBIDDEN',
      };
    }
    const principal = this.identify(presentedToken(request));
    if (!principal) return { ok: false, status: 401, error: 'unauthorized', code: 'CALLBOARD_AUTH' };
    if (role === 'admin' && principal.role !== 'admin')
      return { ok: false, status: 403, error: 'this token may only read', code: 'CALLBOARD_FORBIDDEN' };
    return { ok: true, principal };
  }
}

const AUTH_LOCAL = 'callboardAuth';

/** Installed once at the top of the app (createHttpApp does it); requireRole reads the tokens from here. */
export function authenticate(auth: ApiAuth) {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.locals[AUTH_LOCAL] = auth;
    next();
  };
}

/**
 * Express middleware: lets the request through when it carries a token of `role` (an admin token
 * also reads), else answers 401 (no or unknown token) or 403 (a read-only token on an admin route).
 * The principal is left in `res.locals.principal` for audit logs. Fails closed (500) when the app
 * did not install `authenticate`.
 */
export function requireRole(role: Role) {
  return (req: Request, res: Response, next: NextFunction) => {
    const auth = res.locals[AUTH_LOCAL] as ApiAuth | undefined;
    if (!auth) return void res.status(500).json({ error: 'authentication is not set up for this route', code: 'CALLBOARD_AUTH_MISSING' });
    const decision = auth.decide(req, role);
    if (decision.ok) {
      res.locals.principal = decision.principal;
      return next();
    }
    if (decision.status === 401) res.set('WWW-Authenticate', 'Bearer realm="callboard"');
    res.status(decision.status).json({ error: decision.error, code: decision.code });
  };
}
