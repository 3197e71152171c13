// The write loop: takes batches off the queue and writes them one at a time, in order, retrying a
// batch until InfluxDB takes it. Knows nothing about InfluxDB itself: a BatchTransport says what
// happened to each write (written / rejected as bad data / try again).
import type { PointBuffer } from './queue.js';

export type WriteOutcome =
  | { kind: 'written' }
  /** 4xx: InfluxDB refused `rejected` points of the batch (and, in a partial write, stored the rest). */
  | { kind: 'rejected'; rejected: number; status: number; message: string; line?: string }
  /** Request entity too large: the batch is split in halves. */
  | { kind: 'too-large'; status: number; message: string }
  /** Network error, timeout, 5xx, or InfluxDB not set up (yet): the same batch is sent again. */
  | { kind: 'retry'; message: string; status?: number; needsSetup?: boolean };

export interface BatchTransport<T> {
  /** Must not reject: every failure is an outcome. */
  write(points: readonly T[]): Promise<WriteOutcome>;
}

/** What the loop reports; the sink turns it into metrics and logs. */
export interface BatcherListener<T> {
  /** Every request, whatever its outcome. */
  attempted(durationMs: number, outcome: WriteOutcome, points: number): void;
  /** `points` were accepted by InfluxDB (less `rejected` of them, if a partial write refused some). */
  settled(points: readonly T[], outcome: Extract<WriteOutcome, { kind: 'written' | 'rejected' }>): void;
  /** A batch failed and is retried after `delayMs`; `attempt` counts failures of this batch. */
  retrying(outcome: Extract<WriteOutcome, { kind: 'retry' }>, attempt: number, delayMs: number): void;
  /** The first success after failures. */
  recovered(failedAttempts: number, outageMs: number): void;
  /** InfluxDB answered that the database is missing: setup must run again before writes go on. */
  needsSetup(): void;
}

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with "equal jitter": the n-th retry (n from 0) waits a uniformly random
 * time between half and all of min(max, initial × 2^n). Jitter keeps many collectors that lost the
 * same InfluxDB from retrying in lockstep.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 40));
  return Math.round(base / 2 + random() * (base / 2));
}

/** Open/closed: writes wait while it is closed (InfluxDB not set up yet). */
export class Gate {
  #open = false;
  #waiters: (() => void)[] = [];

  get isOpen(): boolean {
    return this.#open;
  }

  open(): void {
    this.#open = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  close(): void {
    this.#open = false;
  }

  wait(): Promise<void> {
    return this.#open ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }
}

export class FlushTimeoutError extends Error {
  readonly code = 'CALLBOARD_INFLUX_FLUSH_TIMEOUT';
  constructor(
    readonly timeoutMs: number,
    readonly pending: number,
  ) {
    super(`InfluxDB output: flush not finished after ${timeoutMs} ms; ${pending} points still queued (they stay queued and are retried)`);
  }
}

export interface BatcherOptions<T> {
  queue: PointBuffer<T>;
  transport: BatchTransport<T>;
  listener: BatcherListener<T>;
  gate: Gate;
  batchSize: number;
  flushIntervalMs: number;
  retry: RetryPolicy;
  now?: () => number;
  random?: () => number;
}

interface FlushWaiter {
  target: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface StopResult {
  /** Points not written, including the batch in flight (a disk spool keeps them for the next start). */
  unwritten: number;
  /** Of those, the points of the batch whose write had not succeeded. */
  inFlight: number;
}

/**
 * Sends a batch when `batchSize` points are queued, when the oldest queued point has waited
 * `flushIntervalMs`, or at once while someone awaits flush(). One write in flight at a time.
 */
export class Batcher<T> {
  readonly #o: Required<BatcherOptions<T>>;
  #running?: Promise<void>;
  #stopped = false;
  #inFlight?: { startSeq: number; points: readonly T[] };
  #waiters: FlushWaiter[] = [];
  #wake?: () => void;
  /** Called by stop(): wakes whatever the loop is waiting on. */
  readonly #onStop = new Set<() => void>();

  constructor(options: BatcherOptions<T>) {
    this.#o = { now: Date.now, random: Math.random, ...options };
  }

  /** Points not yet written (the batch in flight stays queued until it is). */
  get pending(): number {
    return this.#o.queue.size;
  }

  /** Every point with a lower sequence number has been written, rejected or dropped. */
  get settledSeq(): number {
    return this.#inFlight ? this.#inFlight.startSeq : this.#o.queue.headSeq;
  }

