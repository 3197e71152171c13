import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

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
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('access_token');
  if (query) return query;
  const protocols = request.headers['sec-websocket-protocol'];
  const bearer = protocols
    ?.split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith('bearer.'));
  return bearer?.slice('bearer.'.length);
}
