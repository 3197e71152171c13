// @vitest-environment node
// The first live chain, end to end against real components: SIPp callers and callees through a
// Kamailio softswitch, the collector polling it (and subscribed to evapi), InfluxDB, and /live.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collector } from '../collector/src/app.js';
import { parseConfig } from '../collector/src/config.js';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import type { Kamailio } from '../collector/src/devstack/kamailio.js';
import { waitFor } from '../collector/src/devstack/process.js';
import { runUac, startUac, type Uas } from '../collector/src/devstack/sipp.js';
import { createLogger } from '../collector/src/lib/log.js';
import { queryRows } from './support/influx-query.js';
import { snapshotReader, startTwoTrunkSwitch, type TwoTrunkSwitch } from './support/switch.js';
import { connectLive } from '../collector/src/api/live-client.js';

const TOKEN = 'chain-test-token-5f2c';
const DB = 'callboard_chain';
const CALLS_TOPIC = 'softswitch_calls,switch=ss1';

describe('Kamailio → collector → InfluxDB → /live', () => {
  let influxd: Influxd;
  let softswitch: TwoTrunkSwitch;
  let kamailio: Kamailio;
  let gatewayA: Uas;
  let gatewayB: Uas;
  let collector: Collector;
  let api = '';

  const sums = async (since: number) =>
    (await queryRows(influxd.url, DB, `SELECT sum(attempts) AS attempts, sum(answered) AS answered, sum(failed) AS failed, sum(minutes) AS minutes FROM raw.softswitch_calls WHERE switch='ss1' AND time >= ${since}ms`))[0] ?? {};
  const { snapshot, trunkState } = snapshotReader(() => api, TOKEN);
  const settled = () =>
    waitFor(async () => {
      const calls = (await snapshot()).measurements.softswitch_calls?.[0]?.fields;
      return calls && calls.active === 0 && calls.early === 0;
    }, { timeoutMs: 30_000, what: 'the switch to have no calls' });

  beforeAll(async () => {
    influxd = await startInfluxd();
    softswitch = await startTwoTrunkSwitch(2);
    ({ kamailio, gatewayA, gatewayB } = softswitch);
    process.env.CALLBOARD_CHAIN_TOKEN = TOKEN;
    const config = parseConfig({
      stateDir: mkdtempSync(join(tmpdir(), 'callboard-chain-state-')),
      log: { level: 'warn' },
      api: { port: 0, token: { env: 'CALLBOARD_CHAIN_TOKEN' } },
      health: { hold: '2s' },
      // 20 cps × 5 s hold ≈ 90 calls in use over the two trunks: the group fills up during the first test.
      trunkGroups: [{ name: 'pstn-east', members: ['ss1/trunk-a', 'ss1/trunk-b'], capacity: 60, carrier: 'acme' }],
      outputs: { influx: { url: influxd.url, database: DB, flushInterval: '200ms' } },
      inputs: [{ type: 'kamailio', name: 'ss1', url: kamailio.rpcUrl, interval: '1s', evapi: { port: kamailio.evapiPort }, trunkCalls: 'trunk_calls' }],
    });
    collector = new Collector(config, createLogger({ level: 'warn' }));
    await collector.start();
    api = collector.api.url;
    // Calls before both trunks are probed up would fail over or get 503: start from a known state.
    await waitFor(async () => (await trunkState('trunk-a')) === 'up' && (await trunkState('trunk-b')) === 'up', { timeoutMs: 30_000, what: 'both trunks up' });
  });

  afterAll(async () => {
    await collector?.stop();
    await softswitch?.stop();
    await influxd?.stop();
  });

  it('stores exactly SIPp’s own counts of attempts, answers and failures, the ASR, and minutes = calls × hold', async () => {
    const since = Date.now();
    const live = await connectLive(api, TOKEN, 'softswitch_calls');
    const sipp = await runUac({ target: `127.0.0.1:${kamailio.sipPort}`, calls: 300, busyEvery: 10, rateCps: 20, holdMs: 5000 });
    expect(sipp).toMatchObject({ created: 300, successful: 270, failed: 30 });

    await settled();
    // Wait for the poll that saw the last call end, and its write to InfluxDB.
    const stored = await waitFor(async () => {
      const s = await sums(since);
      return s.attempts === sipp.created && s.answered === sipp.successful && s.failed === sipp.failed ? s : undefined;
    }, { timeoutMs: 15_000, what: () => `InfluxDB totals to match SIPp (${JSON.stringify(sipp)})` });
    expect(stored.answered as number / (stored.attempts as number)).toBeCloseTo(sipp.successful / sipp.created, 10);
    const expectedMinutes = (sipp.successful * 5) / 60;
    expect(Math.abs((stored.minutes as number) - expectedMinutes) / expectedMinutes).toBeLessThan(0.02);

    // Per trunk (round robin over two): the trunks' counts add up to SIPp's exactly.
    const perTrunk = await queryRows(influxd.url, DB, `SELECT sum(calls_attempts) AS attempts, sum(calls_answered) AS answered, sum(calls_failed) AS failed, sum(minutes) AS minutes FROM raw.trunk_status WHERE switch='ss1' AND time >= ${since}ms GROUP BY trunk`);
    expect(perTrunk).toHaveLength(2);
    const total = (field: string) => perTrunk.reduce((sum, row) => sum + (row[field] as number), 0);
    expect([total('attempts'), total('answered'), total('failed')]).toEqual([sipp.created, sipp.successful, sipp.failed]);
    for (const row of perTrunk) expect(row.attempts).toBe(sipp.created / 2);
    expect(Math.abs(total('minutes') - expectedMinutes) / expectedMinutes).toBeLessThan(0.02);

    // The trunk group summed its members, filled up, showed degraded "at capacity", and recovered.
    const group = (await queryRows(influxd.url, DB, `SELECT sum(calls_attempts) AS attempts, max(calls_active) AS peak FROM raw.trunk_group WHERE trunk_group='pstn-east' AND time >= ${since}ms`))[0]!;
    expect(group.attempts).toBe(sipp.created);
    expect(group.peak as number).toBeGreaterThanOrEqual(60);
    const states = await queryRows(influxd.url, DB, `SELECT state, reasons FROM raw.link_health WHERE link='pstn-east' AND time >= ${since}ms`);
    expect(states.map((r) => `${r.state}: ${r.reasons}`)).toContain('degraded: at capacity');
    await waitFor(async () => {
      const rows = await queryRows(influxd.url, DB, `SELECT last(state) AS state FROM raw.link_health WHERE link='pstn-east'`);
      return rows[0]?.state === 'ok';
    }, { timeoutMs: 10_000, what: 'pstn-east ok again once the calls ended' });

    // The group's own traffic profile holds this run's calls: today's attempts in /api/v1/trunk-groups. The busy hour
    // (complete business days only, today excluded) is null for this collector started today, whatever the weekday,
    // and the answer says why (trunk-cdr.test.ts checks a busy hour and its advice from five business days of CDRs).
    type Groups = {
      groups: { name: string; live: { calls_active: number }; busyHour: unknown; advice: unknown; reason: string | null; blocking: { today: { attempts: number } } }[];
    };
    // Trunk counters move with the next poll (≤ 1 s after the evapi-driven switch total).
    const east = await waitFor(async () => {
      const body = (await (await fetch(`${api}/api/v1/trunk-groups`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Groups;
      const group = body.groups.find((g) => g.name === 'pstn-east');
      return group?.live.calls_active === 0 && group.blocking.today.attempts === sipp.created ? group : undefined;
    }, { timeoutMs: 5000, what: `pstn-east with no call in use and today's ${sipp.created} attempts` });
    expect(east.busyHour).toBeNull();
    expect(east.advice).toBeNull();
    expect(east.reason).toMatch(/^no traffic on a complete business day/);

    // Live: the count rose to SIPp's steady-state concurrency (20 cps × 5 s = 100, less the busy tenth) and came back to 0
    // (the last push may trail the snapshot by one coalescing window).
    await waitFor(() => live.values(CALLS_TOPIC, 'active').at(-1) === 0, { timeoutMs: 2000, what: 'the live count back to 0 on /live' });
    const active = live.values(CALLS_TOPIC, 'active') as number[];
    live.close();
    expect(Math.max(...active)).toBeGreaterThanOrEqual(85);
    expect(Math.max(...active)).toBeLessThanOrEqual(100);
    expect(active.at(-1)).toBe(0);
    expect(active.every((n) => n >= 0)).toBe(true);
  });

  it('shows a trunk whose gateway stops answering OPTIONS as down, in the snapshot and in InfluxDB, and up again when it returns', async () => {
    await gatewayB.stop();
    const downAt = Date.now();
    await waitFor(async () => (await trunkState('trunk-b')) === 'down', { timeoutMs: 15_000, what: 'trunk-b down in the snapshot' });
    await waitFor(async () => {
      const rows = await queryRows(influxd.url, DB, `SELECT last(up) AS up, last(state) AS state FROM raw.trunk_status WHERE trunk='trunk-b' AND time >= ${downAt}ms`);
      return rows[0]?.state === 'down' && rows[0]?.up === 0;
    }, { timeoutMs: 5000, what: 'trunk-b down in InfluxDB' });
    expect(await trunkState('trunk-a')).toBe('up');
    const links = async () => (await (await fetch(`${api}/api/v1/links`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { links: { id: string; state: string; reasons: string[] }[]; groups: { group: string; state: string }[] };
    const health = await links();
    expect(health.links.find((l) => l.id === 'sip-trunk:ss1/trunk-b')).toMatchObject({ state: 'down', reasons: ['gateway not answering OPTIONS'] });
    expect(health.links.find((l) => l.id === 'sip-trunk:ss1/trunk-a')?.state).toBe('ok');
    expect(health.groups.find((g) => g.group === 'pstn-east')?.state).toBe('down');
    expect(health.links.find((l) => l.id === 'trunk-group:pstn-east')).toMatchObject({ state: 'degraded', reasons: ['1 of 2 trunks down'] });
    const stored = await waitFor(async () => (await queryRows(influxd.url, DB, `SELECT state, reasons FROM raw.link_health WHERE link='ss1/trunk-b' AND time >= ${downAt}ms`))[0], { timeoutMs: 5000, what: 'link_health down in InfluxDB' });
    expect(stored).toMatchObject({ state: 'down', reasons: 'gateway not answering OPTIONS' });

    await gatewayB.restart();
    await waitFor(async () => (await trunkState('trunk-b')) === 'up', { timeoutMs: 15_000, what: 'trunk-b up again' });
    await waitFor(async () => (await links()).links.every((l) => l.state === 'ok'), { timeoutMs: 10_000, what: 'trunk-b ok again after the hold period' });
  });

  it('never stores a negative or spiking count when Kamailio is killed and restarted mid-run', async () => {
    const since = Date.now();
    const uac = await startUac({ target: `127.0.0.1:${kamailio.sipPort}`, calls: 10_000, rateCps: 20, holdMs: 2000 });
    await new Promise((r) => setTimeout(r, 4000));
    await kamailio.kill9();
    await new Promise((r) => setTimeout(r, 1500));
    await kamailio.restart();
    await waitFor(async () => (await trunkState('trunk-a')) === 'up', { timeoutMs: 30_000, what: 'trunk-a up after the restart' });
    await new Promise((r) => setTimeout(r, 4000));
    const sipp = await uac.stop();
    await settled();
    await new Promise((r) => setTimeout(r, 1500));

    const rows = await queryRows(influxd.url, DB, `SELECT * FROM raw.softswitch_calls WHERE switch='ss1' AND time >= ${since}ms`);
    expect(rows.length).toBeGreaterThan(8);
    expect(rows.some((r) => r.restarted === 1)).toBe(true);
    for (const row of rows) {
      for (const field of ['attempts', 'answered', 'failed', 'cancelled', 'user_failures', 'active', 'early', 'minutes']) {
        expect(row[field] as number, `${field} at ${row.time}`).toBeGreaterThanOrEqual(0);
      }
      // 20 new calls a second, plus INVITEs SIPp retransmitted while Kamailio was down (1.5 s):
      // a reset counter differenced across the restart would show the hundreds counted before it.
      const seconds = Math.max(1, (row.interval_ms as number) / 1000);
      expect(row.attempts as number, `attempts at ${row.time}`).toBeLessThanOrEqual(20 * (seconds + 3));
      expect(row.answered as number, `answered at ${row.time}`).toBeLessThanOrEqual(20 * (seconds + 3));
    }
    // Nothing counted twice; only calls of the last second before the crash (lost with Kamailio's memory) are missing.
    const attempts = rows.reduce((sum, r) => sum + (r.attempts as number), 0);
    expect(attempts).toBeLessThanOrEqual(sipp.created);
    expect(attempts).toBeGreaterThanOrEqual(sipp.created - 2 * 20);
    const total = (await sums(since)).minutes as number;
    expect(total).toBeLessThan((rows.length * 1.2 * 40) / 60); // at most ~40 concurrent calls, never a spike
  });

  it('refuses to start with a config typo, naming the path, and exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callboard-typo-'));
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, `inputs:\n  - type: kamailio\n    name: ss1\n    url: ${kamailio.rpcUrl}\n    intervall: 1s\n`);
    const run = spawnSync(process.execPath, [new URL('../collector/bin/callboard.mjs', import.meta.url).pathname, 'run', '--config', file], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('inputs[0].intervall: unknown key');
  });
});
