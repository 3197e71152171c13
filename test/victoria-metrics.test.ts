// The InfluxDB output against VictoriaMetrics (Debian's victoria-metrics, on a private loopback
// port): it takes the InfluxDB 1.x line protocol on /write, so the same sink, spool and writer
// work with `manageLayout: false`. Every value and timestamp read back from VictoriaMetrics' own
// export API is the one written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../collector/src/devstack/ports.js';
import { spawnReady, waitFor, type ServiceHandle } from '../collector/src/devstack/process.js';
import { createLogger } from '../collector/src/lib/log.js';
import { influxOutputSchema } from '../collector/src/outputs/influx/config.js';
import { InfluxSink } from '../collector/src/outputs/influx/index.js';
import type { MeasurementSchema, Metric } from '../collector/src/pipeline/metric.js';

const calls: MeasurementSchema = {
  measurement: 'vm_calls',
  description: 'test',
  tags: ['switch', 'trunk'],
  fields: { attempts: 'integer', minutes: 'float', up: 'boolean' },
};

let work: string;
let vm: ServiceHandle;
let url: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'callboard-vm-'));
  const port = await freePort('tcp');
  url = `http://127.0.0.1:${port}`;
  vm = await spawnReady(
    {
      name: 'victoria-metrics',
      command: 'victoria-metrics',
      // latencyOffset 0: samples are returned as soon as they are stored (default: only those older than 30 s)
      args: [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${join(work, 'data')}`,
        '-search.latencyOffset=0s',
        '-loggerLevel=ERROR',
        '-retentionPeriod=1',
      ],
      logFile: join(work, 'victoria-metrics.log'),
    },
    (service) =>
      waitFor(async () => (await fetch(`${url}/ping`)).status === 204, {
        timeoutMs: 30_000,
        intervalMs: 50,
        what: 'victoria-metrics /ping',
        service,
      }),
  );
}, 60_000);

afterAll(async () => {
  await vm?.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Exported {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

async function exported(): Promise<Exported[]> {
  const response = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': '{db="callboard"}' })}`);
  const text = await response.text();
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Exported);
}

describe('InfluxDB output → VictoriaMetrics /write', () => {
  it('writes line protocol through the spool and reads back exact values and timestamps', { timeout: 60_000 }, async () => {
    const config = influxOutputSchema.parse({ url, database: 'callboard', manageLayout: false, flushInterval: '100ms' });
    const registry = new Registry();
    const sink = new InfluxSink(config, {
      schemas: [calls],
      log: createLogger({ level: 'silent' }),
      registry,
      timezone: 'UTC',
      spoolDir: join(work, 'spool'),
    });
    await sink.start();
    expect(sink.ready).toBe(true);
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    const metrics: Metric[] = [];
    for (let i = 0; i < 300; i++) {
      metrics.push({
        measurement: 'vm_calls',
        tags: { switch: 'ss1', trunk: `t${i % 3}` },
        fields: { attempts: i, minutes: i / 4, up: i % 2 === 0 },
        time: t0 + i * 1000,
      });
    }
    sink.write(metrics.slice(0, 150));
    sink.write(metrics.slice(150));
    await sink.flush({ delivered: true, timeoutMs: 20_000 });
    await sink.stop();

    const expected = new Map<string, { values: number[]; timestamps: number[] }>();
    for (const m of metrics) {
      for (const [field, value] of Object.entries(m.fields)) {
        const key = `vm_calls_${field}|${m.tags.trunk}`;
        const entry = expected.get(key) ?? { values: [], timestamps: [] };
        entry.values.push(typeof value === 'boolean' ? Number(value) : (value as number));
        entry.timestamps.push(m.time);
        expected.set(key, entry);
      }
    }
    let series: Exported[] = [];
    await waitFor(
      async () => {
        series = await exported();
        return series.reduce((n, s) => n + s.values.length, 0) === 900;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: '900 samples in VictoriaMetrics' },
    );
    expect(series).toHaveLength(9);
    for (const s of series) {
      expect(s.metric).toMatchObject({ db: 'callboard', switch: 'ss1' });
      expect({ values: s.values, timestamps: s.timestamps }).toEqual(expected.get(`${s.metric.__name__}|${s.metric.trunk}`));
    }
  });
});
