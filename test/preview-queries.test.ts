// The preview's link-health panel against a real influxd: its queries must give each tile the time
// of the trunk's newest sample. With several selectors in one query (last(state), last(up), …),
// InfluxDB 1.x stamps the row with the start of the range (now - 10m), and the real panel, in the
// real host, called every live trunk STALE ("no update for 600 s"). That query is kept here to show
// what the panel makes of it now: stale (it cannot tell), with the reason, never ok.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { launchChromium, openPreview } from '../collector/src/preview/browser.js';
import { previewPanels, type PreviewPanel } from '../collector/src/preview/panels.js';
import { startPreviewServer, type PreviewServer } from '../collector/src/preview/server.js';

const DATABASE = 'callboard';
const STALE_AFTER_S = 15;
const MULTI_SELECTOR = `SELECT last("state") AS "state", last("up") AS "up", last("latency_avg_ms") AS "latency_avg_ms" FROM "raw"."trunk_status" WHERE time > now() - 10m GROUP BY "switch", "trunk"`;

let influxd: Influxd;
let browser: Browser;
let preview: PreviewServer;
/** When the newest samples were written: trunk-a (up) and trunk-b (down) now, trunk-c (up) 5 minutes ago. */
let writtenAt: number;

async function influx(path: string, body?: string): Promise<Response> {
  const response = await fetch(`${influxd.url}${path}`, body === undefined ? {} : { method: 'POST', body });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

async function rows(q: string): Promise<{ trunk: string; time: number }[]> {
  const body = (await (await influx(`/query?db=${DATABASE}&epoch=ms&q=${encodeURIComponent(q)}`)).json()) as {
    results: { series?: { tags: { trunk: string }; values: [number, ...unknown[]][] }[] }[];
  };
  return (body.results[0]!.series ?? []).map((s) => ({ trunk: s.tags.trunk, time: s.values[0]![0] }));
}

/** The tiles as the panel draws them: state and tooltip (which carries the reason). */
async function tiles(view: string): Promise<Record<string, { state: string | null; details: string | null }>> {
  const opened = await openPreview(browser, preview.url, { view: view as 'links', width: 800, height: 400 });
  try {
    await opened.page.waitForSelector('[data-testid="link-tile"][data-name="trunk-c"]', { timeout: 15_000 });
    const out: Record<string, { state: string | null; details: string | null }> = {};
    for (const trunk of ['trunk-a', 'trunk-b', 'trunk-c']) {
      const tile = opened.page.locator(`[data-testid="link-tile"][data-name="${trunk}"]`);
      out[trunk] = { state: await tile.getAttribute('data-state'), details: await tile.getAttribute('title') };
    }
    expect(opened.errors).toEqual([]);
    return out;
  } finally {
    await opened.page.close();
  }
}

beforeAll(async () => {
  influxd = await startInfluxd();
  const admin = (q: string) => influx(`/query?db=${DATABASE}&q=${encodeURIComponent(q)}`, '');
  await admin(`CREATE DATABASE ${DATABASE}`);
  await admin(`CREATE RETENTION POLICY "raw" ON "${DATABASE}" DURATION 1d REPLICATION 1 DEFAULT`);
  writtenAt = Date.now();
  const point = (trunk: string, state: string, ms: number) =>
    `trunk_status,switch=ss1,trunk=${trunk} state="${state}",up=${state === 'up' ? 1 : 0}i,latency_avg_ms=4.5 ${ms}`;
  const lines = [
    // Older samples first, so last() has something to choose from.
    point('trunk-a', 'down', writtenAt - 240_000),
    point('trunk-a', 'up', writtenAt),
    point('trunk-b', 'up', writtenAt - 120_000),
    point('trunk-b', 'down', writtenAt),
    point('trunk-c', 'up', writtenAt - 300_000),
  ];
  await influx(`/write?db=${DATABASE}&rp=raw&precision=ms`, lines.join('\n'));

  const fixed = previewPanels({ staleAfterSeconds: STALE_AFTER_S });
  const multiSelector: PreviewPanel = { ...fixed.links!, queries: [{ refId: 'trunks', query: MULTI_SELECTOR }] };
  preview = await startPreviewServer({
    port: 0,
    influx: { url: influxd.url, database: DATABASE },
    // Named after the host's views: ?view=<name> picks the panel.
    panels: { ...fixed, 'links-multi-selector': multiSelector },
    refreshMs: 0,
  });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await preview?.close();
  await influxd?.stop();
});

describe('preview link-health queries against influxd 1.x', () => {
  it('each query of the links panel returns every trunk with the time of its newest sample', async () => {
    const queries = previewPanels({ staleAfterSeconds: STALE_AFTER_S }).links!.queries;
    expect(queries.length).toBeGreaterThan(1);
    for (const { query } of queries) {
      expect(Object.fromEntries((await rows(query)).map((r) => [r.trunk, r.time]))).toEqual({
        'trunk-a': writtenAt,
        'trunk-b': writtenAt,
        'trunk-c': writtenAt - 300_000,
      });
    }
  });

  it('several selectors in one query stamp every row with the start of the range (the bug)', async () => {
    const before = Date.now();
    const stamped = await rows(MULTI_SELECTOR);
    expect(stamped.map((r) => r.trunk).sort()).toEqual(['trunk-a', 'trunk-b', 'trunk-c']);
    for (const r of stamped) {
      expect(r.time).not.toBe(r.trunk === 'trunk-c' ? writtenAt - 300_000 : writtenAt);
      // now() - 10m of the query's own clock: between ten minutes before the request and ten minutes before the answer
      expect(r.time).toBeGreaterThanOrEqual(before - 600_000 - 1000);
      expect(r.time).toBeLessThanOrEqual(Date.now() - 600_000 + 1000);
    }
  });

  it('the panel shows the live trunks ok and down, and only the silent one stale', async () => {
    const shown = await tiles('links');
    expect(Object.fromEntries(Object.entries(shown).map(([t, s]) => [t, s.state]))).toEqual({
      'trunk-a': 'ok',
      'trunk-b': 'down',
      'trunk-c': 'stale',
    });
    // trunk-c's age is its own sample's (about 300 s), not the query range's 600 s.
    const age = Number(/no update for (\d+) s/.exec(shown['trunk-c']!.details ?? '')?.[1]);
    expect(age).toBeGreaterThanOrEqual(300);
    expect(age).toBeLessThan(300 + 60);
  });

  it('fed by the multi-selector query, the same panel cannot date the trunks: stale, age unknown, never ok', async () => {
    const shown = await tiles('links-multi-selector');
    for (const tile of Object.values(shown)) {
      expect(tile.state).toBe('stale');
      // Not the range's 600 s passed off as the trunk's age: the executed query (frame meta, as Grafana sends it) says why.
      expect(tile.details).toContain('age unknown: query dates rows at its range start');
    }
  });
});
