import { z } from 'zod';
import type { Metric } from '../../pipeline/metric.js';
import { milestone } from './measurements.js';
import { kpis, SLOTS, SLOT_MINUTES, type Counters, type DayEntry } from './totals.js';
import { Zone } from './zone.js';

export const milestonesSchema = z
  .strictObject({
    minutes_per_day: z.number().positive().optional(),
    calls_per_day: z.number().int().positive().optional(),
  })
  .prefault({});

export type MilestoneTargets = z.output<typeof milestonesSchema>;
type TargetName = keyof MilestoneTargets;
const TARGETS: readonly TargetName[] = ['minutes_per_day', 'calls_per_day'];

/** How far back a day keeps its time-of-day profile: the last 4 same weekdays need 28 days. */
const PROFILE_DAYS = 35;

export interface DaySummary {
  day: string;
  calls: number;
  answered: number;
  billableMs: number;
}

export interface BookState {
  summaries: Record<string, [calls: number, answered: number, billableMs: number]>;
  profiles: Record<string, { slotCalls: number[]; slotMs: number[] }>;
  /** "day|target" of milestone events already written. */
  fired: string[];
}

export interface TargetProgress {
  name: TargetName;
  target: number;
  value: number;
  percent: number;
  /** End-of-day forecast; equals value once the day is over. */
  forecast: number;
  forecastMethod: 'final' | 'profile' | 'linear' | 'none';
  /** Same weekdays whose profile the forecast used. */
  basedOn: string[];
  reached: boolean;
  /** The best other day on record for this measure. */
  record: { day: string; value: number } | null;
  isRecord: boolean;
}

export interface MilestoneReport {
  day: string;
  timezone: string;
  hours: number;
  asOf: number;
  complete: boolean;
  totals: { calls: number; answered: number; minutes: number; asr?: number; acd_seconds?: number };
  targets: TargetProgress[];
}

const valueOf = (name: TargetName, s: { calls: number; billableMs: number }) => (name === 'calls_per_day' ? s.calls : s.billableMs / 60_000);

/**
 * Daily history and milestone progress for one CDR source: totals per day (kept for good), the
 * time-of-day profile of the last five weeks (for pace forecasts), and which targets were passed.
 */
export class MilestoneBook {
  readonly #summaries = new Map<string, DaySummary>();
  readonly #profiles = new Map<string, { slotCalls: number[]; slotMs: number[] }>();

  readonly #fired = new Set<string>();

  constructor(readonly source: string, readonly zone: Zone, readonly targets: MilestoneTargets, state?: BookState) {
    this.restore(state);
  }

  /**
   * Back to `state` (a checkpoint's), in place: the API holds this book. After an input rolls back,
   * a target passed in the batch it reads again is announced again (same time: InfluxDB keeps one point).
   */
  restore(state: BookState | undefined): void {
    this.#summaries.clear();
    this.#profiles.clear();
    this.#fired.clear();
    for (const [day, [calls, answered, billableMs]] of Object.entries(state?.summaries ?? {})) this.#summaries.set(day, { day, calls, answered, billableMs });
    for (const [day, p] of Object.entries(state?.profiles ?? {})) this.#profiles.set(day, p);
    for (const key of state?.fired ?? []) this.#fired.add(key);
  }

