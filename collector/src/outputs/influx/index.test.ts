// @vitest-environment node
// InfluxSink without an InfluxDB (nothing listens on its port); influx.integration.test.ts has the rest.
import net from 'node:net';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { softswitchCalls } from '../../inputs/kamailio/measurements.js';
import { createLogger } from '../../lib/log.js';
import type { Metric } from '../../pipeline/metric.js';
import { influxOutputSchema } from './config.js';
import { InfluxSink } from './index.js';

/** A loopback port nobody listens on (connections are refused at once). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function makeSink(overrides: Record<string, unknown> = {}) {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (l: string) => void lines.push(JSON.parse(l)) } });
  const registry = new Registry();
  const config = influxOutputSchema.parse({
    url: `http://127.0.0.1:${await closedPort()}`,
    retry: { initial: '20ms', max: '50ms' },
    ...overrides,
  });
  const sink = new InfluxSink(config, { schemas: [softswitchCalls], log, registry, timezone: 'America/New_York' });
  const metric = async (name: string, labels: Record<string, string> = {}) =>
    (await registry.getSingleMetric(name)!.get()).values
      .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
      .reduce((s, v) => s + v.value, 0);
  return { sink, lines, registry, metric };
}

const calls = (fields: Record<string, unknown>, time = Date.now()): Metric => ({
  measurement: 'softswitch_calls',
  tags: { switch: 'ss1' },
  fields: fields as Metric['fields'],
  time,
});

describe('InfluxSink (no InfluxDB)', () => {
  it('refuses an unknown time zone or a bad schema at construction', async () => {
    const registry = new Registry();
    const config = influxOutputSchema.parse({ url: 'http://127.0.0.1:8086' });
    const log = createLogger({ level: 'silent' });
    expect(() => new InfluxSink(config, { schemas: [softswitchCalls], log, registry, timezone: 'Nowhere/Town' })).toThrow(
      /unknown time zone "Nowhere\/Town"/,
    );
    expect(
      () =>
        new InfluxSink(config, {
          schemas: [{ ...softswitchCalls, measurement: 'bad name' }],
          log,
          registry: new Registry(),
          timezone: 'UTC',
        }),
    ).toThrow(/measurement names must match/);
  });

  it('start() resolves while InfluxDB is down; write() never throws, skips live-only metrics, rejects and counts invalid metrics', async () => {
    const { sink, lines, metric } = await makeSink();
    await sink.start();
    expect(sink.ready).toBe(false);
    expect(lines.find((l) => l.msg.startsWith('waiting for InfluxDB'))).toMatchObject({
      level: 40,
      err: expect.stringContaining('ECONNREFUSED'),
    });
    const garbage = [null, 42, { measurement: 'softswitch_calls', tags: 'x', fields: null, time: 1 }] as unknown as Metric[];
    expect(() => sink.write(garbage)).not.toThrow();
    sink.write([
      calls({ attempts: 1 }),
      { ...calls({ attempts: 2 }), destination: 'live' as const },
      calls({ attempts: 0.5 }),
      calls({ nope: 1 }),
    ]);
    expect(sink.pending).toBe(1);
    expect(await metric('callboard_influx_points_rejected_total', { reason: 'invalid' })).toBe(5);
    expect(await metric('callboard_influx_queue_points')).toBe(1);
    expect(await metric('callboard_influx_up')).toBe(0);
    expect(lines.filter((l) => l.msg.startsWith('rejected a')).map((l) => l.msg)).toEqual([
      'rejected a null point: not a metric object (not sent to InfluxDB)',
      'rejected a 42 point: not a metric object (not sent to InfluxDB)',
      'rejected a softswitch_calls point: tag "0": tag is not declared in the schema (not sent to InfluxDB)',
      'rejected a softswitch_calls point: field "attempts": expected an integer, got float 0.5 (not sent to InfluxDB)',
      'rejected a softswitch_calls point: field "nope": field is not declared in the schema (not sent to InfluxDB)',
    ]);
    await expect(sink.flush({ timeoutMs: 100 })).rejects.toThrow(/flush not finished after 100 ms; 1 points still queued/);
    await sink.stop({ timeoutMs: 50 });
    expect(lines.at(-1)).toMatchObject({ level: 50, unwritten: 1, msg: 'InfluxDB output stopped with 1 points unwritten' });
    sink.write([calls({ attempts: 1 })]);
    expect(await metric('callboard_influx_points_dropped_total', { reason: 'shutdown' })).toBe(2);
  });

  it('drops the oldest points beyond maxQueuedPoints, and counts them', async () => {
    const { sink, metric, lines } = await makeSink({ maxQueuedPoints: 3 });
    for (let i = 0; i < 5; i++) sink.write([calls({ attempts: i })]);
    expect(sink.pending).toBe(3);
    expect(await metric('callboard_influx_points_dropped_total', { reason: 'queue_full' })).toBe(2);
    expect(lines.filter((l) => l.msg.startsWith('InfluxDB output queue is full'))).toHaveLength(1);
    await sink.stop();
  });

  it('exports every self-metric from the start', async () => {
    const { registry } = await makeSink();
    const text = await registry.metrics();
    for (const name of [
      'callboard_influx_points_written_total 0',
      'callboard_influx_points_rejected_total{reason="invalid"} 0',
      'callboard_influx_points_dropped_total{reason="queue_full"} 0',
      'callboard_influx_write_errors_total{reason="unavailable"} 0',
      'callboard_influx_write_duration_seconds_count 0',
      'callboard_influx_queue_points 0',
      'callboard_influx_up 0',
    ]) {
      expect(text).toContain(name);
    }
  });
});
