// Polls thousands of targets on one interval from inside the input (the collector's Scheduler
// runs one gather per input per interval, which cannot spread 60,000 devices). Each target has
// a fixed slot in the interval, so polls are spread evenly with no thundering herd; at most
// maxInFlight polls run at once, the rest wait in a queue; a target whose previous poll is
// still running (or queued) when its slot comes again is skipped and counted, never stacked;
// a target that keeps timing out is flagged unreachable and backed off exponentially so that
// dead devices never eat the time of live ones.

export type PollOutcome = { result: 'ok' } | { result: 'timeout' | 'error'; message: string };

export interface TargetState {
  readonly id: string;
  inFlight: boolean;
  queued: boolean;
  consecutiveTimeouts: number;
  unreachable: boolean;
  unreachableSinceMs?: number;
  backoffUntilMs: number;
  lastPollMs?: number;
  lastOkMs?: number;
  lastError?: string;
  skipped: number;
}

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

const emptyStats = (cycleStartMs: number, targets: number): CycleStats => ({ cycleStartMs, targets, polled: 0, ok: 0, timeouts: 0, errors: 0, skipped: 0, backedOff: 0, unreachable: 0, cycleMs: 0, answeredMs: 0, overrun: 0 });

export class TargetScheduler<T extends { readonly id: string }> {
  readonly states: ReadonlyMap<string, TargetState>;
  readonly #targets: readonly T[];
  readonly #offsets: number[];
  readonly #queue: { target: T; cycle: Cycle }[] = [];
  #inFlight = 0;
  #pointer = 0;
  #cycle?: Cycle;
  /** The previous cycle while its last polls finish. */
  #closing?: Cycle;
  #timer?: NodeJS.Timeout;
  #settled = new Set<Promise<void>>();

  constructor(
    targets: readonly T[],
    private readonly poll: (target: T) => Promise<PollOutcome>,
    private readonly options: TargetSchedulerOptions,
    private readonly hooks: { onCycle?(stats: CycleStats): void; onBackedOff?(target: T): void; onPolled?(target: T, outcome: PollOutcome, ms: number): void } = {},
  ) {
    this.#targets = targets;
    // Evenly spaced slots in target order; the inventory order spreads each region's devices.
    this.#offsets = targets.map((_, i) => Math.floor((i * options.intervalMs) / Math.max(1, targets.length)));
    this.states = new Map(targets.map((t) => [t.id, { id: t.id, inFlight: false, queued: false, consecutiveTimeouts: 0, unreachable: false, backoffUntilMs: 0, skipped: 0 }]));
  }

  get inFlight(): number {
    return this.#inFlight;
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
    for (const { target } of this.#queue.splice(0)) this.states.get(target.id)!.queued = false;
    await Promise.allSettled([...this.#settled]);
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
      const target = this.#targets[this.#pointer++]!;
      const state = this.states.get(target.id)!;
      if (state.inFlight || state.queued) {
        state.skipped++;
        cycle.stats.skipped++;
      } else if (now < state.backoffUntilMs) {
        cycle.stats.backedOff++;
        this.hooks.onBackedOff?.(target);
      } else if (this.#inFlight < this.options.maxInFlight) {
        this.#run(target, cycle);
      } else {
        state.queued = true;
        this.#queue.push({ target, cycle });
      }
    }
  }

  #newCycle(startMs: number): Cycle {
    return { stats: emptyStats(startMs, this.#targets.length), running: 0, lastDoneMs: startMs, lastOkMs: startMs, closed: false, reported: false };
  }

  #report(cycle: Cycle): void {
    const s = cycle.stats;
    cycle.reported = true;
    s.overrun = cycle.running;
    s.cycleMs = Math.max(0, cycle.lastDoneMs - s.cycleStartMs);
    s.answeredMs = Math.max(0, cycle.lastOkMs - s.cycleStartMs);
    for (const state of this.states.values()) if (state.unreachable) s.unreachable++;
    this.hooks.onCycle?.(s);
  }

  #run(target: T, cycle: Cycle): void {
    const state = this.states.get(target.id)!;
    state.inFlight = true;
    this.#inFlight++;
    cycle.running++;
    cycle.stats.polled++;
    const started = performance.now();
    const done = this.poll(target)
      .catch((error: unknown): PollOutcome => ({ result: 'error', message: error instanceof Error ? error.message : String(error) }))
      .then((outcome) => {
        const ms = performance.now() - started;
        const now = Date.now();
        state.lastPollMs = ms;
        if (outcome.result === 'ok') {
          cycle.stats.ok++;
          cycle.lastOkMs = Math.max(cycle.lastOkMs, now);
          state.lastOkMs = now;
          state.consecutiveTimeouts = 0;
          state.unreachable = false;
          state.unreachableSinceMs = undefined;
          state.lastError = undefined;
        } else {
          state.lastError = outcome.message;
          if (outcome.result === 'timeout') {
            cycle.stats.timeouts++;
            state.consecutiveTimeouts++;
            const beyond = state.consecutiveTimeouts - this.options.unreachableAfter;
            if (beyond >= 0) {
              if (!state.unreachable) state.unreachableSinceMs = now;
              state.unreachable = true;
              state.backoffUntilMs = now + Math.min(this.options.intervalMs * 2 ** beyond, this.options.maxBackoffMs);
            }
          } else cycle.stats.errors++;
        }
        this.hooks.onPolled?.(target, outcome, ms);
      })
      .finally(() => {
        state.inFlight = false;
        this.#inFlight--;
        cycle.running--;
        cycle.lastDoneMs = Math.max(cycle.lastDoneMs, Date.now());
        if (cycle.closed && cycle.running === 0 && !cycle.reported) this.#report(cycle);
        this.#settled.delete(done);
        this.#pump();
      });
    this.#settled.add(done);
  }

  #pump(): void {
    if (!this.#timer) return;
    while (this.#inFlight < this.options.maxInFlight && this.#queue.length > 0) {
      const { target, cycle } = this.#queue.shift()!;
      this.states.get(target.id)!.queued = false;
      this.#run(target, cycle);
    }
  }
}
