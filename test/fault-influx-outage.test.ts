// InfluxDB killed (SIGKILL) for over a minute under a steady load, then restarted: the InfluxDB
// output spools the points on disk meanwhile and replays them, and every point is in InfluxDB
// exactly once (counted by query). Runs the real influxd and the sink the collector uses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { createLogger } from '../collector/src/lib/log.js';
import { influxOutputSchema } from '../collector/src/outputs/influx/config.js';
import { InfluxSink } from '../collector/src/outputs/influx/index.js';
import type { MeasurementSchema, Metric } from '../collector/src/pipeline/metric.js';
import { queryRows } from './support/influx-query.js';
import { metricValue } from './support/prom-text.js';

const OUTAGE_MS = 62_000;
const POINTS_PER_TICK = 50;
const TICK_MS = 50; // 1000 points/s

const load: MeasurementSchema = {
  measurement: 'fault_load',
  description: 'fault test load',
  tags: ['src'],
  fields: { seq: 'integer', value: 'float' },
};

let influxd: Influxd;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'callboard-fault-influx-'));
  influxd = await startInfluxd();
}, 60_000);

afterAll(async () => {
  await influxd?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('fault: InfluxDB down for over a minute under load', () => {
  it('spools every point on disk and replays it: each point in InfluxDB exactly once', { timeout: 150_000 }, async () => {
    const registry = new Registry();
    const config = influxOutputSchema.parse({
      url: influxd.url,
      database: 'fault',
      batchSize: 2000,
      flushInterval: '200ms',
      retry: { initial: '100ms', max: '1s' },
      timeout: '2s',
    });
    const sink = new InfluxSink(config, {
      schemas: [load],
      log: createLogger({ level: 'silent' }),
      registry,
      timezone: 'UTC',
      spoolDir: join(work, 'spool'),
    });
    await sink.start();
    const start = Math.floor(Date.now() / 1000) * 1000;
    let sent = 0;
    const timer = setInterval(() => {
      const batch: Metric[] = [];
      for (let i = 0; i < POINTS_PER_TICK; i++, sent++) {
        // deterministic series and time per point: a replayed batch overwrites itself
        batch.push({
          measurement: 'fault_load',
          tags: { src: `s${sent % 4}` },
          fields: { seq: sent, value: sent / 8 },
          time: start + sent,
        });
      }
      sink.write(batch);
    }, TICK_MS);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const metric = async (name: string) => metricValue(await registry.metrics(), name);

    await sleep(5000);
    const beforeKill = sent;
    await influxd.kill9();
    await sleep(OUTAGE_MS);
    // The outage is in the spool, on disk, and nothing was lost or dropped.
    expect(await metric('callboard_influx_spool_bytes')).toBeGreaterThan(0);
    expect(await metric('callboard_influx_spool_oldest_point_age_seconds')).toBeGreaterThan(OUTAGE_MS / 1000 - 5);
    expect(await metric('callboard_influx_up')).toBe(0);
    expect(sink.pending).toBeGreaterThan(sent - beforeKill - POINTS_PER_TICK * 40);
    await influxd.restart();
    await sleep(5000);
    clearInterval(timer);

    await sink.flush({ delivered: true, timeoutMs: 60_000 });
    const [row] = await queryRows(influxd.url, 'fault', 'SELECT count(seq) AS n, sum(seq) AS total FROM raw.fault_load');
    expect(row).toMatchObject({ n: sent, total: (sent * (sent - 1)) / 2 });
    expect(await metric('callboard_influx_points_written_total')).toBeGreaterThanOrEqual(sent);
    expect(await metric('callboard_influx_spool_replayed_points_total')).toBeGreaterThan(0);
    expect(await metric('callboard_influx_points_dropped_total{reason="spool_full"}')).toBe(0);
    expect(await metric('callboard_influx_spool_alarm')).toBe(0);
    expect(await metric('callboard_influx_spool_oldest_point_age_seconds')).toBe(0);
    await sink.stop();
  });
});
