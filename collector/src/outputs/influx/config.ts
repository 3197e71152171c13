import { z } from 'zod';
import { duration, httpUrl, secret } from '../../lib/config-types.js';

export const influxOutputSchema = z.strictObject({
  url: httpUrl,
  database: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/, 'expected letters, digits and _')
    .default('callboard'),
  /**
   * true: the sink creates and keeps the database, retention policies and rollup CQs (InfluxDB 1.x
   * OSS/Enterprise). false: the endpoint only takes writes (InfluxDB 2/3 v1 compatibility,
   * VictoriaMetrics): no InfluxQL setup, no backfills, writes without `rp` (the default mapping).
   */
  manageLayout: z.boolean().default(true),
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
  /** Points held in memory when the spool's disk cannot take them (or, without a spool, while InfluxDB is unreachable); beyond this the oldest are dropped and counted. */
  maxQueuedPoints: z.number().int().positive().default(500_000),
  /** The durable on-disk queue (README "Durable spool"). */
  spool: z
    .strictObject({
      /** Default: <stateDir>/influx-spool. */
      dir: z.string().min(1).optional(),
      /** Bound of the segment files together, bytes (default 1 GiB: about 4 million typical points). */
      maxBytes: z
        .number()
        .int()
        .min(4096)
        .default(1024 ** 3),
      segmentBytes: z
        .number()
        .int()
        .min(1024)
        .default(16 * 1024 ** 2),
      /** Longest time an appended point waits for fdatasync (what a power loss can cost). */
      fsyncInterval: duration('200ms'),
      /** Warn (log + callboard_influx_spool_alarm 1) from this fill ratio on. */
      alarmAt: z.number().gt(0).lte(1).default(0.8),
    })
    .prefault({}),
  retry: z.strictObject({ initial: duration('250ms'), max: duration('30s') }).prefault({}),
  timeout: duration('10s'),
});

export type InfluxOutputConfig = z.output<typeof influxOutputSchema>;
