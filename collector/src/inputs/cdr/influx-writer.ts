import { Registry } from 'prom-client';
import { createLogger } from '../../lib/log.js';
import { influxOutputSchema } from '../../outputs/influx/config.js';
import { InfluxSink } from '../../outputs/influx/index.js';
import type { Metric } from '../../pipeline/metric.js';
import { cdrMeasurements } from './measurements.js';

/** Points held before waiting for InfluxDB to take them: bounds memory on very large imports. */
const FLUSH_EVERY_POINTS = 100_000;

/** Writes `cdr import` results to InfluxDB through the collector's own InfluxDB output (same layout, same rollups). */
export async function openInfluxWriter(url: string, database: string, timezone: string): Promise<{ write(m: Metric[]): Promise<void>; close(): Promise<void> }> {
  const config = influxOutputSchema.safeParse({ url, database });
  if (!config.success) throw new Error(`--influx ${url}: ${config.error.issues.map((i) => i.message).join('; ')}`);
  const sink = new InfluxSink(config.data, { schemas: cdrMeasurements, log: createLogger({ level: 'warn' }), registry: new Registry(), timezone });
  await sink.start();
  let unflushed = 0;
  return {
    async write(metrics) {
      sink.write(metrics);
      unflushed += metrics.length;
      if (unflushed >= FLUSH_EVERY_POINTS) {
        await sink.flush();
        unflushed = 0;
      }
    },
    async close() {
      try {
        await sink.flush();
      } finally {
        await sink.stop();
      }
    },
  };
}
