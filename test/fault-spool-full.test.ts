// Disk full for the spool, two ways (no tmpfs without privileges):
//  - a size-limited spool (spool.maxBytes 64 KiB) while InfluxDB is down: warning at 80 %, full
//    alarm, points wait in memory, the oldest beyond maxQueuedPoints are dropped and counted,
//    flush() pushes back; InfluxDB back: every point not dropped arrives, the alarm clears;
//  - a segment file that is /dev/full (every write fails with ENOSPC, a real kernel answer):
//    full alarm naming ENOSPC, points still written to InfluxDB from memory, no crash;
//  - a CDR input whose batch was dropped (spool and memory full) goes back to its checkpoint and,
//    once InfluxDB drains the spool, reads on by itself: daily totals exact, no restart.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { createLogger, type Logger } from '../collector/src/lib/log.js';
import { influxOutputSchema } from '../collector/src/outputs/influx/config.js';
import { cdrConfigSchema } from '../collector/src/inputs/cdr/config.js';
import { CdrInput } from '../collector/src/inputs/cdr/input.js';
import { cdrMeasurements } from '../collector/src/inputs/cdr/measurements.js';
import { callboardJson, type SimJson } from '../collector/src/inputs/cdr/testing/e2e-support.js';
import { Zone } from '../collector/src/inputs/cdr/zone.js';
import { FlushTimeoutError, InfluxSink, PointsLostError } from '../collector/src/outputs/influx/index.js';
import type { MeasurementSchema, Metric } from '../collector/src/pipeline/metric.js';
import { flushSinks } from '../collector/src/pipeline/sink.js';
import { queryRows } from './support/influx-query.js';
import { metricValue } from './support/prom-text.js';

const load: MeasurementSchema = { measurement: 'fault_load', description: 'fault test load', tags: ['src'], fields: { seq: 'integer' } };

let influxd: Influxd;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'callboard-fault-spool-'));
  influxd = await startInfluxd();
}, 60_000);