  /** Records a day's running totals; returns milestone events for targets passed since the last update. */
  update(day: string, entry: DayEntry, crossingTime: (name: TargetName, target: number) => number): Metric[] {
    const before = this.#summaries.get(day);
    const t = entry.total;
    this.#summaries.set(day, { day, calls: t.calls, answered: t.answered, billableMs: t.billableMs });
    this.#profiles.set(day, { slotCalls: [...entry.slotCalls], slotMs: [...entry.slotMs] });
    const events: Metric[] = [];
    for (const name of TARGETS) {
      const target = this.targets[name];
      if (target === undefined) continue;
      const value = valueOf(name, t);
      const key = `${day}|${name}`;
      if (value < target || this.#fired.has(key)) continue;
      this.#fired.add(key);
      const wasBelow = !before || valueOf(name, before) < target;
      if (!wasBelow) continue;
      events.push({
        measurement: milestone.measurement,
        tags: { source: this.source, target: name },
        time: crossingTime(name, target),
        fields: { day, threshold: target, value, text: `${day}: ${name.replace(/_/g, ' ')} passed ${target.toLocaleString('en-US')}` },
      });
    }
    return events;
  }

  summary(day: string): DaySummary | undefined {
    return this.#summaries.get(day);
  }

  days(from: string, to: string): (DaySummary & { minutes: number; hours: number })[] {
    return [...this.#summaries.values()]
      .filter((s) => s.day >= from && s.day <= to)
      .sort((a, b) => a.day.localeCompare(b.day))
      .map((s) => ({ ...s, minutes: s.billableMs / 60_000, hours: this.#hours(s.day) }));
  }

  report(day: string, now: number): MilestoneReport {
    const s = this.#summaries.get(day) ?? { day, calls: 0, answered: 0, billableMs: 0 };
    const { start, end } = this.zone.dayRange(day);
    const complete = now >= end;
    const counters: Counters = { calls: s.calls, answered: s.answered, busy: 0, no_answer: 0, failed: 0, billableMs: s.billableMs, pddSumMs: 0, pddCount: 0 };
    const { minutes, asr, acd_seconds } = kpis(counters);
    return {
      day,
      timezone: this.zone.name,
      hours: Math.round((end - start) / 3_600_000),
      asOf: now,
      complete,
      totals: { calls: s.calls, answered: s.answered, minutes, ...(asr !== undefined ? { asr } : {}), ...(acd_seconds !== undefined ? { acd_seconds } : {}) },
      targets: TARGETS.filter((n) => this.targets[n] !== undefined).map((name) => this.#progress(name, this.targets[name]!, s, day, now, start, end)),
    };
  }

  state(): BookState {
    const summaries: BookState['summaries'] = {};
    for (const [day, s] of this.#summaries) summaries[day] = [s.calls, s.answered, s.billableMs];
    return { summaries, profiles: Object.fromEntries(this.#profiles), fired: [...this.#fired] };
  }

  /** Drops profiles older than five weeks before `today` (summaries are kept). */
  prune(today: string): void {
    const oldest = Zone.addDays(today, -PROFILE_DAYS);
    for (const day of this.#profiles.keys()) if (day < oldest) this.#profiles.delete(day);
    for (const key of this.#fired) if (key.slice(0, 10) < oldest) this.#fired.delete(key);
  }

  #hours(day: string): number {
    const { start, end } = this.zone.dayRange(day);
    return Math.round((end - start) / 3_600_000);
  }

  #progress(name: TargetName, target: number, s: DaySummary, day: string, now: number, start: number, end: number): TargetProgress {
    const value = valueOf(name, s);
    let record: TargetProgress['record'] = null;
    for (const other of this.#summaries.values()) {
      if (other.day === day) continue;
      const v = valueOf(name, other);
      if (!record || v > record.value) record = { day: other.day, value: v };
    }
    const base = { name, target, value, percent: (100 * value) / target, reached: value >= target, record, isRecord: record !== null && value > record.value };
    if (now >= end) return { ...base, forecast: value, forecastMethod: 'final', basedOn: [] };
    if (now <= start) return { ...base, forecast: value, forecastMethod: 'none', basedOn: [] };
    // Pace: today's value scaled by the share of the day's total that the same weekdays had reached by this time of day.
    const minute = this.zone.minuteOfDay(now);
    const slot = Math.floor(minute / SLOT_MINUTES);
    const within = (minute % SLOT_MINUTES) / SLOT_MINUTES;
    let soFar = 0;
    let whole = 0;
    const basedOn: string[] = [];
    for (let week = 1; week <= 4; week++) {
      const past = Zone.addDays(day, -7 * week);
      const profile = this.#profiles.get(past);
      if (!profile) continue;
      const slots = name === 'calls_per_day' ? profile.slotCalls : profile.slotMs;
      let cumulative = within * (slots[slot] ?? 0);
      for (let k = 0; k < slot && k < SLOTS; k++) cumulative += slots[k]!;
      const total = slots.reduce((a, b) => a + b, 0);
      if (total === 0) continue;
      soFar += cumulative;
      whole += total;
      basedOn.push(past);
    }
    if (soFar > 0) return { ...base, forecast: (value * whole) / soFar, forecastMethod: 'profile', basedOn };
    return { ...base, forecast: (value * (end - start)) / (now - start), forecastMethod: 'linear', basedOn: [] };
  }
}