  start(): void {
    if (this.#stopped) throw new Error('Batcher was stopped');
    this.#running ??= this.#loop();
  }

  /** Called after points were queued: the loop re-checks whether a batch is due. */
  notify(): void {
    if (this.#waiters.length > 0) this.#settleWaiters(); // a full queue may have dropped what they wait for
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Resolves once every point queued before the call is written (or rejected, or dropped). */
  flush(timeoutMs: number): Promise<void> {
    const target = this.#o.queue.tailSeq;
    if (this.settledSeq >= target) return Promise.resolve();
    if (this.#stopped) return Promise.reject(new Error('InfluxDB output is stopped'));
    return new Promise<void>((resolve, reject) => {
      const waiter: FlushWaiter = {
        target,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          reject(new FlushTimeoutError(timeoutMs, this.pending));
        }, timeoutMs),
      };
      // Not unref'd: a script that awaits flush() must not exit while the flush is pending.
      this.#waiters.push(waiter);
      this.notify();
    });
  }

  /** Ends the loop (a write in flight is not waited for) and says what was not written. */
  stop(): StopResult {
    this.#stopped = true;
    for (const wake of [...this.#onStop]) wake();
    this.notify();
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('InfluxDB output stopped before the flush finished'));
    }
    this.#waiters = [];
    return { unwritten: this.#o.queue.size, inFlight: this.#inFlight?.points.length ?? 0 };
  }

  async #loop(): Promise<void> {
    const { queue, batchSize } = this.#o;
    while (!this.#stopped) {
      const dueIn = this.#dueIn();
      if (dueIn > 0) {
        await this.#sleep(dueIn, true);
        continue;
      }
      await this.#untilStopped(this.#o.gate.wait());
      if (this.#stopped) break;
      const points = queue.peek(batchSize);
      if (points.length === 0) continue;
      this.#inFlight = { startSeq: queue.headSeq, points };
      await this.#send(points);
      if (this.#stopped) break;
      queue.ack(points.length);
      this.#inFlight = undefined;
      this.#settleWaiters();
    }
  }

  /** 0 = send now, Infinity = nothing queued (sleep until notified). */
  #dueIn(): number {
    const { queue } = this.#o;
    if (queue.size === 0) return Infinity;
    if (queue.size >= this.#o.batchSize || this.#waiters.length > 0) return 0;
    return Math.max(0, queue.oldestPushedAt()! + this.#o.flushIntervalMs - this.#o.now());
  }

  async #send(points: readonly T[]): Promise<void> {
    const { transport, listener, retry } = this.#o;
    let failures = 0;
    let firstFailureAt = 0;
    for (;;) {
      await this.#untilStopped(this.#o.gate.wait());
      if (this.#stopped) return;
      const started = this.#o.now();
      let outcome: WriteOutcome;
      try {
        outcome = await transport.write(points);
      } catch (error) {
        outcome = { kind: 'retry', message: `transport failed: ${(error as Error)?.message ?? error}` };
      }
      listener.attempted(this.#o.now() - started, outcome, points.length);

      if (outcome.kind === 'too-large' && points.length > 1) {
        const half = Math.ceil(points.length / 2);
        await this.#send(points.slice(0, half));
        if (this.#stopped) return;
        await this.#send(points.slice(half));
        return;
      }
      if (outcome.kind === 'too-large') {
        outcome = { kind: 'rejected', rejected: 1, status: outcome.status, message: outcome.message };
      }
      if (outcome.kind === 'written' || outcome.kind === 'rejected') {
        if (failures > 0) listener.recovered(failures, this.#o.now() - firstFailureAt);
        listener.settled(points, outcome);
        return;
      }
      if (outcome.needsSetup) listener.needsSetup();
      if (failures === 0) firstFailureAt = started;
      const delay = backoffDelay(failures, retry, this.#o.random);
      failures++;
      listener.retrying(outcome, failures, delay);
      await this.#sleep(delay, false);
      if (this.#stopped) return;
    }
  }

  #settleWaiters(): void {
    const settled = this.settledSeq;
    if (!this.#waiters.some((w) => w.target <= settled)) return;
    const still: FlushWaiter[] = [];
    for (const w of this.#waiters) {
      if (w.target <= settled) {
        clearTimeout(w.timer);
        w.resolve();
      } else still.push(w);
    }
    this.#waiters = still;
  }

  /** Resolves when `promise` settles or stop() is called, whichever comes first. */
  #untilStopped(promise: Promise<unknown>): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.#onStop.delete(done);
        resolve();
      };
      this.#onStop.add(done);
      promise.then(done, done);
    });
  }

  /** Sleeps up to ms (Infinity: until woken); stop() always wakes it, notify() only if wakeable. */
  #sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        if (this.#wake === done) this.#wake = undefined;
        this.#onStop.delete(done);
        resolve();
      };
      if (Number.isFinite(ms)) {
        timer = setTimeout(done, ms);
        timer.unref();
      }
      if (wakeable) this.#wake = done;
      this.#onStop.add(done);
    });
  }
}
