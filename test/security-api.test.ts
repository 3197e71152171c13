// The API's guards end to end over real sockets: token roles (401/403), body limits (413), rate
// limit (429), CORS allow-list, security headers, and TLS with a self-signed certificate made by
// openssl at test time (https and wss with the certificate trusted, plain http refused).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiServer, type ApiServerOptions } from '../collector/src/api/server.js';
import { parseConfig } from '../collector/src/config.js';
import { memoryLogger } from '../collector/src/lib/test-logger.js';
import { LiveHub } from '../collector/src/outputs/live/hub.js';
import { LiveStore } from '../collector/src/outputs/live/store.js';

const run = promisify(execFile);
const WALL = 'wall-token-7f3a9c1e';
const ADMIN = 'admin-token-52be0d44';
const GRAFANA = 'https://grafana.noc.example';
const tokens = [
  { name: 'noc-wall', role: 'read' as const, token: WALL },
  { name: 'oncall', role: 'admin' as const, token: ADMIN },
];

async function startApi(extra: Partial<ApiServerOptions> = {}) {
  const store = new LiveStore();
  const hub = new LiveHub(store, 5);
  const { log, lines } = memoryLogger();
  const server = new ApiServer({
    host: '127.0.0.1',
    port: 0,
    tokens,
    maxUpdatesPerSecond: 5,
    store,
    hub,
    registry: new Registry(),
    log,
    version: 'test',
    ...extra,
  });
  await store.start();
  hub.start();
  await server.start();
  return {
    server,
    lines,
    url: server.url,
    stop: async () => {
      await server.stop();
      hub.stop();
      await store.stop();
    },
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function call(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

function upgrade(url: string, options: { headers?: Record<string, string>; ca?: string } = {}) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/live`, ['callboard.v1'], { headers: options.headers, ca: options.ca });
  return new Promise<{ status: number; body?: unknown; ws?: WebSocket }>((resolve) => {
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    ws.once('error', () => resolve({ status: 0 }));
  });
}

describe('API roles, limits and headers', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  const config = parseConfig({});

  beforeAll(async () => {
    api = await startApi({ origins: [GRAFANA], rateLimit: { perMinute: 60, burst: 400 }, maxBodyBytes: 4096, config });
  });
  afterAll(() => api.stop());

  it('answers 401 without a token, on HTTP and on /live', async () => {
    const http = await call(`${api.url}/api/v1/snapshot`);
    expect(http).toMatchObject({ status: 401, body: { error: 'unauthorized', code: 'CALLBOARD_AUTH' } });
    expect(http.headers.get('www-authenticate')).toBe('Bearer realm="callboard"');
    expect(await upgrade(api.url)).toEqual({ status: 401, body: { error: 'unauthorized', code: 'CALLBOARD_AUTH' } });
  });

  it('lets the wall token read and /live, and answers it 403 on an admin route', async () => {
    expect((await call(`${api.url}/api/v1/snapshot`, { headers: bearer(WALL) })).status).toBe(200);
    const live = await upgrade(api.url, { headers: bearer(WALL) });
    expect(live.status).toBe(101);
    live.ws!.close();
    expect(await call(`${api.url}/api/v1/admin/config`, { headers: bearer(WALL) })).toMatchObject({
      status: 403,
      body: { error: 'this token may only read', code: 'CALLBOARD_FORBIDDEN' },
    });
  });

  it('serves the running config to the admin token, secrets redacted', async () => {
    const answer = await call(`${api.url}/api/v1/admin/config`, { headers: bearer(ADMIN) });
    expect(answer.status).toBe(200);
    expect(answer.body.config.api).toMatchObject({ host: '127.0.0.1', port: 8089, maxBodyBytes: 65536 });
  });

  it('answers 413 to an oversize body of any content type, declared or chunked', async () => {
    const big = 'x'.repeat(5000);
    const json = await call(`${api.url}/api/v1/snapshot`, {
      method: 'POST',
      headers: { ...bearer(ADMIN), 'content-type': 'application/json' },
      body: JSON.stringify({ big }),
    });
    expect(json).toMatchObject({ status: 413, body: { error: 'request body larger than 4096 bytes', code: 'CALLBOARD_BODY_TOO_LARGE' } });
    const text = await call(`${api.url}/api/v1/admin/config`, {
      method: 'PUT',
      headers: { ...bearer(ADMIN), 'content-type': 'text/plain' },
      body: big,
    });
    expect(text.status).toBe(413);
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await call(`${api.url}/api/v1/snapshot`, {
      method: 'POST',
      headers: { ...bearer(ADMIN), 'content-type': 'application/octet-stream' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(chunked).toMatchObject({ status: 413, body: { code: 'CALLBOARD_BODY_TOO_LARGE' } });
  });

  it('answers 400 with a fixed message to a body that is not JSON', async () => {
    const answer = await call(`${api.url}/api/v1/snapshot`, {
      method: 'POST',
      headers: { ...bearer(ADMIN), 'content-type': 'application/json' },
      body: `{"token": "${ADMIN}"`,
    });
    expect(answer).toMatchObject({ status: 400, body: { error: 'request body is not valid JSON', code: 'CALLBOARD_BAD_REQUEST' } });
  });

  it('sends security headers on every answer, errors included', async () => {
    for (const path of ['/healthz', '/api/v1/snapshot', '/nowhere']) {
      const { headers } = await call(`${api.url}${path}`);
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(headers.get('cache-control')).toBe('no-store');
      expect(headers.get('x-powered-by')).toBeNull();
      expect(headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('allows only listed browser origins, for CORS and for /live', async () => {
    const allowed = await call(`${api.url}/api/v1/snapshot`, { headers: { ...bearer(WALL), origin: GRAFANA } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(GRAFANA);
    const other = await call(`${api.url}/api/v1/snapshot`, { headers: { ...bearer(WALL), origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${api.url}/api/v1/snapshot`, {
      method: 'OPTIONS',
      headers: { origin: GRAFANA, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type');
    const refused = await call(`${api.url}/api/v1/snapshot`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(refused).toMatchObject({ status: 403, body: { code: 'CALLBOARD_ORIGIN' } });
    expect(await upgrade(api.url, { headers: { ...bearer(WALL), origin: 'https://evil.example' } })).toMatchObject({
      status: 403,
      body: { code: 'CALLBOARD_ORIGIN' },
    });
    const fromGrafana = await upgrade(api.url, { headers: { ...bearer(WALL), origin: GRAFANA } });
    expect(fromGrafana.status).toBe(101);
    fromGrafana.ws!.close();
  });

  it('answers an upgrade to an unparsable target 400 and keeps serving (it once threw in the upgrade handler)', async () => {
    const { connect } = await import('node:net');
    const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk));
    socket.write(
      'GET //[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect((await call(`${api.url}/healthz`)).status).toBe(200);
  });

  it('never logs a token', () => {
    const logged = JSON.stringify(api.lines);
    expect(logged).not.toContain(WALL);
    expect(logged).not.toContain(ADMIN);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After beyond the burst, per client, HTTP and /live alike', async () => {
    const api = await startApi({ rateLimit: { perMinute: 6, burst: 5 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await call(`${api.url}/api/v1/snapshot`, { headers: bearer(WALL) })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      const limited = await call(`${api.url}/api/v1/snapshot`, { headers: bearer(WALL) });
      expect(limited.body).toMatchObject({ code: 'CALLBOARD_RATE_LIMITED' });
      // 6 a minute: the next request is allowed within 10 s, a sliver of which has already passed.
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(10);
      expect(await upgrade(api.url, { headers: bearer(WALL) })).toMatchObject({ status: 429, body: { code: 'CALLBOARD_RATE_LIMITED' } });
      // Another token is another client; requests without a valid token count against the address.
      expect((await call(`${api.url}/api/v1/snapshot`, { headers: bearer(ADMIN) })).status).toBe(200);
      const guesses: number[] = [];
      for (let i = 0; i < 7; i++) guesses.push((await call(`${api.url}/api/v1/snapshot`, { headers: bearer(`guess-${i}`) })).status);
      expect(guesses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    } finally {
      await api.stop();
    }
  });
});

describe('TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-tls-'));
  let api: Awaited<ReturnType<typeof startApi>>;
  let cert = '';

  beforeAll(async () => {
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]); // prettier-ignore
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    process.env.CALLBOARD_TEST_TLS_WALL = WALL;
    const config = parseConfig({
      api: {
        port: 0,
        tls: { cert: join(dir, 'cert.pem'), key: { file: join(dir, 'key.pem') } },
        tokens: [{ name: 'wall', role: 'read', token: { env: 'CALLBOARD_TEST_TLS_WALL' } }],
      },
    });
    const { apiSecurityOptions } = await import('../collector/src/api/config.js');
    api = await startApi({ ...apiSecurityOptions(config.api), config });
  });
  afterAll(async () => {
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, ca?: string) =>
    new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpsRequest(`${api.url}${path}`, { ca, headers: bearer(WALL) }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.on('error', reject);
      req.end();
    });

  it('serves https and wss with the configured certificate, and HSTS', async () => {
    expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await get('/api/v1/snapshot', cert);
    expect(answer.status).toBe(200);
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000');
    const live = await upgrade(api.url, { headers: bearer(WALL), ca: cert });
    expect(live.status).toBe(101);
    live.ws!.close();
  });

  it('is refused by a client that does not trust the certificate, and speaks no plain http', async () => {
    await expect(get('/healthz')).rejects.toThrow(/self-signed certificate/);
    await expect(fetch(api.url.replace('https', 'http') + '/healthz')).rejects.toThrow();
  });

  it('reports an unreadable or mismatched certificate as a config error', () => {
    writeFileSync(join(dir, 'other.pem'), 'not a key');
    expect(() => parseConfig({ api: { tls: { cert: join(dir, 'missing.pem'), key: { file: join(dir, 'key.pem') } } } })).toThrow(
      /api\.tls\.cert: cannot read .*missing\.pem: ENOENT/,
    );
    expect(() => parseConfig({ api: { tls: { cert: join(dir, 'cert.pem'), key: { file: join(dir, 'other.pem') } } } })).toThrow(
      /api\.tls: certificate and key are not usable/,
    );
  });
});
