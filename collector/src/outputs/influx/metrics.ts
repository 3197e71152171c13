// Self-metrics of the InfluxDB output (Prometheus, on the collector's registry).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface InfluxMetrics {
  written: Counter;
  /** reason: invalid (refused by our schema check, never sent) | server (refused by InfluxDB, 4xx) */
  rejected: Counter<'reason'>;
  /** reason: queue_full (memory queue) | spool_full (spool and its memory overflow) | shutdown (left unwritten at stop, memory queue) */
  dropped: Counter<'reason'>;
  /** reason: unavailable (network, timeout, 5xx, auth, no database; retried) | rejected (4xx bad data) */
  writeErrors: Counter<'reason'>;
  writeDuration: Histogram;
  queue: Gauge;
  up: Gauge;
}

/** What the spool gauges read when Prometheus scrapes. */
export interface SpoolReadings {
  bytes(): number;
  maxBytes(): number;
  memoryPoints(): number;
  oldestPushedAt(): number | undefined;
  /** 0 ok, 1 above the alarm ratio, 2 full (points wait in memory) or the disk refuses writes */
  alarm(): number;
}

export interface SpoolMetrics {
  replayed: Counter;
  damaged: Counter;
}

export function createSpoolMetrics(registry: Registry, read: SpoolReadings, now: () => number = Date.now): SpoolMetrics {
  const registers = [registry];
  const gauge = (name: string, help: string, value: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(value());
      },
    });
  gauge('callboard_influx_spool_bytes', 'Bytes of the spool segment files on disk.', read.bytes);
  gauge('callboard_influx_spool_max_bytes', 'Configured bound of the spool (spool.maxBytes).', read.maxBytes);
  gauge(
    'callboard_influx_spool_memory_points',
    'Points held in memory because the spool is full or its disk refuses writes (not crash-safe).',
    read.memoryPoints,
  );
  gauge('callboard_influx_spool_oldest_point_age_seconds', 'Age of the oldest point not yet written to InfluxDB (0 when none).', () => {
    const at = read.oldestPushedAt();
    return at === undefined ? 0 : Math.max(0, (now() - at) / 1000);
  });
  gauge(
    'callboard_influx_spool_alarm',
    'Spool alarm: 0 ok, 1 above spool.alarmAt of maxBytes, 2 full or disk refusing writes (points in memory, may be dropped).',
    read.alarm,
  );
  return {
    replayed: new Counter({
      name: 'callboard_influx_spool_replayed_points_total',
      help: 'Points written to InfluxDB from a backlog (after an outage or a restart); rate() is the replay rate.',
      registers,
    }),
    damaged: new Counter({
      name: 'callboard_influx_spool_damaged_records_total',
      help: 'Spool records found torn or corrupt (checksum) at start and skipped.',
      registers,
    }),
  };
}

export function createInfluxMetrics(registry: Registry, pendingPoints: () => number): InfluxMetrics {
  const registers = [registry];
  const metrics: InfluxMetrics = {
    written: new Counter({ name: 'callboard_influx_points_written_total', help: 'Points InfluxDB accepted.', registers }),
    rejected: new Counter({
      name: 'callboard_influx_points_rejected_total',
      help: 'Points refused as bad data: reason="invalid" failed the schema check and was never sent, reason="server" was refused by InfluxDB (4xx).',
      labelNames: ['reason'],
      registers,
    }),
    dropped: new Counter({
      name: 'callboard_influx_points_dropped_total',
      help: 'Points given up unwritten: reason="queue_full" (oldest dropped at maxQueuedPoints, no spool), reason="spool_full" (spool and maxQueuedPoints in memory both full), reason="shutdown" (still queued at stop, no spool).',
      labelNames: ['reason'],
      registers,
    }),
    writeErrors: new Counter({
      name: 'callboard_influx_write_errors_total',
      help: 'Failed write requests: reason="unavailable" (network, timeout, 5xx, auth, missing database; the batch is retried), reason="rejected" (4xx bad data).',
      labelNames: ['reason'],
      registers,
    }),
    writeDuration: new Histogram({
      name: 'callboard_influx_write_duration_seconds',
      help: 'Duration of write requests to InfluxDB, successful or not.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    queue: new Gauge({
      name: 'callboard_influx_queue_points',
      help: 'Points waiting to be written (queued, plus the batch being written).',
      registers,
      collect() {
        this.set(pendingPoints());
      },
    }),
    up: new Gauge({
      name: 'callboard_influx_up',
      help: '1 when the last request to InfluxDB succeeded (it is set up and accepts writes), else 0.',
      registers,
    }),
  };
  // Export every series from the start, at 0, so that rate() and alerts see them before the first event.
  for (const reason of ['invalid', 'server']) metrics.rejected.labels(reason).inc(0);
  for (const reason of ['queue_full', 'spool_full', 'shutdown']) metrics.dropped.labels(reason).inc(0);
  for (const reason of ['unavailable', 'rejected']) metrics.writeErrors.labels(reason).inc(0);
  metrics.up.set(0);
  return metrics;
}
