import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { launchChromium, openPreview } from '../preview/browser.js';
import { previewPanels } from '../preview/panels.js';
import { PLUGIN_DIR, startPreviewServer } from '../preview/server.js';

export interface PanelUpdateOptions {
  /** Tiles on the link-health grid. */
  tiles: number;
  /** Live updates sent, one trunk flipping state each. */
  updates: number;
  /** Gap between updates: each lands in its own frame, as the collector's coalescing spaces them. */
  intervalMs?: number;
  /** Saves a 1920×1080 screenshot of the grid here. */
  screenshot?: string;
}

export interface PanelUpdateResult {
  tiles: number;
  updates: number;
  /** Main-thread scripting per live update, minus what the same page scripts while idle. */
  'script ms/update': number;
  'style+layout ms/update': number;
  /** Scripting of the idle page (clock tick re-render, heartbeats) per second. */
  'idle script ms/s': number;
  /** First load of the page until the grid is on screen. */
  'load ms': number;
}

function trunkSeries(i: number, state: 'up' | 'down', time: number) {
  const tags = { switch: `ss${i % 20}`, trunk: `trunk-${String(i).padStart(4, '0')}` };
  return { topic: `trunk_status,switch=${tags.switch},trunk=${tags.trunk}`, measurement: 'trunk_status', tags, fields: { up: state === 'up' ? 1 : 0, state, latency_avg_ms: 3.2 }, time };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Scripting cost of one /live update on the link-health view with `tiles` trunks, in Debian
 * Chromium: the built plugin in the preview host, fed by a stand-in /live server speaking the
 * collector's protocol (hello, snapshot, update, heartbeat), read from Chromium's own counters
 * (CDP Performance.getMetrics ScriptDuration). The idle page's scripting over the same time is
 * measured first and subtracted, so the figure is what an update adds.
 */
export async function measurePanelUpdates(options: PanelUpdateOptions): Promise<PanelUpdateResult> {
  const intervalMs = options.intervalMs ?? 50;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/live', handleProtocols: () => 'callboard.v1' });
  const clients = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    const now = Date.now();
    ws.send(JSON.stringify({ type: 'hello', version: 1, serverTime: now, maxUpdatesPerSecond: 4, heartbeatMs: 5000 }));
    ws.send(JSON.stringify({ type: 'snapshot', serverTime: now, series: Array.from({ length: options.tiles }, (_, i) => trunkSeries(i, 'up', now)) }));
  });
  const heartbeat = setInterval(() => {
    for (const ws of clients) ws.send(JSON.stringify({ type: 'heartbeat', serverTime: Date.now() }));
  }, 1000);
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const livePort = (wss.address() as AddressInfo).port;

  // The query side answers like InfluxDB with the same trunks, so the page also has frames to merge
  // (one field per query, as the panel asks: `SELECT last("state") AS "state" …`).
  const query = async (influxql: string) => {
    const field = /AS "(\w+)"/.exec(influxql)?.[1] ?? 'state';
    return {
      results: [{ statement_id: 0, series: Array.from({ length: options.tiles }, (_, i) => { const s = trunkSeries(i, 'up', Date.now()); return { name: 'trunk_status', tags: s.tags, columns: ['time', field], values: [[s.time, s.fields[field as keyof typeof s.fields]]] }; }) }],
    };
  };
  const preview = await startPreviewServer({ query, refreshMs: 0, panels: previewPanels({ live: { url: `ws://127.0.0.1:${livePort}/live`, token: 'bench' }, staleAfterSeconds: 60 }) });
  const browser = await launchChromium();
  try {
    const loadStart = Date.now();
    const { page, errors } = await openPreview(browser, preview.url, { view: 'links' });
    // Expressions as strings: they run in the page (the collector's tsconfig has no DOM types).
    await page.waitForFunction(`document.querySelectorAll('[data-testid="link-tile"]').length === ${options.tiles}`, undefined, { timeout: 30_000 });
    await page.waitForSelector('[data-live-status="open"]', { timeout: 10_000 });
    const loadMs = Date.now() - loadStart;
    await sleep(500);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => {
      const { metrics: list } = await cdp.send('Performance.getMetrics');
      const get = (name: string) => (list.find((m) => m.name === name)?.value ?? 0) * 1000;
      return { script: get('ScriptDuration'), style: get('RecalcStyleDuration') + get('LayoutDuration') };
    };
    const span = options.updates * intervalMs;

    const idle0 = await metrics();
    await sleep(span);
    const idle1 = await metrics();

    const busy0 = await metrics();
    for (let k = 0; k < options.updates; k++) {
      const i = (k * 37) % options.tiles;
      const series = trunkSeries(i, k % 2 === 0 ? 'down' : 'up', Date.now());
      for (const ws of clients) ws.send(JSON.stringify({ type: 'update', serverTime: Date.now(), series }));
      await sleep(intervalMs);
    }
    await sleep(100);
    const busy1 = await metrics();
    if (options.screenshot) await page.screenshot({ path: options.screenshot });
    if (errors.length) throw new Error(`page errors during the bench: ${errors.join('; ')}`);

    const idleScript = idle1.script - idle0.script;
    const idleStyle = idle1.style - idle0.style;
    return {
      tiles: options.tiles,
      updates: options.updates,
      'script ms/update': Math.max(0, busy1.script - busy0.script - idleScript) / options.updates,
      'style+layout ms/update': Math.max(0, busy1.style - busy0.style - idleStyle) / options.updates,
      'idle script ms/s': idleScript / (span / 1000),
      'load ms': loadMs,
    };
  } finally {
    clearInterval(heartbeat);
    await browser.close();
    await preview.close();
    for (const ws of clients) ws.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  }
}

/** The default screenshot path (gitignored folder of the plugin). */
export const PANEL_BENCH_SCREENSHOT = join(PLUGIN_DIR, '.screenshots', 'links-1000-dark.png');

/**
 * What `callboard bench` runs: 1,000 tiles (the goal: ≤ 16 ms of scripting per live update) beside
 * 100 tiles as the peer measured in the same run. Needs `npm run build` and /usr/bin/chromium.
 */
export async function benchPanelUpdates(updates = 100): Promise<PanelUpdateResult[]> {
  const rows: PanelUpdateResult[] = [];
  for (const tiles of [1000, 100]) rows.push(await measurePanelUpdates({ tiles, updates, screenshot: tiles === 1000 ? PANEL_BENCH_SCREENSHOT : undefined }));
  return rows;
}
