import type { Classified } from './dialplan.js';
import type { CallRecord } from './record.js';
import type { Zone } from './zone.js';

/** Counts for a set of calls. All integers (durations in ms), so sums are exact; ratios are derived on output. */
export interface Counters {
  calls: number;
  answered: number;
  busy: number;
  no_answer: number;
  failed: number;
  billableMs: number;
  pddSumMs: number;
  pddCount: number;
}

export const zeroCounters = (): Counters => ({ calls: 0, answered: 0, busy: 0, no_answer: 0, failed: 0, billableMs: 0, pddSumMs: 0, pddCount: 0 });

function count(c: Counters, call: CallRecord): void {
  c.calls += 1;
  c[call.disposition === 'answered' ? 'answered' : call.disposition] += 1;
  c.billableMs += call.billableMs;
  if (call.pddMs !== undefined) {
    c.pddSumMs += call.pddMs;
    c.pddCount += 1;
  }
}

/** ASR % (answered / seizures, E.411), ACD seconds (billable / answered), mean PDD ms; absent when undefined (no calls). */
export function kpis(c: Counters): { minutes: number; asr?: number; acd_seconds?: number; pdd_ms?: number } {
  return {
    minutes: c.billableMs / 60_000,
    ...(c.calls > 0 ? { asr: (100 * c.answered) / c.calls } : {}),
    ...(c.answered > 0 ? { acd_seconds: c.billableMs / 1000 / c.answered } : {}),
    ...(c.pddCount > 0 ? { pdd_ms: c.pddSumMs / c.pddCount } : {}),
  };
}

export const SLOT_MINUTES = 15;
export const SLOTS = (24 * 60) / SLOT_MINUTES;

/** One local day: totals, the breakdown by class and trunk, and a time-of-day profile (calls and ms by start slot). */
export interface DayEntry {
  total: Counters;
  breakdown: Record<string, Counters>;
  slotCalls: number[];
  slotMs: number[];
}

/** Talk time per local hour (answered time split across the hours it spans), for reconciliation with live minutes. */
export interface HourEntry {
  talkMs: number;
  answered: number;
}

export interface TotalsState {
  days: Record<string, DayEntry>;
  hours: Record<string, HourEntry>;
}

export const breakdownKey = (cls: string, trunk: string) => `${cls}\t${trunk}`;
export const splitBreakdownKey = (key: string): [string, string] => key.split('\t') as [string, string];

export class DayTotals {
  readonly days = new Map<string, DayEntry>();
  readonly hours = new Map<number, HourEntry>();
  readonly dirtyDays = new Set<string>();
  /** Breakdown keys changed since the last drain, by day. */
  readonly dirtyBreakdown = new Map<string, Set<string>>();
  /** "class\ttrunk" strings made once per pair, not once per call. */
  readonly #keys = new Map<string, Map<string, string>>();
  readonly dirtyHours = new Set<number>();
  /** The same key by the dial plan's result object, which it shares per (class, direction, trunk): one lookup by identity per call. */
  readonly #keyOf = new Map<Classified, string>();
  /** The day and hour the last call was counted on, already marked dirty: calls come in runs on one day and hour. */
  #lastDay: { name: string; entry: DayEntry; dirty: Set<string> } | undefined;
  #lastHour: { start: number; entry: HourEntry } | undefined;

  constructor(private readonly zone: Zone, state?: TotalsState) {
    for (const [day, entry] of Object.entries(state?.days ?? {})) this.days.set(day, entry);
    for (const [hour, entry] of Object.entries(state?.hours ?? {})) this.hours.set(Number(hour), entry);
  }

  day(day: string): DayEntry {
    let entry = this.days.get(day);
    if (!entry) {
      entry = { total: zeroCounters(), breakdown: {}, slotCalls: new Array(SLOTS).fill(0), slotMs: new Array(SLOTS).fill(0) };
      this.days.set(day, entry);
    }
    return entry;
  }

  /** Counts a call on the local day it started (the billing convention), and its talk time on the hours it spanned. */
  add(call: CallRecord, day: string, c: Classified): DayEntry {
    let last = this.#lastDay;
    if (last?.name !== day) {
      this.dirtyDays.add(day);
      let dirty = this.dirtyBreakdown.get(day);
      if (!dirty) this.dirtyBreakdown.set(day, (dirty = new Set()));
      last = this.#lastDay = { name: day, entry: this.day(day), dirty };
    }
    const entry = last.entry;
    count(entry.total, call);
    let key = this.#keyOf.get(c);
    if (key === undefined) {
      if (this.#keyOf.size > 10_000) this.#keyOf.clear();
      this.#keyOf.set(c, (key = this.#key(c.class, c.trunk)));
    }
    count((entry.breakdown[key] ??= zeroCounters()), call);
    const slot = Math.floor(this.zone.minuteOfDay(call.startMs) / SLOT_MINUTES);
    entry.slotCalls[slot]! += 1;
    entry.slotMs[slot]! += call.billableMs;
    last.dirty.add(key);
    if (call.billableMs > 0) this.#addTalk(call);
    return entry;
  }

  /** Forgets what changed (after it was written out). */
  clearDirty(): void {
    this.dirtyDays.clear();
    this.dirtyBreakdown.clear();
    this.dirtyHours.clear();
    this.#lastDay = undefined;
    this.#lastHour = undefined;
  }

  #key(cls: string, trunk: string): string {
    let byTrunk = this.#keys.get(cls);
    if (!byTrunk) this.#keys.set(cls, (byTrunk = new Map()));
    let key = byTrunk.get(trunk);
    if (key === undefined) byTrunk.set(trunk, (key = breakdownKey(cls, trunk)));
    return key;
  }

  #addTalk(call: CallRecord): void {
    let from = call.answerMs ?? call.endMs - call.billableMs;
    let left = call.billableMs;
    let first = true;
    while (left > 0) {
      const hour = this.zone.hourStart(from);
      const part = Math.min(left, hour + 3_600_000 - from);
      let last = this.#lastHour;
      if (last?.start !== hour) {
        let found = this.hours.get(hour);
        if (!found) this.hours.set(hour, (found = { talkMs: 0, answered: 0 }));
        this.dirtyHours.add(hour);
        last = this.#lastHour = { start: hour, entry: found };
      }
      const entry = last.entry;
      entry.talkMs += part;
      if (first) entry.answered += 1;
      first = false;
      left -= part;
      from += part;
    }
  }

  /** Forgets days before `firstDay` and hours before `firstHourMs` (they live on in InfluxDB and the day history). */
  prune(firstDay: string, firstHourMs: number): void {
    this.#lastDay = undefined;
    this.#lastHour = undefined;
    for (const day of this.days.keys()) if (day < firstDay) this.days.delete(day);
    for (const hour of this.hours.keys()) if (hour < firstHourMs) this.hours.delete(hour);
  }

  state(): TotalsState {
    return { days: Object.fromEntries(this.days), hours: Object.fromEntries(this.hours) };
  }
}
