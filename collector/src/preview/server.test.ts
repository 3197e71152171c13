import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewPanels } from './panels.js';
import { PLUGIN_ID, startPreviewServer, type PreviewServer } from './server.js';

describe('preview server', () => {
  let preview: PreviewServer;
  let influx: ReturnType<typeof createServer>;
  const influxQueries: string[] = [];

  beforeAll(async () => {
    // A plugin folder with a built panel and host page, as `npm run build` leaves them.
    const pluginDir = mkdtempSync(join(tmpdir(), 'callboard-preview-'));
    mkdirSync(join(pluginDir, 'dist', 'img'), { recursive: true });
    mkdirSync(join(pluginDir, 'host', 'out'), { recursive: true });
    writeFileSync(join(pluginDir, 'dist', 'module.js'), 'define([], function () { return {}; });');
    writeFileSync(join(pluginDir, 'dist', 'plugin.json'), JSON.stringify({ id: PLUGIN_ID }));
    writeFileSync(join(pluginDir, 'host', 'out', 'index.html'), '<!doctype html><title>host</title>');
    writeFileSync(join(pluginDir, 'host', 'out', 'host.js'), '/* host */');
    writeFileSync(join(pluginDir, 'secret.txt'), 'not for the page');
    // A stand-in InfluxDB /query that records what reaches it.
    influx = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      influxQueries.push(`${url.pathname} db=${url.searchParams.get('db')} epoch=${url.searchParams.get('epoch')} q=${url.searchParams.get('q')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"results":[{"statement_id":0}]}');
    });
    await new Promise<void>((r) => influx.listen(0, '127.0.0.1', () => r()));
    const influxUrl = `http://127.0.0.1:${(influx.address() as AddressInfo).port}`;
    preview = await startPreviewServer({ pluginDir, influx: { url: influxUrl, database: 'callboard' }, panels: previewPanels({ staleAfterSeconds: 7, live: { url: 'ws://127.0.0.1:1/live', token: 't' } }), refreshMs: 2500 });
  });

  afterAll(async () => {
    await preview?.close();
    await new Promise<void>((r) => influx.close(() => r()));
  });

  const get = (path: string) => fetch(`${preview.url}${path}`);

  it('serves the host page and the plugin at the URL Grafana uses', async () => {
    expect(await (await get('/')).text()).toContain('<title>host</title>');
    expect((await get('/preview/host.js')).headers.get('content-type')).toContain('javascript');
    const module = await get(`/public/plugins/${PLUGIN_ID}/module.js`);
    expect(module.status).toBe(200);
    expect(await module.text()).toContain('define(');
    expect(await (await get(`/public/plugins/${PLUGIN_ID}/plugin.json`)).json()).toEqual({ id: PLUGIN_ID });
  });

  it('never serves files outside dist/ or host/out/', async () => {
    expect((await get(`/public/plugins/${PLUGIN_ID}/../../secret.txt`)).status).toBe(404);
    expect((await get(`/public/plugins/${PLUGIN_ID}/%2e%2e/secret.txt`)).status).toBe(404);
    expect((await get('/preview/host.%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/public/plugins/other-panel/module.js')).status).toBe(404);
  });

  it('hands the page its panels: queries per view, live URL, token and stale limit', async () => {
    const config = (await (await get('/preview/config')).json()) as { pluginId: string; refreshMs: number; panels: Record<string, { options: Record<string, unknown>; queries: unknown[] }> };
    expect(config.pluginId).toBe(PLUGIN_ID);
    expect(config.refreshMs).toBe(2500);
    expect(Object.keys(config.panels).sort()).toEqual(['calls', 'links', 'milestone']);
    expect(config.panels.links!.options).toMatchObject({ view: 'links', staleAfterSeconds: 7, live: { enabled: true, url: 'ws://127.0.0.1:1/live', token: 't' } });
    expect(config.panels.milestone!.options).toMatchObject({ live: { enabled: false } });
  });

  it('passes single SELECTs to InfluxDB (ms epochs) and refuses anything that writes', async () => {
    const ok = await get(`/preview/query?q=${encodeURIComponent('SELECT "active" FROM "raw"."softswitch_calls"')}`);
    expect(ok.status).toBe(200);
    expect(influxQueries.at(-1)).toBe('/query db=callboard epoch=ms q=SELECT "active" FROM "raw"."softswitch_calls"');
    for (const q of ['DROP DATABASE callboard', 'SELECT * INTO x FROM y', 'SELECT 1; DROP DATABASE callboard', 'select 1 into x from y']) {
      expect((await get(`/preview/query?q=${encodeURIComponent(q)}`)).status, q).toBe(400);
    }
    expect(influxQueries).toHaveLength(1);
  });

  it('refuses to start without a build, saying which command makes it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'callboard-preview-empty-'));
    await expect(startPreviewServer({ pluginDir: empty, panels: {} })).rejects.toThrow(/npm run build -w plugin/);
  });
});
