import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { memoryLogger } from '../lib/test-logger.js';
import { LiveHub } from '../outputs/live/hub.js';
import { LiveStore } from '../outputs/live/store.js';
import { ApiServer } from './server.js';

const TOKEN = 'wall-display-token-1234';

describe('API server', () => {
  const store = new LiveStore();
  const hub = new LiveHub(store, 4);
  const { log, lines } = memoryLogger();
  const server = new ApiServer({ host: '127.0.0.1', port: 0, tokens: [{ name: 'wall', role: 'read', token: TOKEN }], maxUpdatesPerSecond: 4, store, hub, registry: new Registry(), log, version: 'test' });
  let url = '';
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    await store.start();
    hub.start();
    await server.start();
    url = server.url;
    store.write([{ measurement: 'trunk_status', tags: { switch: 'ss1', trunk: 'a' }, fields: { up: 1, state: 'up' }, time: Date.now() - 1500 }]);
  });
  afterAll(async () => {
    await server.stop();
    hub.stop();
    await store.stop();
  });

  it('listens on loopback', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses /api without the token and serves the snapshot with it', async () => {
    expect((await fetch(`${url}/api/v1/snapshot`)).status).toBe(401);
    expect((await fetch(`${url}/api/v1/snapshot`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const response = await fetch(`${url}/api/v1/snapshot`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const body = (await response.json()) as { measurements: Record<string, Record<string, unknown>[]> };
    const trunk = body.measurements.trunk_status![0]!;
    expect(trunk).toMatchObject({ topic: 'trunk_status,switch=ss1,trunk=a', tags: { switch: 'ss1', trunk: 'a' }, fields: { up: 1, state: 'up' } });
    expect(trunk.ageMs).toBeGreaterThanOrEqual(1500);
    const filtered = (await (await fetch(`${url}/api/v1/snapshot?measurements=softswitch_calls`, { headers: auth })).json()) as { measurements: object };
    expect(filtered.measurements).toEqual({});
  });

  it('keeps /healthz and /metrics open for probes and scrapers, /metrics in Prometheus format', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok', version: 'test' });
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('answers unknown routes 404 and oversize bodies 413', async () => {
    expect((await fetch(`${url}/api/v1/nope`, { headers: auth })).status).toBe(404);
    const big = JSON.stringify({ x: 'y'.repeat(100_000) });
    expect((await fetch(`${url}/api/v1/snapshot`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: big })).status).toBe(413);
  });

  function connect(path: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}) {
    const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, options.protocols ?? [], { headers: options.headers });
    const messages: Array<Record<string, any>> = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    const opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return { ws, messages, opened };
  }

  async function until(check: () => boolean) {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(check()).toBe(true);
  }

  it('refuses /live without the token', async () => {
    await expect(connect('/live').opened).rejects.toThrow('HTTP 401');
    await expect(connect('/live?access_token=wrong').opened).rejects.toThrow('HTTP 401');
    await expect(connect('/elsewhere', { headers: auth }).opened).rejects.toThrow('HTTP 404');
  });

  it.each([
    ['a header', '/live', { headers: auth }],
    ['the query string', `/live?access_token=${TOKEN}`, {}],
    ['a subprotocol', '/live', { protocols: ['callboard.v1', `bearer.${TOKEN}`] }],
  ])('streams hello, snapshot and updates to a client authenticated by %s', async (_how, path, options) => {
    const client = connect(path, options);
    await client.opened;
    await until(() => client.messages.length >= 2);
    expect(client.messages[0]).toMatchObject({ type: 'hello', version: 1, maxUpdatesPerSecond: 4 });
    expect(client.messages[1]).toMatchObject({ type: 'snapshot' });
    expect(client.messages[1]!.series.map((s: { topic: string }) => s.topic)).toContain('trunk_status,switch=ss1,trunk=a');
    store.write([{ measurement: 'softswitch_calls', tags: { switch: 'ss1' }, fields: { active: Math.random() }, time: Date.now() }]);
    await until(() => client.messages.some((m) => m.type === 'update'));
    expect(client.messages.find((m) => m.type === 'update')!.series).toMatchObject({ measurement: 'softswitch_calls', tags: { switch: 'ss1' } });
    client.ws.close();
  });

  it('never logs the token', () => {
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });
});
