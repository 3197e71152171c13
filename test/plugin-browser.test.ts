// @vitest-environment node
// The built panel (plugin/dist/module.js) in the preview host, in Debian Chromium, against the real
// chain: SIPp → Kamailio → collector → InfluxDB and /live. What the NOC wall would show, checked.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collector } from '../collector/src/app.js';
import { parseConfig } from '../collector/src/config.js';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import type { Kamailio } from '../collector/src/devstack/kamailio.js';
import { waitFor } from '../collector/src/devstack/process.js';
import { startUac, type Uas } from '../collector/src/devstack/sipp.js';
import { createLogger } from '../collector/src/lib/log.js';
import { simulateDay, totalsOf, type SimDayTotals } from '../collector/src/inputs/cdr/sim/generate.js';
import { Random } from '../collector/src/inputs/cdr/sim/random.js';
import { writeDay } from '../collector/src/inputs/cdr/sim/writers.js';
import { Zone } from '../collector/src/inputs/cdr/zone.js';
import { connectLive } from '../collector/src/api/live-client.js';
import { snapshotReader, startTwoTrunkSwitch, type TwoTrunkSwitch } from './support/switch.js';
import { launchChromium, openPreview, type OpenPreviewOptions, type PreviewPage } from '../collector/src/preview/browser.js';
import { previewPanels } from '../collector/src/preview/panels.js';
import { PLUGIN_DIR, startPreviewServer, type PreviewServer } from '../collector/src/preview/server.js';

const TOKEN = 'plugin-browser-token-83a1';
const DB = 'callboard_plugin';
/** As a wall would set it: several poll intervals, so a slow poll is not mistaken for an outage. */
const STALE_AFTER_S = 10;
/** Screenshots of every run land here (gitignored); the best are copied to docs/ by hand. */
const SHOTS = join(PLUGIN_DIR, '.screenshots');
const ZONE = 'America/New_York';

/**
 * Asterisk CDR files for the day before yesterday, yesterday and today (calls that have ended by
 * now), written by the simulator: the collector's cdr input turns them into the day totals the
 * milestone view reads. Returns the simulator's own totals per day.
 */
function writeCdrDays(dir: string): SimDayTotals[] {
  const zone = new Zone(ZONE);
  const today = zone.dayOf(Date.now());
  const days = [2, 1, 0].map((back) => zone.dayOf(zone.dayRange(today).start - back * 86_400_000 + 3_600_000));
  const random = new Random(11);
  return days.map((day, i) => {
    const size = [3000, 3600, 2400][i]!;
    const calls = simulateDay(day, { callsPerDay: size, days: 1, startDay: day, timezone: ZONE, seed: 11, meanHoldingSeconds: 150 }, random, i * 10_000).filter(
      // Older than the input's leg-merge window (2 min), so every call is closed and counted at once.
      (c) => c.endMs < Date.now() - 5 * 60_000,
    );
    writeDay(dir, day, calls, 'asterisk', zone);
    return totalsOf(day, calls);
  });
}

