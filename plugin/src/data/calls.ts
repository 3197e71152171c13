import type { Freshness } from '../types';
import { freshnessOf } from './freshness';
import { labelsMatch, lastIndex, type MetricSeries } from './series';

export interface CallsInput {
  /** From query frames: `active` over (at least) the last hour; today's `attempts`, `answered`, `failed`, `minutes`. */
  frames: MetricSeries[];
  /** From /live `softswitch_calls`: the newest `active` per switch. */
  live: MetricSeries[];
  switchName: string;
  now: number;
  /** Local midnight of the carrier's day: counts from here on are "today". */
  dayStart: number;
  staleAfterMs: number;
  liveSilent: boolean;
}

export interface CallsViewModel {
  kind: 'calls';
  freshness: Freshness;
  scopeLabel: string;
  /** null = no data (shown as "—"), which is not 0. */
  activeNow: number | null;
  callsToday: number | null;
  minutesToday: number | null;
  /** % answered of completed calls today; null when no call completed. */
  asrToday: number | null;
  /** [time, active] of the last hour, summed over the switches in scope, oldest first. */
  sparkline: Array<[number, number]>;
  updatedAt: number | null;
}

const HOUR_MS = 3_600_000;

function inScope(series: MetricSeries, switchName: string): boolean {
  return labelsMatch(series.labels, { switch: switchName });
}

/** Sum over series of the points at or after `since` (counts are per-interval deltas). */
function sumSince(series: MetricSeries[], metric: string, since: number): number | null {
  let sum: number | null = null;
  for (const s of series) {
    if (s.metric !== metric) {
      continue;
    }
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (typeof v === 'number' && s.times[i]! >= since) {
        sum = (sum ?? 0) + v;
      }
    }
  }
  return sum;
}

function switchOf(s: MetricSeries): string {
  return s.labels.switch ?? '';
}

export function buildCallsView(input: CallsInput): CallsViewModel {
  const frames = input.frames.filter((s) => inScope(s, input.switchName));
  const live = input.live.filter((s) => inScope(s, input.switchName));
  const activeFrames = frames.filter((s) => s.metric === 'active');

  // Newest active per switch: the live value wins when it is newer than the queried one.
  const latest = new Map<string, { time: number; value: number }>();
  for (const s of [...activeFrames, ...live.filter((l) => l.metric === 'active')]) {
    const i = lastIndex(s);
    const v = s.values[i];
    if (i < 0 || typeof v !== 'number') {
      continue;
    }
    const prev = latest.get(switchOf(s));
    const t = s.times[i]!;
    if (!prev || t >= prev.time || Number.isNaN(prev.time)) {
      latest.set(switchOf(s), { time: t, value: v });
    }
  }
  let activeNow: number | null = null;
  let updatedAt: number | null = null;
  for (const { time, value } of latest.values()) {
    activeNow = (activeNow ?? 0) + value;
    if (Number.isFinite(time)) {
      updatedAt = updatedAt === null ? time : Math.max(updatedAt, time);
    }
  }

  // Sparkline: sum of active per timestamp over the switches in scope, last hour only.
  const perTime = new Map<number, number>();
  for (const s of activeFrames) {
    for (let i = 0; i < s.times.length; i++) {
      const t = s.times[i]!;
      const v = s.values[i];
      if (typeof v === 'number' && t >= input.now - HOUR_MS) {
        perTime.set(t, (perTime.get(t) ?? 0) + v);
      }
    }
  }
  const sparkline = [...perTime.entries()].sort((a, b) => a[0] - b[0]);

  const answered = sumSince(frames, 'answered', input.dayStart);
  const failed = sumSince(frames, 'failed', input.dayStart);
  const completed = (answered ?? 0) + (failed ?? 0);
  return {
    kind: 'calls',
    freshness: freshnessOf(updatedAt, input.now, input.staleAfterMs, input.liveSilent && live.length > 0),
    scopeLabel: input.switchName || 'All switches',
    activeNow,
    callsToday: sumSince(frames, 'attempts', input.dayStart),
    minutesToday: sumSince(frames, 'minutes', input.dayStart),
    asrToday: completed > 0 ? ((answered ?? 0) / completed) * 100 : null,
    sparkline,
    updatedAt,
  };
}
