// Every InfluxQL target of every dashboard, with its template variables substituted the way
// Grafana does, against one real InfluxDB filled by the collector from the simulators (the demo's
// stack: SIPp through Kamailio, simulated routers and IADs from the real recordings, simulated
// CDRs). A query error fails at once; a target without a series fails once the data has had time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../collector/src/devstack/process.js';
import { launchChromium, openPreview } from '../collector/src/preview/browser.js';
import type { PreviewPanel } from '../collector/src/preview/panels.js';
import { startPreviewServer } from '../collector/src/preview/server.js';
import { DEMO_CDR_SOURCE, DEMO_DATABASE, startDemoStack, type DemoStack } from '../collector/src/devstack/demo-stack.js';
import { circuitsFor } from '../collector/src/traffic/erlang.js';
import { Zone } from '../collector/src/inputs/cdr/zone.js';
import { createLogger } from '../collector/src/lib/log.js';
import { buildDashboards } from '../dashboards/src/dashboards.js';
import { PLUGIN_ID, TIMEZONE, type Json } from '../dashboards/src/grafana.js';
import { dashboardTargets, interpolate, pluginPanels, regexValue, type QueryTarget } from '../dashboards/src/queries.js';

const dashboards = buildDashboards();
const zone = new Zone(TIMEZONE);
/** How long the slowest panel (IADs flagged unreachable, the second SNMP rate, a CDR minute) may take to have data. */
const DATA_DEADLINE_MS = 100_000;

let stack: DemoStack;
let browser: Browser | undefined;
let dir: string;

interface Series {
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

interface Answer {
  error?: string;
  series: number;
  /** Rows of every series, tags merged in. */
  rows: Record<string, unknown>[];
}

async function influx(q: string): Promise<{ error?: string; series?: Series[] }> {
  const url = `${stack.influxd.url}/query?db=${DEMO_DATABASE}&epoch=ms&q=${encodeURIComponent(q)}`;
  const body = (await (await fetch(url)).json()) as {
    error?: string;
    results?: { error?: string; series?: Series[] }[];
  };
  if (body.error) return { error: body.error };
  return body.results?.[0] ?? { error: 'no result' };
}

/** Values of each template variable as Grafana would put them in a query (All = every value). */
async function variableValues(
  dashboard: Json,
  base: Omit<Parameters<typeof interpolate>[1], 'variables'>,
  pick: 'all' | 'first' = 'all',
): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const v of (dashboard.templating as { list: Json[] }).list) {
    const name = String(v.name);
    if (v.type === 'textbox' || v.type === 'constant') {
      values[name] = String(v.query);
      continue;
    }
    const q = interpolate(String(v.query), { ...base, variables: values });
    const result = await influx(q);
    if (result.error) throw new Error(`variable $${name} of ${String(dashboard.uid)}: ${result.error} in ${q}`);
    const found = (result.series ?? []).flatMap((s) => s.values.map((row) => String(row[1])));
    // No value at all: the variable's targets then match nothing and fail below, naming the panel.
    values[name] = found.length ? regexValue(pick === 'all' ? found : found.slice(0, 1)) : '';
  }
  return values;
}

const interpolationBase = () => {
  const nowMs = Date.now();
  return { nowMs, localMidnightMs: zone.dayRange(zone.dayOf(nowMs)).start, range: '1h' };
};

async function runAll(pick: 'all' | 'first' = 'all'): Promise<{ target: QueryTarget; query: string; answer: Answer }[]> {
  const base = interpolationBase();
  const out: { target: QueryTarget; query: string; answer: Answer }[] = [];
  for (const dashboard of Object.values(dashboards)) {
    const variables = await variableValues(dashboard, base, pick);
    for (const target of dashboardTargets(dashboard)) {
      const query = interpolate(target.query, { ...base, range: target.range, variables });
      const result = await influx(query);
      const rows = (result.series ?? []).flatMap((series) =>
        series.values.map((row) => ({ ...series.tags, ...Object.fromEntries(series.columns.map((c, i) => [c, row[i]])) })),
      );
      out.push({ target, query, answer: { ...(result.error ? { error: result.error } : {}), series: result.series?.length ?? 0, rows } });
    }
  }
  return out;
}

const describeTarget = (r: { target: QueryTarget; query: string; answer: Answer }) =>
  `${r.target.dashboard} / ${r.target.panel} / ${r.target.refId}: ${r.answer.error ?? `${r.answer.series} series`}\n    ${r.query}`;

