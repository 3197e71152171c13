// @vitest-environment node
// DS1 link health end to end: the simulated T1 gateway polled by the collector (ds1 and
// cisco-pop-mgmt profiles), a real InfluxDB, /api/v1/links and ws /live. A test switches an LOS
// alarm on and off and makes an error counter oscillate around its threshold.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive } from '../collector/src/api/live-client.js';
import { Collector } from '../collector/src/app.js';
import { parseConfig } from '../collector/src/config.js';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { waitFor } from '../collector/src/devstack/process.js';
import type { Link } from '../collector/src/health/engine.js';
import { SnmpSimulator } from '../collector/src/inputs/snmp/sim/agent.js';
import { createLogger } from '../collector/src/lib/log.js';
import { queryRows } from './support/influx-query.js';

const TOKEN = 'trunk-ds1-test-token-81c4';
const DB = 'callboard_trunk_ds1';
const COMMUNITY = 'cisco-2811-t1';
const DEVICE = 'gw-tdm-1';
const INTERVAL_MS = 1000;
const HOLD_MS = 4000;
const LINE_STATUS = (ifIndex: number) => `1.3.6.1.2.1.10.18.6.1.10.${ifIndex}`;
const OPER_STATUS = (ifIndex: number) => `1.3.6.1.2.1.2.2.1.8.${ifIndex}`;
const CURRENT_ES = (ifIndex: number) => `1.3.6.1.2.1.10.18.7.1.2.${ifIndex}`;

