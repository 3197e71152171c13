import { z } from 'zod';
import { duration, httpUrl, secret } from '../../lib/config-types.js';

export const influxOutputSchema = z.strictObject({
  url: httpUrl,
  database: z.string().regex(/^[A-Za-z0-9_]+$/, 'expected letters, digits and _').default('callboard'),
  username: z.string().optional(),
  password: secret.optional(),
  retention: z
    .strictObject({
      /** Raw points (1 s polls, per-call CDR points). */
      raw: duration('30d'),
      /** 1-minute and 1-day rollups written by continuous queries. */
      rollup: duration('730d'),
    })
    .prefault({}),
  batchSize: z.number().int().positive().default(5000),
  flushInterval: duration('1s'),
  /** Points held in memory while InfluxDB is unreachable (~270 bytes each); beyond this the oldest are dropped and counted. */
  maxQueuedPoints: z.number().int().positive().default(500_000),
  retry: z.strictObject({ initial: duration('250ms'), max: duration('30s') }).prefault({}),
  timeout: duration('10s'),
});

export type InfluxOutputConfig = z.output<typeof influxOutputSchema>;
