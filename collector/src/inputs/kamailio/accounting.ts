import type { DialogStates, SwitchCounters } from './parse.js';

/** One poll of a switch: cumulative counters and dialog states, read at `time` (ms). */
export interface SwitchSample {
  time: number;
  upSince: string;
  counters: SwitchCounters;
  dialogs: DialogStates;
}

/** What happened on the switch between two polls. Every count is >= 0, whatever the counters did. */
export interface IntervalFigures {
  attempts: number;
  answered: number;
  failed: number;
  cancelled: number;
  /** Failures caused by the called party (busy, unavailable, decline) or the caller (cancel): they count for NER. */
  userFailures: number;
  /** Answered calls in progress at the end of the interval. */
  active: number;
  /** Calls set up but not answered yet. */
  early: number;
  /** Minutes of use in the interval: the integral of active calls over time. */
  minutes: number;
  intervalMs: number;
  /** Kamailio restarted (or its statistics were reset) since the previous sample. */
  restarted: boolean;
}

/** Persisted between collector runs so that a restart neither loses nor recounts calls. */
export interface AccountingCheckpoint {
  sample: SwitchSample;
  answeredEmitted: number;
}

const activeCalls = (d: DialogStates) => d.answering + d.ongoing;
const earlyCalls = (d: DialogStates) => d.starting + d.connecting;

/**
 * Calls answered since this Kamailio run started. The dialog module has no answered counter,
 * but every processed dialog is failed, still unanswered, or was answered.
 */
function answeredSinceStart(s: SwitchSample): number {
  return Math.max(0, s.counters.processedDialogs - s.counters.failedDialogs - earlyCalls(s.dialogs));
}

function userFailureCount(c: SwitchCounters): number {
  return c.busyReplies + c.unavailableReplies + c.declineReplies + c.cancelledCalls;
}

/**
 * Turns successive samples into per-interval figures. Counters are differenced within one
 * Kamailio run; a new run (new up_since, or a counter going backwards) starts from zero, so a
 * restart yields neither a negative value nor a spike. Answered calls are derived from several
 * values read by separate RPCs, so they are emitted against a running total that never goes
 * down: a momentary dip is made up at the next poll, and the sum over any period is exact.
 */
export class CallAccounting {
  #last: AccountingCheckpoint | undefined;

  constructor(
    checkpoint?: AccountingCheckpoint,
    /** Polls further apart than this (switch unreachable) are not integrated across. */
    private readonly maxGapMs = 10_000,
  ) {
    this.#last = checkpoint;
  }

  get checkpoint(): AccountingCheckpoint | undefined {
    return this.#last;
  }

  next(sample: SwitchSample): IntervalFigures {
    const last = this.#last;
    const restarted = last !== undefined && isNewRun(last.sample, sample);
    const base = !last || restarted ? undefined : last.sample.counters;
    // A checkpoint of an older collector may lack a counter (undefined, or NaN in a sum): that one counts from this sample.
    const delta = (pick: (c: SwitchCounters) => number) => {
      const before = base ? pick(base) : 0;
      return last === undefined || !Number.isFinite(before) ? 0 : pick(sample.counters) - before;
    };

    const answeredTotal = answeredSinceStart(sample);
    const alreadyEmitted = !last ? answeredTotal : restarted ? 0 : last.answeredEmitted;
    const answered = Math.max(0, answeredTotal - alreadyEmitted);

    const intervalMs = last ? Math.max(0, sample.time - last.sample.time) : 0;
    const active = activeCalls(sample.dialogs);
    const minutes =
      last && !restarted && intervalMs <= this.maxGapMs ? ((activeCalls(last.sample.dialogs) + active) / 2) * (intervalMs / 60_000) : 0;

    this.#last = { sample, answeredEmitted: alreadyEmitted + answered };
    return {
      attempts: delta((c) => c.processedDialogs),
      answered,
      failed: delta((c) => c.failedDialogs),
      cancelled: delta((c) => c.cancelledCalls),
      userFailures: delta(userFailureCount),
      active,
      early: earlyCalls(sample.dialogs),
      minutes,
      intervalMs,
      restarted,
    };
  }
}

function isNewRun(previous: SwitchSample, current: SwitchSample): boolean {
  if (previous.upSince !== current.upSince) return true;
  const p = previous.counters;
  const c = current.counters;
  return (Object.keys(c) as (keyof SwitchCounters)[]).some((k) => c[k] < p[k]);
}
