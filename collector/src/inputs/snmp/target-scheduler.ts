// Polls thousands of targets on one interval from inside the input (the collector's Scheduler
// runs one gather per input per interval, which cannot spread 60,000 devices). Each target has
// a fixed slot in the interval, so polls are spread evenly with no thundering herd; at most
// maxInFlight polls run at once, the rest wait in a queue; a target whose previous poll is
// still running (or queued) when its slot comes again is skipped and counted, never stacked;
// a target that keeps timing out is flagged unreachable and backed off exponentially so that
// dead devices never eat the time of live ones.

export type PollOutcome = { result: 'ok' } | { result: 'timeout' | 'error'; message: string };

/** One target's scheduling state, read through TargetScheduler.state(): a live view, not a copy. */
export interface TargetState {
  readonly id: string;
  readonly inFlight: boolean;
  readonly queued: boolean;
  readonly consecutiveTimeouts: number;
  readonly unreachable: boolean;
  readonly unreachableSinceMs?: number;
  readonly backoffUntilMs: number;
  readonly lastPollMs?: number;
  readonly lastOkMs?: number;
  readonly lastError?: string;
  readonly skipped: number;
}

const IN_FLIGHT = 1;
const QUEUED = 2;
const UNREACHABLE = 4;
const orUndefined = (n: number) => (Number.isNaN(n) ? undefined : n);

export interface CycleStats {
  cycleStartMs: number;
  targets: number;
  polled: number;
  ok: number;
  timeouts: number;
  errors: number;
  skipped: number;
  backedOff: number;
  unreachable: number;
  /** From the cycle's start to the end of the last poll started in it (dead devices' timeouts included). */
  cycleMs: number;
  /** From the cycle's start to the end of the last successful poll: when the answering devices were done. */
  answeredMs: number;
  /** Polls started in the cycle still running one whole interval after it ended. */
  overrun: number;
}

export interface TargetSchedulerOptions {
  intervalMs: number;
  maxInFlight: number;
  /** Consecutive timeouts before a target is flagged unreachable and backed off. */
  unreachableAfter: number;
  maxBackoffMs: number;
  /** How often the dispatcher wakes; polls due in between start together. */
  tickMs?: number;
}

interface Cycle {
  stats: CycleStats;
  running: number;
  lastDoneMs: number;
  lastOkMs: number;
  /** Its interval is over; it is reported once its last poll is done (or a whole interval later). */
  closed: boolean;
  reported: boolean;
}

const emptyStats = (cycleStartMs: number, targets: number): CycleStats => ({
  cycleStartMs,
  targets,
  polled: 0,
  ok: 0,
  timeouts: 0,
  errors: 0,
  skipped: 0,
  backedOff: 0,
  unreachable: 0,
  cycleMs: 0,
  answeredMs: 0,
  overrun: 0,
});

/**
 * Per-target state lives in typed arrays indexed by the target's position (60,000 targets would
 * otherwise hold 60,000 state objects, their boxed numbers and a Map: tens of MB of heap).
 */
export class TargetScheduler<T extends { readonly id: string }> {
  readonly #targets: readonly T[];
  readonly #offsets: Float64Array;
  readonly #flags: Uint8Array;
  readonly #timeouts: Uint16Array;
  readonly #backoffUntil: Float64Array;
  readonly #lastPoll: Float32Array;
  readonly #lastOk: Float64Array;
  readonly #unreachableSince: Float64Array;
  readonly #skipped: Uint32Array;
  /** The last error of targets whose last poll failed. */
  readonly #errors = new Map<number, string>();
  readonly #queue: { index: number; cycle: Cycle }[] = [];
  #inFlight = 0;
  #pointer = 0;
  #cycle?: Cycle;
  /** The previous cycle while its last polls finish. */
  #closing?: Cycle;
  #timer?: NodeJS.Timeout;
  /** Resolves stop() once the last poll in flight is done. */
  #idle?: () => void;

