import type { Freshness } from '../types';
import { freshnessOf } from './freshness';
import type { MetricSeries } from './series';

/**
 * Frame contract (plugin/README.md, "Milestone view"): one row per carrier day, timestamped at
 * the day's local midnight, with fields `calls` and `minutes` (the day's running totals, as
 * `cdr_day` stores them; the last value of a day is its total). Optional fields `calls_target`
 * and `minutes_target` override the panel options. The row of today (time ≥ dayStart) is "today";
 * earlier rows are the history for the record day.
 */
export interface MilestoneInput {
  frames: MetricSeries[];
  now: number;
  dayStart: number;
  /** Length of today in ms (23, 24 or 25 h): the pace forecast extrapolates over it. */
  dayLengthMs: number;
  callsTarget: number;
  minutesTarget: number;
  staleAfterMs: number;
  /** When the newest data point arrived (the row's time is midnight, so it cannot tell). */
  receivedAt: number | null;
}

export interface MilestoneMetric {
  label: 'Minutes' | 'Calls';
  today: number | null;
  target: number | null;
  /** today / target, 0..∞ (over 1 = milestone crossed). */
  progress: number | null;
  crossed: boolean;
  /** Linear by elapsed share of the day; null in the first minutes where it would be noise. */
  forecast: number | null;
  record: { day: number; value: number } | null;
  /** Today beats every earlier day. */
  isRecord: boolean;
}

export interface MilestoneViewModel {
  kind: 'milestone';
  freshness: Freshness;
  minutes: MilestoneMetric;
  calls: MilestoneMetric;
  /** Share of the carrier day elapsed, 0..1. */
  dayElapsed: number;
}

const MIN_ELAPSED_FOR_FORECAST = 0.02; // ~30 min: extrapolating the first minutes would be noise

/** Per-day value: the last value written for each day timestamp. */
function perDay(frames: MetricSeries[], metric: string): Map<number, number> {
  const days = new Map<number, number>();
  for (const s of frames) {
    if (s.metric !== metric) {
      continue;
    }
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      const t = s.times[i]!;
      if (typeof v === 'number' && Number.isFinite(t)) {
        days.set(t, v);
      }
    }
  }
  return days;
}

/** Sum over day rows from several series (e.g. several CDR sources) of the same day. */
function perDaySummed(frames: MetricSeries[], metric: string): Map<number, number> {
  const total = new Map<number, number>();
  for (const s of frames.filter((f) => f.metric === metric)) {
    for (const [day, v] of perDay([s], metric)) {
      total.set(day, (total.get(day) ?? 0) + v);
    }
  }
  return total;
}

function lastNumber(frames: MetricSeries[], metric: string): number | null {
  for (const s of frames) {
    if (s.metric !== metric) {
      continue;
    }
    for (let i = s.values.length - 1; i >= 0; i--) {
      if (typeof s.values[i] === 'number') {
        return s.values[i] as number;
      }
    }
  }
  return null;
}

function metricOf(
  label: MilestoneMetric['label'],
  days: Map<number, number>,
  input: MilestoneInput,
  target: number | null,
  elapsed: number
): MilestoneMetric {
  let today: number | null = null;
  let record: MilestoneMetric['record'] = null;
  for (const [day, value] of days) {
    if (day >= input.dayStart) {
      today = (today ?? 0) + value;
    } else if (!record || value > record.value) {
      record = { day, value };
    }
  }
  const progress = today !== null && target ? today / target : null;
  return {
    label,
    today,
    target,
    progress,
    crossed: progress !== null && progress >= 1,
    forecast: today !== null && elapsed >= MIN_ELAPSED_FOR_FORECAST ? today / elapsed : null,
    record,
    isRecord: today !== null && record !== null && today > record.value,
  };
}

export function buildMilestoneView(input: MilestoneInput): MilestoneViewModel {
  const elapsed = Math.min(1, Math.max(0, (input.now - input.dayStart) / input.dayLengthMs));
  const minutesTarget = input.minutesTarget || lastNumber(input.frames, 'minutes_target');
  const callsTarget = input.callsTarget || lastNumber(input.frames, 'calls_target');
  const minutes = metricOf('Minutes', perDaySummed(input.frames, 'minutes'), input, minutesTarget, elapsed);
  const calls = metricOf('Calls', perDaySummed(input.frames, 'calls'), input, callsTarget, elapsed);
  const hasToday = minutes.today !== null || calls.today !== null;
  return {
    kind: 'milestone',
    freshness: hasToday ? freshnessOf(input.receivedAt, input.now, input.staleAfterMs) : 'nodata',
    minutes,
    calls,
    dayElapsed: elapsed,
  };
}
