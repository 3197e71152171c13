import { forLive, seriesKey, type FieldValue, type Metric } from '../../pipeline/metric.js';
import type { Sink } from '../../pipeline/sink.js';

/** The latest value of every live series: what /api/v1/snapshot returns and /live pushes. */
export interface LiveSeries {
  /** Stable id of the series: `measurement,tag=value,…` (tags sorted). */
  readonly topic: string;
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Latest value of each field; fields reported by different sources (poll, events) are merged. */
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Time of the newest update, ms since the epoch. */
  readonly time: number;
}

type Listener = (series: LiveSeries) => void;

/**
 * In-memory latest-value store fed as a sink. Series not updated for `expireAfterMs` are
 * removed (a trunk deleted from the switch must not linger), which a sweep does lazily.
 */
export class LiveStore implements Sink {
  readonly name = 'live';
  readonly #series = new Map<string, LiveSeries>();
  readonly #listeners = new Set<Listener>();
  #sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly expireAfterMs = 3_600_000) {}

  async start(): Promise<void> {
    this.#sweepTimer = setInterval(() => this.sweep(Date.now()), Math.min(60_000, this.expireAfterMs)).unref();
  }

  async flush(): Promise<void> {}

  async stop(): Promise<void> {
    clearInterval(this.#sweepTimer);
    this.#listeners.clear();
  }

  write(metrics: readonly Metric[]): void {
    for (const metric of metrics) {
      if (!forLive(metric)) continue;
      const topic = seriesKey(metric.measurement, metric.tags);
      const previous = this.#series.get(topic);
      // An event stamped before the latest poll must not roll a level back.
      if (previous && metric.time < previous.time && metric.destination === 'live') continue;
      const fields = previous ? { ...previous.fields, ...metric.fields } : { ...metric.fields };
      const changed = !previous || !sameFields(previous.fields, fields);
      const series: LiveSeries = { topic, measurement: metric.measurement, tags: metric.tags, fields, time: Math.max(metric.time, previous?.time ?? 0) };
      this.#series.set(topic, series);
      // A newer time alone refreshes the age but is not a change worth pushing.
      if (!changed) continue;
      for (const listener of this.#listeners) listener(series);
    }
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get(topic: string): LiveSeries | undefined {
    return this.#series.get(topic);
  }

  all(measurements?: ReadonlySet<string>): LiveSeries[] {
    const out = [...this.#series.values()];
    return measurements ? out.filter((s) => measurements.has(s.measurement)) : out;
  }

  sweep(now: number): void {
    for (const [topic, series] of this.#series) if (now - series.time > this.expireAfterMs) this.#series.delete(topic);
  }
}

function sameFields(a: Readonly<Record<string, FieldValue>>, b: Readonly<Record<string, FieldValue>>): boolean {
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
}