  constructor(
    targets: readonly T[],
    private readonly poll: (target: T, index: number) => Promise<PollOutcome>,
    private readonly options: TargetSchedulerOptions,
    private readonly hooks: {
      onCycle?(stats: CycleStats): void;
      onBackedOff?(target: T): void;
      onPolled?(target: T, outcome: PollOutcome, ms: number): void;
    } = {},
  ) {
    this.#targets = targets;
    const n = targets.length;
    // Evenly spaced slots in target order; the inventory order spreads each region's devices.
    this.#offsets = Float64Array.from(targets, (_, i) => Math.floor((i * options.intervalMs) / Math.max(1, n)));
    this.#flags = new Uint8Array(n);
    this.#timeouts = new Uint16Array(n);
    this.#backoffUntil = new Float64Array(n);
    this.#lastPoll = new Float32Array(n).fill(NaN);
    this.#lastOk = new Float64Array(n).fill(NaN);
    this.#unreachableSince = new Float64Array(n).fill(NaN);
    this.#skipped = new Uint32Array(n);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get size(): number {
    return this.#targets.length;
  }

  isUnreachable(index: number): boolean {
    return (this.#flags[index]! & UNREACHABLE) !== 0;
  }

  lastOkMs(index: number): number | undefined {
    return orUndefined(this.#lastOk[index]!);
  }

  lastPollMs(index: number): number | undefined {
    return orUndefined(this.#lastPoll[index]!);
  }

  /** A live view of target `index`'s state. */
  state(index: number): TargetState {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const s = this;
    const flag = (bit: number) => (s.#flags[index]! & bit) !== 0;
    return {
      id: this.#targets[index]!.id,
      get inFlight() {
        return flag(IN_FLIGHT);
      },
      get queued() {
        return flag(QUEUED);
      },
      get unreachable() {
        return flag(UNREACHABLE);
      },
      get consecutiveTimeouts() {
        return s.#timeouts[index]!;
      },
      get unreachableSinceMs() {
        return orUndefined(s.#unreachableSince[index]!);
      },
      get backoffUntilMs() {
        return s.#backoffUntil[index]!;
      },
      get lastPollMs() {
        return orUndefined(s.#lastPoll[index]!);
      },
      get lastOkMs() {
        return orUndefined(s.#lastOk[index]!);
      },
      get lastError() {
        return s.#errors.get(index);
      },
      get skipped() {
        return s.#skipped[index]!;
      },
    };
  }

  /** Views of every target's state by id (built on each call: for reports and tests, not the poll path). */
  get states(): ReadonlyMap<string, TargetState> {
    return new Map(this.#targets.map((t, i) => [t.id, this.state(i)]));
  }

  start(now = Date.now()): void {
    this.#cycle = this.#newCycle(now);
    this.#pointer = 0;
    this.#timer = setInterval(() => this.#tick(Date.now()), this.options.tickMs ?? 10);
    this.#tick(now);
  }

  /** Stops dispatching and waits for polls in flight; queued polls are dropped. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const { index } of this.#queue.splice(0)) this.#flags[index]! &= ~QUEUED;
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#idle = resolve));
    this.#idle = undefined;
  }

  #tick(now: number): void {
    let cycle = this.#cycle!;
    while (now - cycle.stats.cycleStartMs >= this.options.intervalMs) {
      // Dispatch what is left of the old cycle before closing it (a late timer).
      this.#dispatchDue(cycle, this.options.intervalMs, now);
      if (this.#closing && !this.#closing.reported) this.#report(this.#closing);
      cycle.closed = true;
      this.#closing = cycle;
      if (cycle.running === 0) this.#report(cycle);
      cycle = this.#cycle = this.#newCycle(cycle.stats.cycleStartMs + this.options.intervalMs);
      this.#pointer = 0;
    }
    this.#dispatchDue(cycle, now - cycle.stats.cycleStartMs, now);
  }

  #dispatchDue(cycle: Cycle, elapsed: number, now: number): void {
    while (this.#pointer < this.#targets.length && this.#offsets[this.#pointer]! <= elapsed) {
      const index = this.#pointer++;
      const flags = this.#flags[index]!;
      if (flags & (IN_FLIGHT | QUEUED)) {
        this.#skipped[index]!++;
        cycle.stats.skipped++;
      } else if (now < this.#backoffUntil[index]!) {
        cycle.stats.backedOff++;
        this.hooks.onBackedOff?.(this.#targets[index]!);
      } else if (this.#inFlight < this.options.maxInFlight) {
        this.#run(index, cycle);
      } else {
        this.#flags[index] = flags | QUEUED;
        this.#queue.push({ index, cycle });
      }
    }
  }

  #newCycle(startMs: number): Cycle {
    return {
      stats: emptyStats(startMs, this.#targets.length),
      running: 0,
      lastDoneMs: startMs,
      lastOkMs: startMs,
      closed: false,
      reported: false,
    };
  }

  #report(cycle: Cycle): void {
    const s = cycle.stats;
    cycle.reported = true;
    s.overrun = cycle.running;
    s.cycleMs = Math.max(0, cycle.lastDoneMs - s.cycleStartMs);
    s.answeredMs = Math.max(0, cycle.lastOkMs - s.cycleStartMs);
    for (const flags of this.#flags) if (flags & UNREACHABLE) s.unreachable++;
    this.hooks.onCycle?.(s);
  }

  #run(index: number, cycle: Cycle): void {
    this.#flags[index]! |= IN_FLIGHT;
    this.#inFlight++;
    cycle.running++;
    cycle.stats.polled++;
    const started = performance.now();
    // One reaction per poll (not a catch/then/finally chain): a poll waiting for its answer
    // holds as little as possible, since under load it lives long enough to be promoted.
    this.poll(this.#targets[index]!, index).then(
      (outcome) => this.#done(index, cycle, started, outcome),
      (error: unknown) =>
        this.#done(index, cycle, started, { result: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  }

  #done(index: number, cycle: Cycle, started: number, outcome: PollOutcome): void {
    const ms = performance.now() - started;
    const now = Date.now();
    this.#lastPoll[index] = ms;
    if (outcome.result === 'ok') {
      cycle.stats.ok++;
      cycle.lastOkMs = Math.max(cycle.lastOkMs, now);
      this.#lastOk[index] = now;
      this.#timeouts[index] = 0;
      this.#flags[index]! &= ~UNREACHABLE;
      this.#unreachableSince[index] = NaN;
      this.#errors.delete(index);
    } else {
      this.#errors.set(index, outcome.message);
      if (outcome.result === 'timeout') {
        cycle.stats.timeouts++;
        const timeouts = Math.min(this.#timeouts[index]! + 1, 0xffff);
        this.#timeouts[index] = timeouts;
        const beyond = timeouts - this.options.unreachableAfter;
        if (beyond >= 0) {
          if (!this.isUnreachable(index)) this.#unreachableSince[index] = now;
          this.#flags[index]! |= UNREACHABLE;
          this.#backoffUntil[index] = now + Math.min(this.options.intervalMs * 2 ** Math.min(beyond, 30), this.options.maxBackoffMs);
        }
      } else cycle.stats.errors++;
    }
    try {
      this.hooks.onPolled?.(this.#targets[index]!, outcome, ms);
    } finally {
      this.#flags[index]! &= ~IN_FLIGHT;
      this.#inFlight--;
      cycle.running--;
      cycle.lastDoneMs = Math.max(cycle.lastDoneMs, Date.now());
      if (cycle.closed && cycle.running === 0 && !cycle.reported) this.#report(cycle);
      if (this.#inFlight === 0) this.#idle?.();
      this.#pump();
    }
  }

  #pump(): void {
    if (!this.#timer) return;
    while (this.#inFlight < this.options.maxInFlight && this.#queue.length > 0) {
      const { index, cycle } = this.#queue.shift()!;
      this.#flags[index]! &= ~QUEUED;
      this.#run(index, cycle);
    }
  }
}
