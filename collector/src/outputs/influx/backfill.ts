// Rollups for points that arrive too late for the continuous queries.
//
// The 1m CQ only looks back 5 minutes. Points written later than that after their own time
// (queued through an InfluxDB outage, or replayed by an input) are in `raw` but would be missing
// from the 1m and 1d rollups for good. The sink notes which hours of which measurement got such
// points and, a second later, recomputes those hours' minutes and the local days around them with
// the CQs' own SELECT … INTO (schema.ts backfillStatement): raw → 1m, then 1m → 1d.
import type { Logger } from '../../lib/log.js';
import type { MeasurementSchema, Metric } from '../../pipeline/metric.js';
import { backoffDelay, type Gate, type RetryPolicy } from './batcher.js';
import { backfillStatement, LATE_AFTER_MS } from './schema.js';
import { startOfLocalDay, startOfNextLocalDay } from './timezone.js';

const HOUR = 3_600_000;
/** A 1m backfill reads raw points; one statement covers at most an hour of them (bounded query time). */
const MAX_1M_SPAN_MS = HOUR;
/** At most this many distinct late hours are remembered per measurement (the newest). */
const MAX_HOURS = 10_000;

/** Per measurement, the hours (ms since 1970 / 1 h) that received late points. */
export type LateHours = ReadonlyMap<string, ReadonlySet<number>>;

/**
 * Remembers which hours of which rolled-up measurements received late points. Hours, not a
 * min..max span, so that a few stray old points do not make a backfill of everything between.
 */
export class LateTracker {
  readonly #rolledUp: ReadonlySet<string>;
  readonly #lateAfterMs: number;
  #hours = new Map<string, Set<number>>();

  constructor(rolledUpMeasurements: Iterable<string>, lateAfterMs = LATE_AFTER_MS) {
    this.#rolledUp = new Set(rolledUpMeasurements);
    this.#lateAfterMs = lateAfterMs;
  }

  get pending(): boolean {
    return this.#hours.size > 0;
  }

  /** Looks at a written batch; returns true if it held late points of a rolled-up measurement. */
  note(points: readonly Pick<Metric, 'measurement' | 'time'>[], writtenAt: number): boolean {
    const lateBefore = writtenAt - this.#lateAfterMs;
    let any = false;
    for (const p of points) {
      if (p.time >= lateBefore || !this.#rolledUp.has(p.measurement)) continue;
      this.#add(p.measurement, [Math.floor(p.time / HOUR)]);
      any = true;
    }
    return any;
  }

  take(): Map<string, Set<number>> {
    const hours = this.#hours;
    this.#hours = new Map();
    return hours;
  }

  /** Puts hours back (their backfill failed). */
  restore(hours: LateHours): void {
    for (const [m, hs] of hours) this.#add(m, hs);
  }

  #add(measurement: string, hours: Iterable<number>): void {
    let set = this.#hours.get(measurement);
    if (!set) this.#hours.set(measurement, (set = new Set()));
    for (const h of hours) set.add(h);
    if (set.size > MAX_HOURS) {
      // More than a year of scattered hours: keep the newest (raw points that old are past any
      // sensible retention and were refused by InfluxDB anyway).
      const keep = [...set].sort((a, b) => b - a).slice(0, MAX_HOURS);
      this.#hours.set(measurement, new Set(keep));
    }
  }
}

/** Consecutive hours merged into [from, to) ranges in ms; a gap of one hour or more separates ranges. */
export function hourRanges(hours: ReadonlySet<number>): { from: number; to: number }[] {
  const sorted = [...hours].sort((a, b) => a - b);
  const ranges: { from: number; to: number }[] = [];
  for (const h of sorted) {
    const last = ranges.at(-1);
    if (last && last.to === h * HOUR) last.to += HOUR;
    else ranges.push({ from: h * HOUR, to: (h + 1) * HOUR });
  }
  return ranges;
}

/**
 * The statements that recompute the rollups touched by late points: the whole hours that got
 * late points (raw → 1m, one statement per hour), then the whole local days around them
 * (1m → 1d). All 1m statements come first, since the 1d ones read their results.
 */
