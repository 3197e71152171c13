import type { Metric } from '../../pipeline/metric.js';
import type { Classified, DialPlan } from './dialplan.js';
import { cdrCall, cdrDay, cdrDayBreakdown, cdrHour } from './measurements.js';
import type { MilestoneBook } from './milestones.js';
import type { CallRecord, Disposition } from './record.js';
import { DayTotals, kpis, splitBreakdownKey, type Counters, type TotalsState } from './totals.js';
import { Zone } from './zone.js';

export interface EngineState {
  totals: TotalsState;
  /** Calls counted so far. */
  sequence: number;
  /** Start of the newest call counted (days are kept relative to it). */
  newestStart?: number;
}

export interface EngineOptions {
  source: string;
  zone: Zone;
  dialPlan: DialPlan;
  book?: MilestoneBook;
  /** Write one point per call (cdr_call) besides the running totals. */
  perCallPoints: boolean;
  /** Days kept in memory for late CDRs; older days are done (their totals are in InfluxDB and the book). 0: keep all. */
  keepDays: number;
}

/**
 * Turns complete calls into metrics: classifies each, counts it on its local day, and writes
 * running totals as cumulative points (the same series and time each batch, so a replay after a
 * crash rewrites the same values instead of adding to them).
 */
export class CdrEngine {
  readonly totals: DayTotals;
  #sequence: number;
  #newestStart: number | undefined;
  readonly #crossings = new Map<string, number>();
  /**
   * Per-call points share their tag objects: few distinct tag sets, hundreds of thousands of calls.
   * Keyed by the classification (the dial plan shares one object per class, direction and trunk), then disposition.
   */
  readonly #tagSets = new Map<Classified, Partial<Record<Disposition, Readonly<Record<string, string>>>>>();

  constructor(private readonly options: EngineOptions, state?: EngineState) {
    this.totals = new DayTotals(options.zone, state?.totals);
    this.#sequence = state?.sequence ?? 0;
    this.#newestStart = state?.newestStart;
  }

  add(calls: readonly CallRecord[], out: Metric[]): void {
    const { zone, dialPlan, source, perCallPoints, book } = this.options;
    for (const call of calls) {
      if (this.#newestStart === undefined || call.startMs > this.#newestStart) this.#newestStart = call.startMs;
      const c = dialPlan.classify(call);
      const day = zone.dayOf(call.startMs);
      const before = book ? this.totals.day(day).total : undefined;
      const calls0 = before?.calls ?? 0;
      const ms0 = before?.billableMs ?? 0;
      const entry = this.totals.add(call, day, c);
      if (book) this.#noteCrossing(day, calls0, ms0, entry.total, call.startMs);
      this.#sequence += 1;
      if (!perCallPoints) continue;
      const fields: Record<string, number> = {
        calls: 1,
        answered: call.disposition === 'answered' ? 1 : 0,
        billable_ms: call.billableMs,
        duration_ms: call.endMs > call.startMs ? call.endMs - call.startMs : 0,
      };
      if (call.pddMs !== undefined) fields.pdd_ms = call.pddMs;
      if (call.cause !== undefined) fields.cause = call.cause;
      if (call.sipCode !== undefined) fields.sip_code = call.sipCode;
      out.push({
        measurement: cdrCall.measurement,
        tags: this.#tags(c, call.disposition),
        // The file reader gives each call a unique time (point-clock.ts); its end otherwise.
        time: call.pointTime ?? call.endMs,
        fields,
        // One point per call is for storage and rollups; the live view follows the running totals.
        destination: 'storage',
      });
    }
  }

  /** Cumulative points for every day, breakdown and hour changed since the last call, plus milestone events. */
  drainTotals(out: Metric[]): void {
    const { zone, source, book } = this.options;
    const t = this.totals;
    for (const day of t.dirtyDays) {
      const entry = t.days.get(day)!;
      const { start, end } = zone.dayRange(day);
      out.push({ measurement: cdrDay.measurement, tags: { source }, time: start, fields: { ...dayFields(entry.total), hours: Math.round((end - start) / 3_600_000) } });
      if (book) out.push(...book.update(day, entry, (name, target) => this.#crossings.get(`${day}|${name}|${target}`) ?? Date.now()));
    }
    for (const [day, keys] of t.dirtyBreakdown) {
      const start = zone.dayRange(day).start;
      for (const key of keys) {
        const [cls, trunk] = splitBreakdownKey(key);
        const counters = t.days.get(day)?.breakdown[key];
        if (counters) out.push({ measurement: cdrDayBreakdown.measurement, tags: { source, class: cls, trunk }, time: start, fields: dayFields(counters) });
      }
    }
    for (const hour of t.dirtyHours) {
      const h = t.hours.get(hour)!;
      out.push({ measurement: cdrHour.measurement, tags: { source }, time: hour, fields: { talk_ms: h.talkMs, minutes: h.talkMs / 60_000, answered: h.answered } });
    }
    t.clearDirty();
    this.#crossings.clear();
  }

  /**
   * Forgets days older than keepDays before the newest call seen (not the wall clock: a backlog of
   * old files is read in order, and a day still being read must keep its running totals).
   */
  prune(now: number): void {
    if (this.options.keepDays <= 0 || this.#newestStart === undefined) return;
    now = Math.min(now, this.#newestStart);
    const today = this.options.zone.dayOf(now);
    const firstDay = Zone.addDays(today, -this.options.keepDays);
    this.totals.prune(firstDay, now - this.options.keepDays * 86_400_000);
    this.options.book?.prune(today);
  }

  /** Calls counted so far (restored from the checkpoint). */
  get counted(): number {
    return this.#sequence;
  }

  state(): EngineState {
    return { totals: this.totals.state(), sequence: this.#sequence, ...(this.#newestStart !== undefined ? { newestStart: this.#newestStart } : {}) };
  }

  #tags(c: Classified, disposition: Disposition): Readonly<Record<string, string>> {
    let byDisposition = this.#tagSets.get(c);
    if (!byDisposition) this.#tagSets.set(c, (byDisposition = {}));
    return (byDisposition[disposition] ??= Object.freeze({ source: this.options.source, class: c.class, direction: c.direction, disposition, trunk: c.trunk }));
  }

  #noteCrossing(day: string, calls0: number, ms0: number, total: Counters, time: number): void {
    const targets = this.options.book!.targets;
    const calls = targets.calls_per_day;
    if (calls !== undefined && calls0 < calls && total.calls >= calls) this.#crossings.set(`${day}|calls_per_day|${calls}`, time);
    const minutes = targets.minutes_per_day;
    if (minutes !== undefined && ms0 < minutes * 60_000 && total.billableMs >= minutes * 60_000) this.#crossings.set(`${day}|minutes_per_day|${minutes}`, time);
  }
}

function dayFields(c: Counters) {
  return { calls: c.calls, answered: c.answered, busy: c.busy, no_answer: c.no_answer, failed: c.failed, billable_ms: c.billableMs, ...kpis(c) };
}