describe('DS1 spans: alarms → link health in the API, InfluxDB and /live', () => {
  let influxd: Influxd;
  let collector: Collector;
  const sim = new SnmpSimulator({ files: [join(import.meta.dirname, 'fixtures/cisco-2811-t1.snmprec')], advance: false });
  let api = '';

  const get = async <T>(path: string): Promise<T> =>
    (await (await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as T;
  const links = () => get<{ links: Link[]; groups: { group: string; state: string; counts: Record<string, number> }[] }>('/api/v1/links');
  const link = async (span: string) => (await links()).links.find((l) => l.id === `ds1:${DEVICE}/${span}`);
  const stored = (q: string) => queryRows(influxd.url, DB, q);
  const healthRows = (span: string, since: number) =>
    stored(
      `SELECT state, reasons, since_ms, "group" FROM raw.link_health WHERE kind = 'ds1' AND link = '${DEVICE}/${span}' AND time >= ${since}ms`,
    );

  beforeAll(async () => {
    influxd = await startInfluxd();
    const port = await sim.start('127.0.0.1', 0);
    process.env.CALLBOARD_TRUNK_DS1_TOKEN = TOKEN;
    process.env.CALLBOARD_TRUNK_DS1_COMMUNITY = COMMUNITY;
    const config = parseConfig({
      stateDir: mkdtempSync(join(tmpdir(), 'callboard-trunk-ds1-')),
      log: { level: 'warn' },
      api: { port: 0, token: { env: 'CALLBOARD_TRUNK_DS1_TOKEN' } },
      health: { hold: `${HOLD_MS}ms`, staleAfter: '20s' },
      trunkGroups: [{ name: 'pstn-tdm', members: [`${DEVICE}/T1 0/0/0`, `${DEVICE}/T1 0/0/1`], capacity: 46, carrier: 'acme' }],
      outputs: { influx: { url: influxd.url, database: DB, flushInterval: '200ms' } },
      inputs: [
        {
          type: 'snmp',
          name: 'tdm',
          interval: `${INTERVAL_MS}ms`,
          credentials: { default: { version: '2c', community: { env: 'CALLBOARD_TRUNK_DS1_COMMUNITY' } } },
          targets: [
            {
              device: DEVICE,
              address: `127.0.0.1:${port}`,
              site: 'nyc-pop1',
              region: 'east',
              role: 'voice-gw',
              profiles: 'ds1 cisco-pop-mgmt',
            },
          ],
        },
      ],
    });
    collector = new Collector(config, createLogger({ level: 'warn' }));
    await collector.start();
    api = collector.api.url;
    await waitFor(async () => (await links()).links.filter((l) => l.kind === 'ds1' && l.state === 'ok').length === 4, {
      timeoutMs: 20_000,
      what: 'four DS1 spans ok',
    });
  });

  afterAll(async () => {
    await collector?.stop();
    await sim.stop();
    await influxd?.stop();
  });

  it('LOS on a span: down with reason "LOS alarm" from the first poll after it, in the API, InfluxDB and /live; ok again only after the hold period', async () => {
    const live = await connectLive(api, TOKEN, 'link_health');
    const span = 'T1 0/0/1';
    const raised = Date.now();
    sim.values.set(COMMUNITY, LINE_STATUS(4), 64);
    sim.values.set(COMMUNITY, OPER_STATUS(4), 2);

    const down = await waitFor(async () => ((await link(span))?.state === 'down' ? link(span) : undefined), {
      timeoutMs: 10_000,
      what: 'the span down',
    });
    expect(down).toMatchObject({ kind: 'ds1', group: 'pstn-tdm', reasons: ['LOS alarm'] });
    // "within one poll": the first poll of the span after the alarm is the one that took it down
    const firstPoll = await waitFor(
      async () =>
        (
          await stored(
            `SELECT alarms, line_status, trunk_group FROM raw.snmp_ds1 WHERE span = '${span}' AND time > ${raised}ms ORDER BY time ASC LIMIT 1`,
          )
        )[0],
      { timeoutMs: 10_000, what: 'a stored poll after the alarm' },
    );
    expect(firstPoll).toMatchObject({ alarms: 'LOS', line_status: 64, trunk_group: 'pstn-tdm' });
    expect(down!.since).toBe(firstPoll.time);
    const storedDown = await waitFor(async () => (await healthRows(span, raised)).find((r) => r.state === 'down'), {
      timeoutMs: 10_000,
      what: 'link_health down in InfluxDB',
    });
    expect(storedDown).toMatchObject({ reasons: 'LOS alarm', since_ms: firstPoll.time, group: 'pstn-tdm' });
    // the trunk group rolls up to its worst member, and counts one of its two spans in service
    const groups = (await links()).groups;
    expect(groups.find((g) => g.group === 'pstn-tdm')).toMatchObject({ state: 'down', counts: { ok: 1, down: 1, degraded: 0, stale: 0 } });
    const group = await waitFor(
      async () =>
        (await get<{ measurements: Record<string, { fields: Record<string, unknown> }[]> }>('/api/v1/snapshot?measurements=trunk_group'))
          .measurements.trunk_group?.[0],
      {
        timeoutMs: 5000,
        what: 'the trunk group point',
      },
    );
    expect(group.fields).toMatchObject({ members: 2, members_up: 1, calls_active: 12 + 9 });

    const cleared = Date.now();
    sim.values.clear(COMMUNITY);
    const ok = await waitFor(async () => ((await link(span))?.state === 'ok' ? link(span) : undefined), {
      timeoutMs: HOLD_MS + 10_000,
      what: 'the span ok again',
    });
    // not before the better state has held for the whole hold period, and not much after it
    expect(ok!.since - cleared).toBeGreaterThanOrEqual(HOLD_MS);
    expect(ok!.since - cleared).toBeLessThan(HOLD_MS + 5 * INTERVAL_MS);
    const states = await waitFor(
      async () => {
        const rows = await healthRows(span, raised);
        return rows.some((r) => r.state === 'ok') ? rows.map((r) => r.state) : undefined;
      },
      { timeoutMs: 10_000, what: 'link_health ok in InfluxDB' },
    );
    expect(states).toEqual(['down', 'ok']);
    // /live pushed both changes of that link (after the snapshot that showed it ok)
    const pushed = () =>
      live.frames
        .filter((f) => f.message.type === 'update')
        .flatMap((f) => (f.message.series ? [f.message.series].flat() : []))
        .filter((s) => s.topic.endsWith(`,link=${DEVICE}/${span}`))
        .map((s) => [s.fields.state, s.fields.reasons]);
    await waitFor(() => pushed().length >= 2, { timeoutMs: 5000, what: 'both changes on /live' });
    expect(pushed()).toEqual([
      ['down', 'LOS alarm'],
      ['ok', ''],
    ]);
    live.close();
  });

  it('an errored-seconds count oscillating around the threshold changes the state at most once per hold period', async () => {
    // T1 0/1/0 is 600 s into its interval: 5 ES = 0.83 % (ok), 7 ES = 1.17 % (over the 1 % threshold)
    const span = 'T1 0/1/0';
    const started = Date.now();
    const periods = 3;
    for (let flip = 0; Date.now() - started < periods * HOLD_MS; flip++) {
      sim.values.set(COMMUNITY, CURRENT_ES(5), flip % 2 === 0 ? 7 : 5);
      await sleep(INTERVAL_MS);
    }
    const changes = await waitFor(
      async () => {
        const rows = await healthRows(span, started);
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 10_000, what: 'the oscillating span in InfluxDB' },
    );
    // polls saw both values (each held for a whole interval), yet one change: degraded at once, no recovery that never held
    const seen = await stored(`SELECT cur_es FROM raw.snmp_ds1 WHERE span = '${span}' AND time >= ${started}ms`);
    expect(new Set(seen.map((r) => r.cur_es))).toEqual(new Set([5, 7]));
    expect(changes.map((r) => [r.state, r.reasons])).toEqual([['degraded', 'errored seconds 1.2 %']]);
    expect(changes.length).toBeLessThanOrEqual(periods);
    sim.values.clear(COMMUNITY);
  });
});
