/** Accepts ws(s):// or http(s):// and a bare host URL; returns the /live URL, or null if unusable. */
export function liveUrl(input: string, measurements: string[]): string | null {
  const trimmed = input.trim();
  if (!trimmed) {
    return null;
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol === 'http:') {
    url.protocol = 'ws:';
  } else if (url.protocol === 'https:') {
    url.protocol = 'wss:';
  } else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    return null;
  }
  if (url.pathname === '' || url.pathname === '/') {
    url.pathname = '/live';
  }
  // The token never goes in the URL (proxy logs): it travels as a subprotocol.
  url.searchParams.delete('access_token');
  if (measurements.length) {
    url.searchParams.set('measurements', measurements.join(','));
  }
  return url.toString();
}

/** Subprotocols of /live: the server selects callboard.v1; bearer.<token> carries the token. */
export function liveProtocols(token: string): string[] {
  return token ? ['callboard.v1', `bearer.${token}`] : ['callboard.v1'];
}
