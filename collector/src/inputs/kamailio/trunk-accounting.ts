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
  active: number;
  minutes: number;
}

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
      const reset = before !== undefined && (now.attempts < before.attempts || now.answered < before.answered || now.failed < before.failed);
      const base = before && !reset ? before : { attempts: 0, answered: 0, failed: 0, active: 0 };
      const counted = last !== undefined; // the very first poll only sets the baseline
      const integrate = sameRun && !reset && intervalMs <= this.maxGapMs;
      figures.set(uri, {
        attempts: counted ? now.attempts - base.attempts : 0,
        answered: counted ? now.answered - base.answered : 0,
        failed: counted ? now.failed - base.failed : 0,
        active: now.active,
        minutes: integrate ? (((before?.active ?? 0) + now.active) / 2) * (intervalMs / 60_000) : 0,
      });
    }
    this.#last = sample;
    return figures;
  }
}