export function backfillStatements(
  hours: LateHours,
  schemas: ReadonlyMap<string, MeasurementSchema>,
  database: string,
  timezone: string,
): string[] {
  const minutes: string[] = [];
  const days: string[] = [];
  for (const [measurement, set] of hours) {
    const schema = schemas.get(measurement);
    if (!schema) continue;
    const dayRanges: { from: number; to: number }[] = [];
    for (const range of hourRanges(set)) {
      for (let from = range.from; from < range.to; from += MAX_1M_SPAN_MS) {
        minutes.push(backfillStatement(schema, '1m', database, timezone, from, Math.min(range.to, from + MAX_1M_SPAN_MS)));
      }
      const day = { from: startOfLocalDay(range.from, timezone), to: startOfNextLocalDay(range.to - 1, timezone) };
      const last = dayRanges.at(-1);
      if (last && day.from <= last.to) last.to = Math.max(last.to, day.to);
      else dayRanges.push(day);
    }
    for (const d of dayRanges) days.push(backfillStatement(schema, '1d', database, timezone, d.from, d.to));
  }
  return [...minutes, ...days];
}

export interface BackfillerOptions {
  tracker: LateTracker;
  plan: (hours: LateHours) => string[];
  run: (statement: string) => Promise<void>;
  /** Backfills wait for InfluxDB to be set up, as writes do. */
  gate: Gate;
  retry: RetryPolicy;
  /** Wait this long after the first late batch, so that a backlog being drained is done in few runs. */
  delayMs: number;
  /** Runs start at least this far apart (a steady stream of late points must not mean a backfill a second). */
  minIntervalMs: number;
  log: Logger;
}

export class Backfiller {
  readonly #o: BackfillerOptions;
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;
  #failures = 0;
  #stopped = false;
  #lastRunAt = -Infinity;

  constructor(options: BackfillerOptions) {
    this.#o = options;
  }

  /** Late points were written: schedule a backfill (if one is not already scheduled or running). */
  kick(): void {
    if (this.#stopped || this.#timer || this.#running || !this.#o.tracker.pending) return;
    this.#schedule(this.#nextDelay());
  }

  #nextDelay(): number {
    if (this.#failures > 0) return backoffDelay(this.#failures - 1, this.#o.retry);
    return Math.max(this.#o.delayMs, this.#lastRunAt + this.#o.minIntervalMs - Date.now());
  }

  /** Statements that would still have to run for what is pending (for the log at shutdown). */
  pendingStatements(): string[] {
    const hours = this.#o.tracker.take();
    this.#o.tracker.restore(hours);
    return hours.size ? this.#o.plan(hours) : [];
  }

  /** For stop(): runs what is pending now and waits for it, at most timeoutMs. */
  async finish(timeoutMs: number): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const work = (async () => {
      if (this.#running) await this.#running;
      if (this.#o.tracker.pending && this.#o.gate.isOpen && !this.#stopped) {
        this.#running = this.#runOnce();
        await this.#running;
        this.#running = undefined;
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#runOnce().finally(() => {
        this.#running = undefined;
        if (this.#stopped || !this.#o.tracker.pending) return;
        this.#schedule(this.#nextDelay());
      });
    }, ms);
    this.#timer.unref();
  }

  async #runOnce(): Promise<void> {
    if (!this.#o.gate.isOpen) {
      this.#failures++;
      return;
    }
    const hours = this.#o.tracker.take();
    if (hours.size === 0) return;
    const started = Date.now();
    this.#lastRunAt = started;
    let statements: string[] = [];
    let done = 0;
    try {
      statements = this.#o.plan(hours);
      for (const statement of statements) {
        await this.#o.run(statement);
        done++;
      }
      this.#failures = 0;
      this.#o.log.info(
        { hours: describeHours(hours), statements: statements.length, ms: Date.now() - started },
        'recomputed the 1m and 1d rollups for points written too late for the continuous queries',
      );
    } catch (error) {
      this.#o.tracker.restore(hours);
      this.#failures++;
      this.#o.log.warn(
        { hours: describeHours(hours), done, of: statements.length, err: (error as Error).message, failures: this.#failures },
        'could not recompute rollups for late points; will retry',
      );
    }
  }
}

function describeHours(hours: LateHours): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [m, set] of hours) {
    const ranges = hourRanges(set);
    out[m] = ranges.slice(0, 10).map((r) => `${new Date(r.from).toISOString()}..${new Date(r.to).toISOString()}`);
    if (ranges.length > 10) out[m]!.push(`… ${ranges.length - 10} more`);
  }
  return out;
}
