/** A link's health. `stale` (its source stopped reporting) is never shown as `ok`. */
export type LinkState = 'ok' | 'degraded' | 'down' | 'stale';

/** Worst first: the order of tiles on the wall and the state of a roll-up. */
export const SEVERITY: Readonly<Record<LinkState, number>> = { down: 3, stale: 2, degraded: 1, ok: 0 };

export function worst(states: Iterable<LinkState>): LinkState {
  let result: LinkState = 'ok';
  for (const s of states) if (SEVERITY[s] > SEVERITY[result]) result = s;
  return result;
}

/** What one observation of a link says, before hysteresis: a state and the reasons for it. */
export interface Verdict {
  state: Exclude<LinkState, 'stale'>;
  reasons: string[];
}

const NO_REASONS: string[] = [];

export interface LinkStatus {
  state: LinkState;
  reasons: string[];
  /** When the current state was entered (ms). */
  since: number;
  /** Last observation (ms). */
  lastSeen: number;
  /** Who reported the current state when it was not a poll (`trap`); gone once a poll restates it. */
  source?: string;
}

/**
 * Hysteresis for one link. A worse verdict is taken at once (an outage shows within one poll);
 * a better one only after it has held for `holdMs` without interruption, so a value flapping
 * around a threshold changes the state at most once per hold period. A link not observed for
 * `staleAfterMs` turns stale; its next observation is taken at once.
 */
export class LinkTracker {
  // The status as plain fields, not an object: 60,000 IAD links each keep one tracker.
  #state: LinkState | undefined;
  #reasons: string[] = NO_REASONS;
  #since = 0;
  #lastSeen = 0;
  #source: string | undefined;
  #better: { verdict: Verdict; since: number } | undefined;
  /** The gap between the last two observations: the source's interval, so that silence can be told in intervals. */
  #intervalMs = 0;

  /**
   * `staleIntervals`: a link is stale only once silent for that many of its own intervals too
   * (0: `staleAfterMs` alone), so that an IAD polled every 5 minutes is not stale after 45 s.
   */
  constructor(
    private readonly holdMs: number,
    private readonly staleAfterMs: number,
    private readonly staleIntervals = 0,
  ) {}

  /** A copy of the current status; undefined before the first observation. */
  get status(): LinkStatus | undefined {
    if (this.#state === undefined) return undefined;
    const status: LinkStatus = { state: this.#state, reasons: this.#reasons, since: this.#since, lastSeen: this.#lastSeen };
    if (this.#source) status.source = this.#source;
    return status;
  }

  get state(): LinkState | undefined {
    return this.#state;
  }

  /** Returns the new status when the state (or, within the same state, the reasons) changed. */
  observe(verdict: Verdict, now: number): LinkStatus | undefined {
    const current = this.#state;
    if (current !== undefined && now > this.#lastSeen) this.#intervalMs = now - this.#lastSeen;
    if (current === undefined || current === 'stale' || SEVERITY[verdict.state] > SEVERITY[current]) {
      this.#better = undefined;
      return this.#set(verdict.state, verdict.reasons, now, now);
    }
    if (verdict.state === current) {
      this.#better = undefined;
      this.#lastSeen = now;
      return sameReasons(this.#reasons, verdict.reasons) ? undefined : this.#set(current, verdict.reasons, this.#since, now);
    }
    // Better than now: wait until it has held for the whole period.
    if (!this.#better || SEVERITY[verdict.state] > SEVERITY[this.#better.verdict.state]) this.#better = { verdict, since: now };
    else this.#better.verdict = verdict;
    this.#lastSeen = now;
    if (now - this.#better.since < this.holdMs) return undefined;
    const { verdict: settled } = this.#better;
    this.#better = undefined;
    return this.#set(settled.state, settled.reasons, now, now);
  }

  /** When the link turns stale if not observed before (ms); Infinity when there is nothing to go stale. */
  get staleAt(): number {
    if (this.#state === undefined || this.#state === 'stale') return Infinity;
    return this.#lastSeen + Math.max(this.staleAfterMs, this.staleIntervals * this.#intervalMs);
  }

  /** Called periodically: turns the link stale when it has not been observed for too long. */
  checkStale(now: number): LinkStatus | undefined {
    if (now < this.staleAt) return undefined;
    this.#better = undefined;
    const silentMs = now - this.#lastSeen;
    const intervals = this.#intervalMs > 0 ? Math.floor(silentMs / this.#intervalMs) : 0;
    const reason =
      intervals > 0 ? `no data for ${intervals} interval${intervals === 1 ? '' : 's'}` : `no data for ${Math.floor(silentMs / 1000)} s`;
    return this.#set('stale', [reason], now, this.#lastSeen);
  }

  /**
   * A state the device reported itself (an SNMP trap): taken at once in either direction, since
   * the device says the transition happened. The next observation confirms or corrects it as usual.
   */
  report(verdict: Verdict, now: number, source: string): LinkStatus | undefined {
    const current = this.#state;
    this.#better = undefined;
    if (current === verdict.state && sameReasons(this.#reasons, verdict.reasons)) {
      this.#lastSeen = now;
      return undefined;
    }
    return this.#set(verdict.state, verdict.reasons, current === verdict.state ? this.#since : now, now, source);
  }

  #set(state: LinkState, reasons: string[], since: number, lastSeen: number, source?: string): LinkStatus {
    this.#state = state;
    this.#reasons = reasons;
    this.#since = since;
    this.#lastSeen = lastSeen;
    this.#source = source;
    return this.status!;
  }
}

function sameReasons(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}