describe('Callboard panel in Chromium, fed by a live collector', () => {
  let influxd: Influxd;
  let softswitch: TwoTrunkSwitch;
  let kamailio: Kamailio;
  let gatewayA: Uas;
  let gatewayB: Uas;
  let collector: Collector;
  let collectorRunning = false;
  let cdrDays: SimDayTotals[] = [];
  let preview: PreviewServer;
  let browser: Browser;
  const pages: PreviewPage[] = [];

  const { snapshot, trunkState } = snapshotReader(() => collector.api.url, TOKEN);
  const open = async (options: OpenPreviewOptions) => {
    const opened = await openPreview(browser, preview.url, options);
    pages.push(opened);
    return opened;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) });
  const activeOnScreen = async (page: Page) => {
    const text = (await page.textContent('[data-testid="active-calls"]')) ?? '';
    return text === '—' ? null : Number(text.replace(/,/g, ''));
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [influxd, softswitch, browser] = await Promise.all([startInfluxd(), startTwoTrunkSwitch(1), launchChromium()]);
    ({ kamailio, gatewayA, gatewayB } = softswitch);
    process.env.CALLBOARD_PLUGIN_TEST_TOKEN = TOKEN;
    const cdrDir = mkdtempSync(join(tmpdir(), 'callboard-plugin-cdr-'));
    cdrDays = writeCdrDays(cdrDir);
    const config = parseConfig({
      timezone: ZONE,
      stateDir: mkdtempSync(join(tmpdir(), 'callboard-plugin-state-')),
      log: { level: 'warn' },
      api: { port: 0, token: { env: 'CALLBOARD_PLUGIN_TEST_TOKEN' } },
      outputs: { influx: { url: influxd.url, database: DB, flushInterval: '200ms' } },
      inputs: [
        { type: 'kamailio', name: 'ss1', url: kamailio.rpcUrl, interval: '1s', evapi: { port: kamailio.evapiPort } },
        { type: 'cdr', name: 'cdr1', paths: [cdrDir], format: 'asterisk', sourceTimezone: ZONE },
      ],
    });
    collector = new Collector(config, createLogger({ level: 'warn' }));
    await collector.start();
    collectorRunning = true;
    await waitFor(async () => (await trunkState('trunk-a')) === 'up' && (await trunkState('trunk-b')) === 'up', { timeoutMs: 30_000, what: 'both trunks up' });
    preview = await startPreviewServer({
      influx: { url: influxd.url, database: DB },
      panels: previewPanels({ live: { url: collector.api.url.replace(/^http/, 'ws') + '/live', token: TOKEN }, staleAfterSeconds: STALE_AFTER_S }),
      refreshMs: 1000,
    });
  });

  afterAll(async () => {
    // Once the collector is stopped on purpose, Chromium itself logs each refused reconnect: expected.
    const expected = (e: string) => !collectorRunning && /WebSocket connection to 'ws:\/\/[^']+\/live[^']*' failed/.test(e);
    for (const { errors } of pages) expect(errors.filter((e) => !expected(e)), 'console errors in the preview page').toEqual([]);
    await browser?.close();
    await preview?.close();
    if (collectorRunning) await collector?.stop();
    await softswitch?.stop();
    await influxd?.stop();
  });

  it('loads the built bundle like Grafana and shows active calls that follow SIPp through Kamailio', async () => {
    const dark = await open({ view: 'calls' });
    await dark.page.waitForSelector('[data-testid="callboard-panel"][data-freshness="fresh"]', { timeout: 10_000 });
    expect(await dark.page.getAttribute('[data-testid="callboard-panel"] >> xpath=..', 'data-live-status')).toBe('open');
    expect(await activeOnScreen(dark.page)).toBe(0);

    // 10 calls/s held 4 s: about 40 calls up at once.
    const uac = await startUac({ target: `127.0.0.1:${kamailio.sipPort}`, calls: 100, rateCps: 10, holdMs: 4000 });
    try {
      await waitFor(async () => ((await activeOnScreen(dark.page)) ?? 0) >= 30, { timeoutMs: 15_000, what: 'about 40 active calls on screen' });
      // On screen and in the collector agree (the ws coalesces to 4 updates/s per topic: allow one window of drift).
      const onScreen = (await activeOnScreen(dark.page))!;
      const collectorActive = (await snapshot()).measurements.softswitch_calls?.[0]?.fields.active as number;
      expect(Math.abs(onScreen - collectorActive)).toBeLessThanOrEqual(5);
      expect(onScreen).toBeLessThanOrEqual(45);
      const light = await open({ view: 'calls', theme: 'light' });
      await light.page.waitForSelector('[data-testid="callboard-panel"][data-freshness="fresh"]');
      await Promise.all([shot(dark.page, 'calls-dark'), shot(light.page, 'calls-light')]);
    } finally {
      await uac.stop();
    }
    await waitFor(async () => (await activeOnScreen(dark.page)) === 0, { timeoutMs: 20_000, what: 'the count back to 0 on screen' });
    // Today's figures come from InfluxDB: calls were counted.
    await waitFor(async () => Number(((await dark.page.textContent('[data-testid="calls-today"]')) ?? '0').replace(/,/g, '')) >= 30, { timeoutMs: 10_000, what: 'calls today from InfluxDB' });
  });

  it('shows the milestone view from the day totals the cdr input wrote to InfluxDB', async () => {
    const [, , today] = cdrDays;
    const record = cdrDays.reduce((best, d) => (d.minutes > best.minutes ? d : best));
    // Targets between today's figures: the minutes target is crossed, the calls target is not.
    const targets = { milestone: { minutesTarget: Math.floor(today!.minutes / 2), callsTarget: today!.calls * 2 } };
    await waitFor(async () => {
      const rows = await (await fetch(`${influxd.url}/query?db=${DB}&q=${encodeURIComponent('SELECT last(calls) FROM cdr_day')}`)).json() as { results: { series?: { values: unknown[][] }[] }[] };
      return rows.results[0]?.series?.[0]?.values[0]?.[1] === today!.calls;
    }, { timeoutMs: 30_000, what: "today's CDR totals in InfluxDB" });
    const dark = await open({ view: 'milestone' });
    await dark.page.setViewportSize({ width: 1920, height: 1080 });
    // The preview's options leave targets at 0 (from data): set the daily targets like an editor would.
    await dark.page.evaluate((patch) => (globalThis as never as { callboardHost: { setOptions(p: unknown): void } }).callboardHost.setOptions(patch), targets);
    await dark.page.waitForSelector('[data-testid="milestone-minutes-crossed"]');
    expect(await dark.page.textContent('[data-testid="milestone-minutes-today"]')).toBe(Math.round(today!.minutes).toLocaleString('en-US'));
    expect(await dark.page.textContent('[data-testid="milestone-calls-today"]')).toBe(today!.calls.toLocaleString('en-US'));
    expect(await dark.page.textContent('[data-testid="milestone-minutes-record"]')).toContain(`record ${Math.round(record.minutes).toLocaleString('en-US')}`);
    expect(await dark.page.getAttribute('[data-testid="milestone-calls"]', 'data-crossed')).toBe('false');
    const light = await open({ view: 'milestone', theme: 'light' });
    await light.page.evaluate((patch) => (globalThis as never as { callboardHost: { setOptions(p: unknown): void } }).callboardHost.setOptions(patch), targets);
    await light.page.waitForSelector('[data-testid="milestone-minutes-crossed"]');
    await Promise.all([shot(dark.page, 'milestone-dark'), shot(light.page, 'milestone-light')]);
  });

  it('turns a trunk tile down within 2 s of the collector seeing it, through /live alone', async () => {
    // refreshMs 0: the page never re-queries, so only the WebSocket can change a tile.
    const dark = await open({ view: 'links', refreshMs: 0 });
    const light = await open({ view: 'links', theme: 'light' });
    for (const { page } of [dark, light]) {
      await page.waitForSelector('[data-testid="link-tile"][data-name="trunk-b"][data-state="ok"]');
      expect(await page.getAttribute('[data-testid="link-tile"][data-name="trunk-a"]', 'data-state')).toBe('ok');
    }
    // The page notes when the tile turns down; the test notes when /live said so.
    // (a string: the root tsconfig has no DOM types, and this runs in the page, not in Node)
    await dark.page.evaluate(`new MutationObserver(() => {
      if (window.tileDownAt === undefined && document.querySelector('[data-testid="link-tile"][data-name="trunk-b"][data-state="down"]')) window.tileDownAt = Date.now();
    }).observe(document.body, { subtree: true, attributes: true, childList: true })`);
    const live = await connectLive(collector.api.url, TOKEN, 'trunk_status');
    await gatewayB.stop();
    type Series = { topic: string; fields: Record<string, unknown>; time: number };
    const firstDown = () =>
      live.frames.flatMap((f) => ([] as Series[]).concat((f.message.series as Series | Series[] | undefined) ?? [])).find((s) => s.topic.includes('trunk=trunk-b') && s.fields.state === 'down');
    const down = await waitFor(firstDown, { timeoutMs: 20_000, what: 'trunk-b down on /live' });
    live.close();
    await dark.page.waitForSelector('[data-testid="link-tile"][data-name="trunk-b"][data-state="down"]', { timeout: 2000 });
    const tileAt = await dark.page.evaluate(() => (globalThis as never as { tileDownAt: number }).tileDownAt);
    // From the collector's poll that saw the trunk down (the series time) to the tile on screen:
    // coalescing window, ws delivery, one animation frame and the render.
    const latencyMs = tileAt - down.time;
    expect(latencyMs).toBeGreaterThanOrEqual(0);
    expect(latencyMs).toBeLessThanOrEqual(2000);
    writeFileSync(join(SHOTS, 'trunk-down-latency.json'), `${JSON.stringify({ pollToTileMs: latencyMs, measuredAt: new Date().toISOString() })}\n`);
    // Worst first: the down trunk leads the grid.
    expect(await dark.page.getAttribute('[data-testid="link-tile"] >> nth=0', 'data-name')).toBe('trunk-b');
    await light.page.waitForSelector('[data-testid="link-tile"][data-name="trunk-b"][data-state="down"]', { timeout: 5000 });
    await Promise.all([shot(dark.page, 'links-dark'), shot(light.page, 'links-light')]);
  });

  it('turns the panel STALE when the collector stops', async () => {
    const { page } = await open({ view: 'calls' });
    await page.waitForSelector('[data-testid="callboard-panel"][data-freshness="fresh"]');
    for (const opened of pages) expect(opened.errors, 'console errors before the collector stopped').toEqual([]);
    const stoppedAt = Date.now();
    await collector.stop();
    collectorRunning = false;
    await page.waitForSelector('[data-testid="status-badge"][data-freshness="stale"]', { timeout: 10_000 });
    // On losing the link, without waiting for three missed heartbeats or the data to age past 10 s.
    expect(Date.now() - stoppedAt).toBeLessThan(3000);
    expect(await page.textContent('[data-testid="status-badge"]')).toContain('STALE');
    await shot(page, 'calls-stale-dark');
  });
});
