import type { TrunkCounters } from './parse.js';

export interface TrunkSample {
  time: number;
  upSince: string;
  /** By gateway URI. */
  trunks: Record<string, TrunkCounters>;
}

export interface TrunkFigures {
  attempts: number;
  answered: number;
  failed: number;
  /** Of the failed, refused for want of a circuit (503 or Q.850 cause 34). */
  blocked: number;
  active: number;
  minutes: number;
}

const COUNTERS = ['attempts', 'answered', 'failed', 'blocked'] as const;

/**
 * Per-trunk figures between polls, on the same rules as the switch totals: differenced within
 * one Kamailio run, counted from zero in a new run or when a counter goes backwards, and a
 * trunk first seen mid-run counts everything it has (its counters started at zero).
 */
export class TrunkAccounting {
  #last: TrunkSample | undefined;

  constructor(checkpoint?: TrunkSample, private readonly maxGapMs = 10_000) {
    this.#last = checkpoint;
  }

  get checkpoint(): TrunkSample | undefined {
    return this.#last;
  }

  next(sample: TrunkSample): Map<string, TrunkFigures> {
    const last = this.#last;
    const sameRun = last !== undefined && last.upSince === sample.upSince;
    const intervalMs = last ? sample.time - last.time : 0;
    const figures = new Map<string, TrunkFigures>();
    for (const [uri, now] of Object.entries(sample.trunks)) {
      const before = sameRun ? last.trunks[uri] : undefined;
      // a checkpoint written before `blocked` was counted lacks it: it counts from there
      const reset = before !== undefined && COUNTERS.some((key) => now[key] < (before[key] ?? 0));
      const base = before && !reset ? before : undefined;
      const counted = last !== undefined; // the very first poll only sets the baseline
      const integrate = sameRun && !reset && intervalMs <= this.maxGapMs;
      const delta = (key: (typeof COUNTERS)[number]) => (counted ? now[key] - (base?.[key] ?? 0) : 0);
      figures.set(uri, {
        attempts: delta('attempts'),
        answered: delta('answered'),
        failed: delta('failed'),
        blocked: delta('blocked'),
        active: now.active,
        minutes: integrate ? (((before?.active ?? 0) + now.active) / 2) * (intervalMs / 60_000) : 0,
      });
    }
    this.#last = sample;
    return figures;
  }
}