/** What some panels must show, known from how the stack was built: the numbers, not only that there are some. */
function checkValues(results: { target: QueryTarget; answer: Answer }[]): void {
  const rows = (dashboard: string, panel: string, refId = 'A') =>
    results.find((r) => r.target.dashboard === dashboard && r.target.panel === panel && r.target.refId === refId)!.answer.rows;
  // trunk-c has no gateway: the trunk and its group (pstn-west) are down; the healthy ones are not listed.
  // (Other rules may add more, e.g. a DS1 span of the SBC recording in alarm.)
  const alarms = rows('callboard-noc-wall', 'Top alarms');
  expect(alarms.filter((a) => a.state === 'down').map((a) => a.link)).toEqual(expect.arrayContaining(['pstn-west', 'ss1/trunk-c']));
  expect(alarms.every((a) => (a.severity as number) > 0)).toBe(true);
  expect(alarms.map((a) => a.link)).not.toContain('ss1/trunk-a');
  // The recordings' unused ports (admin up, no cable) are excluded by the demo's config: no interface is down.
  expect(alarms.filter((a) => a.kind === 'interface' && a.state === 'down').map((a) => a.link)).toEqual([]);
  // The planned IADs that do not answer, with their customers.
  const silent = rows('callboard-triage', 'IADs not answering (customers affected)');
  // (An answering IAD whose poll timed out on a loaded machine would show too: only the pending ones are certain.)
  expect(silent.map((r) => r.device)).toEqual(expect.arrayContaining(['iad-00013', 'iad-00014', 'iad-00015']));
  expect(silent.every((r) => typeof r.customer === 'string' && (r.customer as string).startsWith('cust-'))).toBe(true);
  const migration = rows('callboard-noc-wall', 'IADs reporting')[0]!;
  expect(migration.planned).toBe(15);
  expect(migration.reporting).toBeLessThanOrEqual(12);
  expect(migration.reporting).toBeGreaterThanOrEqual(10);
  // Record days: the ten busiest whole days the CDR feed wrote, exactly (today is partial and smaller).
  const record = rows('callboard-executive', 'Record days')
    .map((r) => r.calls as number)
    .sort((a, b) => b - a);
  const simulated = stack.cdr.history
    .map((d) => d.calls)
    .sort((a, b) => b - a)
    .slice(0, 10);
  expect(record).toEqual(simulated);
  // Erlang B advice written by the collector: the PBX's CDR trunk group has a busy hour from its weeks
  // of CDR history on any day; its figures agree with Erlang B computed here.
  const advice = rows('callboard-trunk-group', 'Erlang B advice');
  const pbx = advice.find((r) => r.trunk_group === `${DEMO_CDR_SOURCE}-pstn`);
  expect(pbx).toBeDefined();
  // (The first evaluation, 10 s after start, may come before the whole CDR history is read: at most 5 days, see below.)
  expect(pbx!.days).toBeGreaterThanOrEqual(1);
  expect(pbx!.days).toBeLessThanOrEqual(5);
  expect(pbx!['circuits needed']).toBe(circuitsFor(pbx!['busy hour E'] as number, 0.01).circuits);
  expect(pbx!.headroom).toBe((pbx!.provisioned as number) - (pbx!['circuits needed'] as number));
  expect(pbx!['observed busy-hour blocking']).toBeTypeOf('number');
  // Trunk tiles for the Callboard panel: every dispatcher trunk with its state.
  const tiles = rows('callboard-noc-wall', 'Trunk health', 'state');
  expect(Object.fromEntries(tiles.map((t) => [t.trunk, t.state]))).toEqual({ 'trunk-a': 'up', 'trunk-b': 'up', 'trunk-c': 'down' });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'callboard-dashboards-'));
  stack = await startDemoStack({
    dir,
    apiPort: 0,
    timezone: TIMEZONE,
    cps: 4,
    holdMs: 8000,
    routers: 8,
    iads: 12,
    pendingIads: 3,
    routerInterval: '2s',
    iadInterval: '3s',
    cdrCallsPerDay: 1500,
    cdrHistoryDays: 35,
    log: createLogger({ level: 'silent' }),
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dashboards against InfluxDB filled by the collector from the simulators', () => {
  it('every target of every dashboard runs without error and returns at least one series', async () => {
    const deadline = Date.now() + DATA_DEADLINE_MS;
    let results = await runAll();
    for (;;) {
      const errors = results.filter((r) => r.answer.error);
      expect(errors.map(describeTarget)).toEqual([]);
      if (results.every((r) => r.answer.series > 0) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 3000));
      results = await runAll();
    }
    expect(results.filter((r) => r.answer.series === 0).map(describeTarget)).toEqual([]);
    checkValues(results);
    // Once the CDR history is in, the PBX group's busy hour is the mean of five business days (evaluated every minute).
    await waitFor(
      async () =>
        (await influx(`SELECT last("busy_hour_days") FROM "trunk_advice" WHERE "trunk_group" = '${DEMO_CDR_SOURCE}-pstn'`)).series?.[0]
          ?.values[0]?.[1] === 5,
      { timeoutMs: 90_000, intervalMs: 2000, what: `trunk_advice of ${DEMO_CDR_SOURCE}-pstn over 5 business days` },
    );
    // One value per variable (Grafana writes it without the parentheses): every query still parses and runs.
    // Empty panels are expected here (the first device has no IP SLA probe, for one).
    expect((await runAll('first')).filter((r) => r.answer.error).map(describeTarget)).toEqual([]);
    // Each dashboard has queries, and all five were run.
    expect(new Set(results.map((r) => r.target.dashboard)).size).toBe(Object.keys(dashboards).length);
    expect(results.length).toBeGreaterThan(40);
  });

  it('template variables list what the collector wrote', async () => {
    const values = (await influx('SHOW TAG VALUES FROM "trunk_group" WITH KEY = "trunk_group"')).series?.[0]?.values.map((r) => r[1]);
    expect(values).toEqual(['pstn-east', 'pstn-west']);
    const devices = (await influx(`SHOW TAG VALUES FROM "snmp_device" WITH KEY = "device" WHERE "role" != 'iad'`)).series?.[0]?.values.map(
      (r) => r[1],
    );
    expect(devices).toHaveLength(stack.network.routers.length);
    const regions = (await influx('SHOW TAG VALUES FROM "snmp_device" WITH KEY = "region"')).series?.[0]?.values.map((r) => r[1]);
    expect(regions).toEqual(['central', 'east', 'west']);
  });

  it('the Callboard panels of the dashboards render in the preview host from their own queries', async () => {
    // Each callboard-live-panel of the dashboards, with its queries as Grafana would send them and its saved options.
    const panels: Record<string, PreviewPanel> = {};
    const base = interpolationBase();
    for (const [name, dashboard] of Object.entries(dashboards)) {
      const variables = await variableValues(dashboard, base);
      Object.assign(
        panels,
        pluginPanels(name, dashboard, PLUGIN_ID, (query, range) => interpolate(query, { ...base, range, variables })),
      );
    }
    expect(Object.keys(panels).sort()).toEqual(['executive-milestone', 'noc-wall-calls', 'noc-wall-links']);
    const preview = await startPreviewServer({ port: 0, influx: { url: stack.influxd.url, database: DEMO_DATABASE }, panels });
    const shots = join(import.meta.dirname, '..', '.vitest-artifacts');
    mkdirSync(shots, { recursive: true });
    try {
      browser = await launchChromium();
      const open = async (view: string) => {
        const opened = await openPreview(browser!, `${preview.url}`, { view: view as 'calls' });
        await opened.page
          .waitForSelector('[data-testid="callboard-panel"][data-freshness="fresh"]', { timeout: 15_000 })
          .catch(async (error: Error) => {
            await opened.page.screenshot({ path: join(shots, `dashboard-${view}-not-fresh.png`) });
            const freshness = await opened.page.getAttribute('[data-testid="callboard-panel"]', 'data-freshness');
            throw new Error(
              `${view}: panel ${freshness ?? 'missing'}, not fresh (${error.message.split('\n')[0]}); errors: ${opened.errors.join('; ')}`,
            );
          });
        return opened;
      };
      const number = (text: string | null) => Number((text ?? '').replace(/[^0-9.]/g, ''));

      const calls = await open('noc-wall-calls');
      await waitFor(async () => number(await calls.page.textContent('[data-testid="active-calls"]')) > 0, {
        timeoutMs: 15_000,
        what: 'active calls on the wall panel',
      });
      expect(number(await calls.page.textContent('[data-testid="calls-today"]'))).toBeGreaterThan(0);
      await calls.page.screenshot({ path: join(shots, 'dashboard-noc-wall-calls.png') });

      const links = await open('noc-wall-links');
      const state = (trunk: string) => links.page.getAttribute(`[data-testid="link-tile"][data-name="${trunk}"]`, 'data-state');
      expect([await state('trunk-a'), await state('trunk-b'), await state('trunk-c')]).toEqual(['ok', 'ok', 'down']);
      await links.page.screenshot({ path: join(shots, 'dashboard-noc-wall-links.png') });

      const milestone = await open('executive-milestone');
      const today = (await influx('SELECT last("calls") AS "calls" FROM "cdr_day" WHERE time > now() - 1d')).series![0]!
        .values[0]![1] as number;
      expect(number(await milestone.page.textContent('[data-testid="milestone-calls-today"]'))).toBe(today);
      // The target comes from the dashboard's calls_target variable, through the query.
      expect(await milestone.page.textContent('[data-testid="milestone-calls"]')).toContain('target 400,000');
      await milestone.page.screenshot({ path: join(shots, 'dashboard-executive-milestone.png') });

      for (const opened of [calls, links, milestone]) expect(opened.errors).toEqual([]);
    } finally {
      await preview.close();
    }
  });
});