afterAll(async () => {
  await influxd?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A logger that keeps its lines for the test to read. */
function capturingLogger(): { log: Logger; lines: { level: number; msg: string; code?: string }[] } {
  const lines: { level: number; msg: string; code?: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { log: createLogger({ level: 'info', destination: stream }), lines };
}

function points(from: number, n: number, start: number): Metric[] {
  return Array.from({ length: n }, (_, i) => ({
    measurement: 'fault_load',
    tags: { src: 'a' },
    fields: { seq: from + i },
    time: start + from + i,
  }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An output with a small spool (quick to fill) and quick retries. */
function smallSpool(database: string, spool: { maxBytes: number; segmentBytes: number }, maxQueuedPoints?: number) {
  return influxOutputSchema.parse({
    url: influxd.url,
    database,
    flushInterval: '100ms',
    retry: { initial: '100ms', max: '500ms' },
    timeout: '1s',
    ...(maxQueuedPoints !== undefined ? { maxQueuedPoints } : {}),
    spool,
  });
}

describe('fault: the spool runs out of disk', () => {
  it(
    'size-limited spool while InfluxDB is down: alarms, back-pressure, counted drops, exact delivery of the rest',
    { timeout: 90_000 },
    async () => {
      const { log, lines } = capturingLogger();
      const registry = new Registry();
      const config = smallSpool('spool_full', { maxBytes: 65_536, segmentBytes: 8192 }, 3000);
      const sink = new InfluxSink(config, { schemas: [load], log, registry, timezone: 'UTC', spoolDir: join(work, 'limited') });
      await sink.start();
      await influxd.kill9();
      const metric = async (name: string) => metricValue(await registry.metrics(), name);
      const start = Date.now() - 60_000;
      let sent = 0;
      // ~40 bytes a point on disk: 64 KiB is about 1,600 points; then 3,000 in memory; then drops.
      for (let i = 0; i < 60; i++, sent += 100) {
        sink.write(points(sent, 100, start));
        await sleep(10);
      }
      const status = sink.spoolStatus()!;
      console.log(JSON.stringify(lines.map((l) => [l.level, l.code, l.msg])), JSON.stringify(status));
      expect(status.alarm).toBe(2);
      expect(status.bytes).toBeLessThanOrEqual(65_536);
      expect(status.memoryPoints).toBe(3000);
      expect(await metric('callboard_influx_spool_alarm')).toBe(2);
      const dropped = await metric('callboard_influx_points_dropped_total{reason="spool_full"}');
      expect(dropped).toBeGreaterThan(0);
      expect(lines.some((l) => l.code === 'CALLBOARD_INFLUX_SPOOL_ALARM' && l.level === 40)).toBe(true); // warning first
      expect(lines.some((l) => l.code === 'CALLBOARD_INFLUX_SPOOL_ALARM' && l.level === 50 && /spool full/.test(l.msg))).toBe(true);
      expect(lines.some((l) => l.code === 'CALLBOARD_INFLUX_POINTS_DROPPED')).toBe(true);
      // Points were dropped: a durable hand-off (what a CDR checkpoint waits for) is refused to whoever wrote since.
      await expect(sink.flush({ timeoutMs: 300 })).rejects.toThrow(PointsLostError);
      const caller = {};
      await expect(sink.flush({ timeoutMs: 300, caller })).rejects.toThrow(PointsLostError); // its first flush: since the start

      await influxd.restart();
      await sink.flush({ delivered: true, timeoutMs: 60_000 });
      const [row] = await queryRows(influxd.url, 'spool_full', 'SELECT count(seq) AS n FROM raw.fault_load');
      expect(row?.n).toBe(sent - dropped);
      // The newest points are the ones kept.
      const [last] = await queryRows(influxd.url, 'spool_full', 'SELECT last(seq) AS seq FROM raw.fault_load');
      expect(last?.seq).toBe(sent - 1);
      await sleep(50);
      expect(sink.spoolStatus()!.alarm).toBe(0);
      expect(lines.some((l) => l.code === 'CALLBOARD_INFLUX_SPOOL_ALARM' && l.msg === 'InfluxDB spool alarm cleared')).toBe(true);
      await expect(sink.flush({ timeoutMs: 300 })).rejects.toThrow(PointsLostError); // without a caller: since the start
      await sink.flush({ timeoutMs: 300, caller }); // nothing this caller wrote since its rejection was dropped
      await sink.stop();
    },
  );

  it(
    'back-pressure: while points wait in memory (spool full), a durable flush cannot succeed; it does once InfluxDB drains the spool',
    { timeout: 60_000 },
    async () => {
      const config = smallSpool('spool_pressure', { maxBytes: 16_384, segmentBytes: 4096 });
      const sink = new InfluxSink(config, {
        schemas: [load],
        log: createLogger({ level: 'silent' }),
        registry: new Registry(),
        timezone: 'UTC',
        spoolDir: join(work, 'pressure'),
      });
      await sink.start();
      await influxd.kill9();
      const start = Date.now() - 60_000;
      for (let i = 0; i < 10; i++) sink.write(points(i * 100, 100, start));
      expect(sink.spoolStatus()!.memoryPoints).toBeGreaterThan(0);
      await expect(sink.flush({ timeoutMs: 300 })).rejects.toThrow(FlushTimeoutError);
      await influxd.restart();
      await sink.flush({ timeoutMs: 30_000 }); // durable again: on disk or in InfluxDB
      await sink.flush({ delivered: true, timeoutMs: 30_000 });
      const [row] = await queryRows(influxd.url, 'spool_pressure', 'SELECT count(seq) AS n FROM raw.fault_load');
      expect(row?.n).toBe(1000);
      await sink.stop();
    },
  );

  it('ENOSPC on every spool write: full alarm naming it, points still reach InfluxDB, nothing crashes', { timeout: 60_000 }, async () => {
    const { log, lines } = capturingLogger();
    const registry = new Registry();
    const dir = join(work, 'enospc');
    mkdirSync(dir);
    symlinkSync('/dev/full', join(dir, 'seg-0000000000000001.log')); // the name the first segment gets
    const config = influxOutputSchema.parse({ url: influxd.url, database: 'spool_enospc', flushInterval: '100ms' });
    const sink = new InfluxSink(config, { schemas: [load], log, registry, timezone: 'UTC', spoolDir: dir });
    await sink.start();
    const start = Date.now() - 60_000;
    for (let i = 0; i < 10; i++) sink.write(points(i * 50, 50, start));
    expect(sink.spoolStatus()).toMatchObject({ alarm: 2, diskError: expect.stringMatching(/^ENOSPC/) });
    expect(metricValue(await registry.metrics(), 'callboard_influx_spool_alarm')).toBe(2);
    expect(lines.some((l) => l.code === 'CALLBOARD_INFLUX_SPOOL_DISK' && /ENOSPC/.test(JSON.stringify(l)))).toBe(true);
    await sink.flush({ delivered: true, timeoutMs: 30_000 });
    const [row] = await queryRows(influxd.url, 'spool_enospc', 'SELECT count(seq) AS n FROM raw.fault_load');
    expect(row?.n).toBe(500);
    await sink.stop();
  });

  it(
    'a dropped CDR batch: the input goes back to its checkpoint and, once the spool has room, reads on by itself; daily totals exact',
    { timeout: 60_000 },
    async () => {
      const { log, lines } = capturingLogger();
      const registry = new Registry();
      const TZ = 'America/New_York';
      const dir = join(work, 'cdr-drop');
      const firstDay = Zone.addDays(new Zone(TZ).dayOf(Date.now()), -3); // inside the raw retention period
      const flags = { 'calls-per-day': '6000', days: '1', start: firstDay, format: 'asterisk', tz: TZ, out: join(dir, 'sim') };
      const sim = callboardJson<SimJson>('sim', 'cdr', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]), '--json');
      const dialPlan = JSON.parse(JSON.stringify((await import('yaml')).parse(readFileSync(sim.dialPlan, 'utf8'))));
      const config = smallSpool('spool_cdr_drop', { maxBytes: 131_072, segmentBytes: 16_384 }, 1500);
      const sink = new InfluxSink(config, {
        schemas: [load, ...cdrMeasurements],
        log,
        registry,
        timezone: TZ,
        spoolDir: join(dir, 'spool'),
      });
      await sink.start();
      await influxd.kill9();
      const file = sim.files[0]!;
      const input = new CdrInput(
        cdrConfigSchema.parse({
          type: 'cdr',
          name: 'pbx1',
          paths: [file],
          format: 'asterisk',
          pollInterval: 50,
          maxBatchBytes: 65_536,
          ...dialPlan,
        }),
        { log, registry, stateDir: dir, timezone: TZ, flush: flushSinks([sink]) }, // the collector's own wiring (app.ts)
      );
      const checkpointed = (): number =>
        (JSON.parse(readFileSync(join(dir, 'cdr-pbx1.json'), 'utf8')) as { files: { offset: number }[] }).files[0]?.offset ?? 0;
      const until = async (what: string, ok: () => boolean, ms = 20_000) => {
        for (const deadline = Date.now() + ms; !ok(); await sleep(20))
          if (Date.now() > deadline) throw new Error(`never: ${what}\n${JSON.stringify(lines.slice(-10))}`);
      };
      try {
        await input.start((metrics) => sink.write(metrics));
        // The spool fills up; the input's next batch waits in memory and its flush cannot finish (back-pressure).
        await until('a CDR batch waiting in memory', () => sink.spoolStatus()!.memoryPoints > 0);
        const offsetBefore = checkpointed();
        expect(offsetBefore).toBeGreaterThan(0);
        expect(offsetBefore).toBeLessThan(statSync(file).size);
        // Another source (an SNMP poll, say) overflows memory: the oldest points there, the CDR batch, are dropped.
        const start = Date.now() - 60_000;
        const cdrWaiting = sink.spoolStatus()!.memoryPoints; // the CDR batch, the oldest record in memory: dropped first
        for (let i = 0; i < 4; i++) sink.write(points(i * 500, 500, start));
        const dropped = metricValue(await registry.metrics(), 'callboard_influx_points_dropped_total{reason="spool_full"}');
        expect(dropped).toBeGreaterThanOrEqual(cdrWaiting);
        await until('the CDR input rolled back', () => lines.some((l) => l.code === 'CALLBOARD_CDR_ROLLBACK'));
        expect(checkpointed()).toBe(offsetBefore); // nothing after the lost batch was checkpointed

        // InfluxDB back: the spool drains, the input's wait for room succeeds, it reads the batch again and on to the end.
        await influxd.restart();
        const dayRows = async () =>
          (await queryRows(influxd.url, 'spool_cdr_drop', 'SELECT calls, answered, billable_ms FROM raw.cdr_day')).map((r) => ({
            calls: r.calls,
            answered: r.answered,
            billable_ms: r.billable_ms,
          }));
        const expected = sim.days.map((d) => ({ calls: d.calls, answered: d.answered, billable_ms: d.billableSeconds * 1000 }));
        await until('the file read to its end', () => checkpointed() === statSync(file).size, 40_000);
        await sink.flush({ delivered: true, timeoutMs: 20_000 });
        expect(await dayRows()).toEqual(expected);
        const [perCall] = await queryRows(
          influxd.url,
          'spool_cdr_drop',
          'SELECT sum(calls) AS calls, sum(answered) AS answered, sum(billable_ms) AS billable_ms FROM raw.cdr_call',
        );
        expect(perCall).toMatchObject(expected[0]!);
        expect(sink.spoolStatus()!.alarm).toBe(0);
        console.log(
          JSON.stringify({
            cdrWaiting,
            dropped,
            offsetBefore,
            size: statSync(file).size,
            calls: expected[0]!.calls,
            billableSeconds: sim.days[0]!.billableSeconds,
          }),
        );
      } finally {
        await input.stop();
        await sink.stop();
      }
    },
  );
});
