// @vitest-environment node
// The InfluxDB output against a real influxd 1.6.7 (devstack/influxd.ts: random loopback ports,
// temp dir, CQs run every 1 s). One influxd for the file, one database per test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../../devstack/influxd.js';
import { waitFor } from '../../devstack/process.js';
import { softswitchCalls, trunkStatus } from '../../inputs/kamailio/measurements.js';
import { createLogger, type Logger } from '../../lib/log.js';
import type { MeasurementSchema, Metric } from '../../pipeline/metric.js';
import { influxOutputSchema, type InfluxOutputConfig } from './config.js';
import { InfluxSink } from './index.js';
import { continuousQueries } from './schema.js';
import { applySetup } from './setup.js';
import { startOfLocalDay, startOfNextLocalDay } from './timezone.js';
import { createInfluxClient } from './transport.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A schema with every field type, for exact round trips. */
const probe: MeasurementSchema = {
  measurement: 'callboard_probe',
  description: 'test',
  tags: ['name'],
  fields: { n: 'integer', x: 'float', s: 'string', ok: 'boolean' },
};

let influxd: Influxd;
let zoneDir: string;
/** Zones with a DST change yesterday (local time is about 18:00 now): see makeTestZones(). */
let zones: { spring: TestZone; fall: TestZone };

interface TestZone {
  name: string;
  /** start of yesterday and of today, local, as UTC instants */
  yesterday: number;
  today: number;
}

beforeAll(async () => {
  zoneDir = mkdtempSync(join(tmpdir(), 'callboard-zones-'));
  zones = makeTestZones(zoneDir, Date.now());
  // influxd (Go) also looks up zones in $ZONEINFO; the devstack passes our environment on.
  const saved = process.env.ZONEINFO;
  process.env.ZONEINFO = zoneDir;
  try {
    influxd = await startInfluxd();
  } finally {
    if (saved === undefined) delete process.env.ZONEINFO;
    else process.env.ZONEINFO = saved;
  }
}, 30_000);

afterAll(async () => {
  await influxd?.stop();
  rmSync(zoneDir, { recursive: true, force: true });
}, 30_000);

// ---------------------------------------------------------------------------------------------

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function testLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
  return { log, lines };
}

function config(database: string, overrides: Record<string, unknown> = {}): InfluxOutputConfig {
  return influxOutputSchema.parse({
    url: influxd.url,
    database,
    flushInterval: '50ms',
    retry: { initial: '50ms', max: '400ms' },
    timeout: '2s',
    ...overrides,
  });
}

function makeSink(
  database: string,
  options: { overrides?: Record<string, unknown>; schemas?: readonly MeasurementSchema[]; timezone?: string } = {},
) {
  const registry = new Registry();
  const { log, lines } = testLogger();
  const sink = new InfluxSink(config(database, options.overrides), {
    schemas: options.schemas ?? [softswitchCalls, trunkStatus, probe],
    log,
    registry,
    timezone: options.timezone ?? 'America/New_York',
  });
  const metric = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
    const values = (await registry.getSingleMetric(name)!.get()).values;
    return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
  };
  return { sink, registry, lines, metric };
}

async function query(database: string, q: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${influxd.url}/query?db=${database}&epoch=ms&q=${encodeURIComponent(q)}`);
  const body = (await response.json()) as {
    results: { error?: string; series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[] }[];
  };
  const result = body.results[0]!;
  if (result.error) throw new Error(`${q}: ${result.error}`);
  return (result.series ?? []).flatMap((s) =>
    s.values.map((row) => ({ ...s.tags, ...Object.fromEntries(s.columns.map((c, i) => [c, row[i]])) })),
  );
}

async function writeLines(database: string, rp: string, lines: string): Promise<void> {
  const response = await fetch(`${influxd.url}/write?db=${database}&rp=${rp}&precision=ms`, { method: 'POST', body: lines });
  if (response.status !== 204) throw new Error(`write: ${response.status} ${await response.text()}`);
}

const calls = (time: number, fields: Record<string, number>, sw = 'ss1'): Metric => ({
  measurement: 'softswitch_calls',
  tags: { switch: sw },
  fields,
  time,
});

// ---------------------------------------------------------------------------------------------

describe('InfluxSink against influxd 1.6.7', () => {
  it('sets up database, retention policies and CQs; a second start changes nothing; changes are applied', async () => {
    const { sink, lines } = makeSink('cb_setup');
    await sink.start();
    expect(sink.ready).toBe(true);
    expect(await query('cb_setup', 'SHOW RETENTION POLICIES')).toEqual([
      { name: 'autogen', duration: '0s', shardGroupDuration: '168h0m0s', replicaN: 1, default: false },
      { name: 'raw', duration: '720h0m0s', shardGroupDuration: '24h0m0s', replicaN: 1, default: true },
      { name: 'rollup', duration: '17520h0m0s', shardGroupDuration: '168h0m0s', replicaN: 1, default: false },
    ]);
    const cqs = (await query('cb_setup', 'SHOW CONTINUOUS QUERIES')).filter((r) => String(r.query).includes(' ON cb_setup '));
    const expected = continuousQueries({ database: 'cb_setup', schemas: [softswitchCalls, trunkStatus], timezone: 'America/New_York' });
    // InfluxDB prints the CQs back exactly as we generate them (so "changed" is a plain comparison)
    expect(cqs.map((r) => [r.name, r.query])).toEqual(expected.map((c) => [c.name, c.query]));
    expect(lines.find((l) => l.msg.startsWith('InfluxDB set up'))).toMatchObject({ output: 'influx', version: '1.6.7~rc0' });
    await sink.stop();

    const layout = {
      database: 'cb_setup',
      retention: { raw: 30 * DAY, rollup: 730 * DAY },
      schemas: [softswitchCalls, trunkStatus, probe],
      timezone: 'America/New_York',
    };
    const influx = createInfluxClient(config('cb_setup'), layout.schemas);
    expect(await applySetup(influx, layout)).toEqual({ ran: [], refused: [] });
    expect(
      (await applySetup(influx, { ...layout, retention: { raw: 7 * DAY, rollup: 730 * DAY }, timezone: 'Europe/Berlin' })).ran,
    ).toEqual([
      'ALTER RETENTION POLICY raw ON cb_setup DURATION 1w',
      'DROP CONTINUOUS QUERY softswitch_calls_1d ON cb_setup',
      expect.stringContaining("TZ('Europe/Berlin')"),
      'DROP CONTINUOUS QUERY trunk_status_1d ON cb_setup',
      expect.stringContaining("TZ('Europe/Berlin')"),
    ]);
    expect(await applySetup(influx, { ...layout, retention: { raw: 7 * DAY, rollup: 730 * DAY }, timezone: 'Europe/Berlin' })).toEqual({
      ran: [],
      refused: [],
    });
  });

  it('writes raw points even when InfluxDB refuses the 1d CQs (a zone Node knows but its tzdata does not)', async () => {
    // US/Pacific-New: in Node's ICU, no longer in Debian's tzdata that influxd reads
    const { sink, lines } = makeSink('cb_badzone', { timezone: 'US/Pacific-New' });
    await sink.start();
    expect(sink.ready).toBe(true);
    const refused = lines.find((l) => l.msg.startsWith('InfluxDB refused continuous queries'))!;
    expect(refused).toMatchObject({ level: 50 });
    expect(
      (refused.refused as { statement: string; err: string }[]).map((r) => [
        /^CREATE CONTINUOUS QUERY (\w+) /.exec(r.statement)?.[1],
        r.err,
      ]),
    ).toEqual([
      ['softswitch_calls_1d', 'error parsing query: unable to find time zone US/Pacific-New'],
      ['trunk_status_1d', 'error parsing query: unable to find time zone US/Pacific-New'],
    ]);
    sink.write([calls(Date.now() - 1000, { attempts: 3 })]);
    await sink.flush();
    expect(await query('cb_badzone', 'SELECT attempts FROM raw.softswitch_calls')).toEqual([{ time: expect.any(Number), attempts: 3 }]);
    expect(
      (await query('cb_badzone', 'SHOW CONTINUOUS QUERIES')).filter((r) => String(r.query).includes(' ON cb_badzone ')).map((r) => r.name),
    ).toEqual(['softswitch_calls_1m', 'trunk_status_1m']);
    await sink.stop();
  });

  it('writes points and reads back exactly the values written (integers stay integers)', async () => {
    const { sink, metric } = makeSink('cb_values');
    await sink.start();
    const t = Date.now() - 10_000;
    const text = 'quote " backslash \\ newline \n tab \t unicode ✓ comma, equals= space';
    sink.write([
      calls(t, { active: 12, attempts: 9_007_199_254_740_991, answered: 0, minutes: 1.5, asr: 0.1, ner: 1 }),
      {
        measurement: 'trunk_status',
        tags: { switch: 'ss 1', trunk: 'gw,a=b' },
        fields: { up: 1, state: 'AP', uri: 'sip:10.0.0.1:5060', latency_avg_ms: 1e-7, latency_max_ms: 123456.789 },
        time: t,
      },
      { measurement: 'callboard_probe', tags: { name: 'all types' }, fields: { n: -42, x: 3, s: text, ok: true }, time: t },
      { measurement: 'callboard_probe', tags: { name: '' }, fields: { n: 0, ok: false }, time: t + 1 },
      { ...calls(t + 2, { attempts: 5 }), destination: 'live' as const },
    ]);
    await sink.flush();
    expect(await query('cb_values', 'SELECT * FROM raw.softswitch_calls')).toEqual([
      { time: t, active: 12, attempts: 9_007_199_254_740_991, answered: 0, minutes: 1.5, asr: 0.1, ner: 1, switch: 'ss1' },
    ]);
    expect(await query('cb_values', 'SELECT * FROM raw.trunk_status')).toEqual([
      {
        time: t,
        switch: 'ss 1',
        trunk: 'gw,a=b',
        up: 1,
        state: 'AP',
        uri: 'sip:10.0.0.1:5060',
        latency_avg_ms: 1e-7,
        latency_max_ms: 123456.789,
      },
    ]);
    expect(await query('cb_values', 'SELECT * FROM raw.callboard_probe')).toEqual([
      { time: t, name: 'all types', n: -42, x: 3, s: text, ok: true },
      { time: t + 1, name: null, n: 0, x: null, s: null, ok: false },
    ]);
    const types = Object.fromEntries((await query('cb_values', 'SHOW FIELD KEYS')).map((r) => [r.fieldKey, r.fieldType]));
    expect(types).toMatchObject({
      attempts: 'integer',
      active: 'integer',
      minutes: 'float',
      asr: 'float',
      n: 'integer',
      x: 'float',
      s: 'string',
      ok: 'boolean',
      up: 'integer',
      state: 'string',
    });
    expect(await metric('callboard_influx_points_written_total')).toBe(4);
    expect(await metric('callboard_influx_up')).toBe(1);
    await sink.stop();
  });

  it('rejects a field type mismatch without blocking the other points; counts and logs 4xx refusals', async () => {
    const { sink, metric, lines } = makeSink('cb_reject');
    await sink.start();
    const t = Date.now() - 10_000;
    // client side: never sent
    sink.write([
      calls(t, { attempts: 1 }),
      calls(t + 1, { attempts: 2.5 }),
      calls(t + 2, { asr: Number.NaN }),
      calls(t + 3, { attempts: 1.5 }),
      calls(t + 4, { attempts: 4 }),
    ]);
    await sink.flush();
    expect((await query('cb_reject', 'SELECT attempts FROM raw.softswitch_calls')).map((r) => r.attempts)).toEqual([1, 4]);
    expect(await metric('callboard_influx_points_rejected_total', { reason: 'invalid' })).toBe(3);
    const invalid = lines.filter((l) => l.msg.startsWith('rejected a softswitch_calls point'));
    // one line per kind of problem (rate-limited): the second float in `attempts` is not logged again
    expect(invalid.map((l) => [l.level, l.field, l.reason])).toEqual([
      [50, 'attempts', 'expected an integer, got float 2.5'],
      [50, 'asr', 'expected a finite float, got NaN'],
    ]);
    expect(invalid[0]!.msg).toBe(
      'rejected a softswitch_calls point: field "attempts": expected an integer, got float 2.5 (not sent to InfluxDB)',
    );

    // server side: `n` already exists as a float (someone else wrote it): InfluxDB refuses that
    // point and writes the rest of the batch
    await writeLines('cb_reject', 'raw', `callboard_probe,name=other n=1.5 ${t}`);
    sink.write([
      { measurement: 'callboard_probe', tags: { name: 'a' }, fields: { n: 7 }, time: t + 10 },
      { measurement: 'callboard_probe', tags: { name: 'b' }, fields: { x: 2.5 }, time: t + 11 },
      calls(t + 12, { attempts: 5 }),
    ]);
    await sink.flush();
    expect(await metric('callboard_influx_points_rejected_total', { reason: 'server' })).toBe(1);
    expect((await query('cb_reject', 'SELECT x FROM raw.callboard_probe WHERE x > 0')).map((r) => r.x)).toEqual([2.5]);
    expect((await query('cb_reject', 'SELECT attempts FROM raw.softswitch_calls')).map((r) => r.attempts)).toEqual([1, 4, 5]);
    const refused = lines.find((l) => l.msg.startsWith('InfluxDB refused'))!;
    expect(refused).toMatchObject({ level: 50, status: 400, rejected: 1, batch: 3 });
    expect(refused.influxError).toBe(
      'partial write: field type conflict: input field "n" on measurement "callboard_probe" is type integer, already exists as type float dropped=1',
    );
    // a point older than the raw retention policy (30 d)
    sink.write([calls(Date.now() - 40 * DAY, { attempts: 3 }), calls(t + 13, { attempts: 6 })]);
    await sink.flush();
    expect(await metric('callboard_influx_points_rejected_total', { reason: 'server' })).toBe(2);
    expect(await metric('callboard_influx_write_errors_total', { reason: 'rejected' })).toBe(2);
    expect(lines.filter((l) => l.msg.startsWith('InfluxDB refused')).at(-1)!.influxError).toBe(
      'partial write: points beyond retention policy dropped=1',
    );
    // and the output goes on
    sink.write([calls(t + 20, { attempts: 7 })]);
    await sink.flush();
    expect((await query('cb_reject', 'SELECT attempts FROM raw.softswitch_calls')).map((r) => r.attempts)).toEqual([1, 4, 5, 6, 7]);
    await sink.stop();
  });

  it('the 1m CQ rolls up points inside its window into per-minute sums and maxima', async () => {
    // First the raw points, through a sink whose schema has no rollup (so no CQs yet) …
    const noRollup = makeSink('cb_cq1m', { schemas: [{ ...softswitchCalls, rollup: undefined }] });
    await noRollup.sink.start();
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE;
    const points: Metric[] = [];
    for (const m of [3, 2, 1]) {
      for (let s = 0; s < 60; s += 10)
        points.push(calls(minute - m * MINUTE + s * 1000, { attempts: m, active: 10 * m + s / 10, minutes: 0.25 }));
    }
    noRollup.sink.write(points);
    await noRollup.sink.flush();
    await noRollup.sink.stop();
    // … then the real schemas: the new CQs run at once (InfluxDB runs a CQ it has not run yet on its
    // next check, every 1 s here), over the last 5 minutes.
    const { sink } = makeSink('cb_cq1m');
    await sink.start();
    const rows = await waitFor(
      async () => {
        const r = await query('cb_cq1m', 'SELECT attempts, active, minutes FROM rollup.softswitch_calls_1m GROUP BY *');
        return r.length === 3 ? r : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'three 1m rollup rows' },
    );
    expect(rows).toEqual(
      [3, 2, 1].map((m) => ({ time: minute - m * MINUTE, switch: 'ss1', attempts: 6 * m, active: 10 * m + 5, minutes: 1.5 })),
    );
    const types = Object.fromEntries(
      (await query('cb_cq1m', 'SHOW FIELD KEYS FROM rollup.softswitch_calls_1m')).map((r) => [r.fieldKey, r.fieldType]),
    );
    expect(types).toMatchObject({ attempts: 'integer', active: 'integer', minutes: 'float' });
    await sink.stop();
  });

  it('the 1d CQ with tz() makes local days, 23 h and 25 h long on DST days (zones with a change yesterday)', async () => {
    for (const zone of [zones.spring, zones.fall]) {
      const db = zone === zones.spring ? 'cb_cq1d_spring' : 'cb_cq1d_fall';
      const layout = { database: db, retention: { raw: 30 * DAY, rollup: 730 * DAY }, timezone: zone.name };
      const influx = createInfluxClient(config(db), [softswitchCalls]);
      await applySetup(influx, { ...layout, schemas: [] }); // database and RPs only
      // hourly 1m rows (what the 1m CQ would have made) from the start of yesterday until an hour ago
      const rows: string[] = [];
      for (let t = zone.yesterday + 30 * MINUTE; t < Date.now() - HOUR; t += HOUR)
        rows.push(`softswitch_calls_1m,switch=ss1 attempts=1i,active=2i,minutes=0.5 ${t}`);
      await writeLines(db, 'rollup', rows.join('\n'));
      await applySetup(influx, { ...layout, schemas: [softswitchCalls] }); // now the CQs: they run within a second
      const days = await waitFor(
        async () => {
          const r = await query(db, 'SELECT attempts, minutes FROM rollup.softswitch_calls_1d GROUP BY *');
          return r.length === 2 ? r : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 100, what: `two 1d rows in ${zone.name}` },
      );
      const hoursYesterday = (zone.today - zone.yesterday) / HOUR;
      expect(hoursYesterday).toBe(zone === zones.spring ? 23 : 25);
      const hoursToday = rows.length - hoursYesterday;
      expect(days).toEqual([
        { time: zone.yesterday, switch: 'ss1', attempts: hoursYesterday, minutes: hoursYesterday / 2 },
        { time: zone.today, switch: 'ss1', attempts: hoursToday, minutes: hoursToday / 2 },
      ]);
    }
  });

  it('recomputes 1m and 1d rollups for late points; New York days are 23 h and 25 h at DST changes', async () => {
    const { sink, lines } = makeSink('cb_late', { overrides: { retention: { raw: '1000d' } } });
    await sink.start();
    const tz = 'America/New_York';
    const spring = lastDstDay(tz, 23);
    const fall = lastDstDay(tz, 25);
    const expected: Record<string, unknown>[] = [];
    const points: Metric[] = [];
    for (const dst of [spring, fall].sort((a, b) => a - b)) {
      // an hourly point (attempts=1) through the day before, the DST day and the day after
      let day = startOfLocalDay(dst - HOUR, tz);
      for (let i = 0; i < 3; i++) {
        const next = startOfNextLocalDay(day, tz);
        for (let t = day; t < next; t += HOUR) points.push(calls(t + 5 * MINUTE, { attempts: 1, active: 1 }));
        expected.push({ time: day, switch: 'ss1', attempts: (next - day) / HOUR, active: 1 });
        day = next;
      }
    }
    sink.write(points);
    await sink.flush();
    const rows = await waitFor(
      async () => {
        const r = await query('cb_late', 'SELECT attempts, active FROM rollup.softswitch_calls_1d GROUP BY *');
        return r.length === 6 ? r : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 100, what: 'six 1d rows' },
    );
    expect(rows).toEqual(expected);
    expect(rows.map((r) => r.attempts)).toEqual(spring < fall ? [24, 23, 24, 24, 25, 24] : [24, 25, 24, 24, 23, 24]);
    const minutes = await query('cb_late', `SELECT count(attempts) AS n, sum(attempts) AS s FROM rollup.softswitch_calls_1m`);
    expect(minutes).toEqual([{ time: 0, n: points.length, s: points.length }]);
    expect(lines.find((l) => l.msg.startsWith('recomputed the 1m and 1d rollups'))).toBeDefined();
    await sink.stop();
  });

  it('keeps every point through an outage: start() does not wait for InfluxDB, nothing is lost or doubled', async () => {
    const a = makeSink('cb_outage', { overrides: { batchSize: 100 } });
    await a.sink.start();
    const t0 = Date.now() - 60_000;
    const point = (i: number) => calls(t0 + i, { attempts: i, active: 1 });
    a.sink.write(Array.from({ length: 200 }, (_, i) => point(i)));
    await a.sink.flush();

    await influxd.handle.stop(); // SIGTERM; same port and data directory come back below
    for (let k = 0; k < 10; k++) a.sink.write(Array.from({ length: 100 }, (_, i) => point(200 + k * 100 + i)));
    // A second sink starting while InfluxDB is down: start() returns after the first failed attempt.
    const b = makeSink('cb_outage_b');
    const started = Date.now();
    await b.sink.start();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(b.sink.ready).toBe(false);
    b.sink.write([calls(t0, { attempts: 42 })]);
    await waitFor(async () => (await a.metric('callboard_influx_write_errors_total', { reason: 'unavailable' })) >= 2, {
      timeoutMs: 5000,
      what: 'failed writes',
    });
    expect(await a.metric('callboard_influx_up')).toBe(0);
    expect(await a.metric('callboard_influx_queue_points')).toBe(1000);
    await expect(a.sink.flush({ timeoutMs: 300 })).rejects.toThrow(/flush not finished after 300 ms; 1000 points still queued/);
    expect(b.lines.find((l) => l.msg.startsWith('waiting for InfluxDB'))).toMatchObject({
      level: 40,
      // refused, or reset when a parallel test's service grabbed the freed port meanwhile
      err: expect.stringMatching(/ECONNREFUSED|ECONNRESET/),
    });

    await influxd.restart();
    await a.sink.flush({ timeoutMs: 10_000 });
    await b.sink.flush({ timeoutMs: 10_000 });
    expect(await query('cb_outage', `SELECT count(attempts) AS n, sum(attempts) AS s FROM raw.softswitch_calls`)).toEqual([
      { time: 0, n: 1200, s: (1199 * 1200) / 2 },
    ]);
    expect(await a.metric('callboard_influx_points_written_total')).toBe(1200);
    expect(await a.metric('callboard_influx_points_dropped_total')).toBe(0);
    expect(await a.metric('callboard_influx_up')).toBe(1);
    expect(a.lines.find((l) => l.msg === 'InfluxDB accepts writes again')).toBeDefined();
    expect(await query('cb_outage_b', 'SELECT attempts FROM raw.softswitch_calls')).toEqual([{ time: t0, attempts: 42 }]);
    await a.sink.stop();
    await b.sink.stop();
  });

  it('retries a batch whose request timed out (InfluxDB hung with SIGSTOP) until InfluxDB answers again', async () => {
    const { sink, metric, lines } = makeSink('cb_hung', { overrides: { timeout: '300ms' } });
    await sink.start();
    const t = Date.now() - 10_000;
    process.kill(influxd.handle.pid, 'SIGSTOP');
    try {
      sink.write([calls(t, { attempts: 1 }), calls(t + 1, { attempts: 2 })]);
      await waitFor(async () => (await metric('callboard_influx_write_errors_total', { reason: 'unavailable' })) >= 2, {
        timeoutMs: 5000,
        what: 'timed-out writes',
      });
    } finally {
      process.kill(influxd.handle.pid, 'SIGCONT');
    }
    await sink.flush({ timeoutMs: 5000 });
    expect((await query('cb_hung', 'SELECT attempts FROM raw.softswitch_calls')).map((r) => r.attempts)).toEqual([1, 2]);
    expect(lines.find((l) => l.msg.startsWith('InfluxDB write failed'))).toMatchObject({ err: 'request timed out' });
    await sink.stop();
  });

  it('sets the database up again when it disappears while running, keeping the points', async () => {
    const { sink, lines } = makeSink('cb_dropped');
    await sink.start();
    const t = Date.now() - 10_000;
    sink.write([calls(t, { attempts: 1 })]);
    await sink.flush();
    await query('cb_dropped', 'DROP DATABASE cb_dropped');
    sink.write([calls(t + 1, { attempts: 2 })]);
    await sink.flush({ timeoutMs: 5000 });
    expect((await query('cb_dropped', 'SELECT attempts FROM raw.softswitch_calls')).map((r) => r.attempts)).toEqual([2]);
    expect((await query('cb_dropped', 'SHOW CONTINUOUS QUERIES')).filter((r) => String(r.query).includes(' ON cb_dropped '))).toHaveLength(
      4,
    );
    expect(lines.find((l) => l.msg.startsWith('InfluxDB says the database does not exist'))).toMatchObject({ level: 40 });
    await sink.stop();
  });

  it('stop() gives up after its deadline while InfluxDB is unreachable and says how many points are left', async () => {
    const { sink, lines, metric } = makeSink('cb_stop', { overrides: { url: 'http://127.0.0.1:9' } });
    await sink.start();
    sink.write([calls(Date.now(), { attempts: 1 }), calls(Date.now() + 1, { attempts: 2 })]);
    const started = Date.now();
    await sink.stop({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(lines.find((l) => l.msg.includes('points unwritten'))).toMatchObject({
      level: 50,
      unwritten: 2,
      msg: 'InfluxDB output stopped with 2 points unwritten',
    });
    expect(await metric('callboard_influx_points_dropped_total', { reason: 'shutdown' })).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------

/** The most recent local day of `hours` length in `tz` that ended at least 3 days ago. */
function lastDstDay(tz: string, hours: number): number {
  let day = startOfLocalDay(Date.now() - 3 * DAY, tz);
  for (let i = 0; i < 800; i++) {
    const previous = startOfLocalDay(day - HOUR, tz);
    if (day - previous === hours * HOUR) return previous;
    day = previous;
  }
  throw new Error(`no ${hours} h day in ${tz}`);
}

/**
 * Two zones, compiled with zic, whose clocks changed yesterday at 02:00 local: Callboard/Spring
 * (forward: yesterday had 23 h) and Callboard/Fall (back: 25 h). Their offset is chosen so that
 * it is about 18:00 there now, so yesterday is within the 1d CQ's 2-day window and today has begun.
 */
function makeTestZones(dir: string, now: number): { spring: TestZone; fall: TestZone } {
  const utcHour = new Date(now).getUTCHours();
  let current = 18 - utcHour; // offset in hours now
  if (current > 12) current -= 24;
  if (current < -11) current += 24;
  const localNow = new Date(now + current * HOUR);
  const today = Date.UTC(localNow.getUTCFullYear(), localNow.getUTCMonth(), localNow.getUTCDate());
  const y = new Date(today - DAY);
  const until = `${y.getUTCFullYear()} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][y.getUTCMonth()]} ${y.getUTCDate()} 2:00`;
  const off = (h: number) => `${h < 0 ? '-' : ''}${Math.abs(h)}:00`;
  // Spring: standard (current-1) until yesterday 02:00, then daylight (current). Fall: daylight (current+1), then standard (current).
  const source = [
    `Zone Callboard/Spring ${off(current - 1)} - XST ${until}`,
    `                      ${off(current - 1)} 1:00 XDT`,
    `Zone Callboard/Fall   ${off(current)} 1:00 XDT ${until}`,
    `                      ${off(current)} - XST`,
    '',
  ].join('\n');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'zones.zic'), source);
  execFileSync('zic', ['-d', dir, join(dir, 'zones.zic')]);
  return {
    // a local midnight in a zone at offset h is the UTC instant midnight − h
    spring: { name: 'Callboard/Spring', yesterday: today - DAY - (current - 1) * HOUR, today: today - current * HOUR },
    fall: { name: 'Callboard/Fall', yesterday: today - DAY - (current + 1) * HOUR, today: today - current * HOUR },
  };
}
