// Points waiting to be written, oldest first. The write loop peeks a batch at the head, sends it,
// and acks it once InfluxDB took it: until then the batch stays queued (in the disk spool, on
// disk), so a crash mid-write loses nothing. spool.ts is the durable PointBuffer the collector
// uses; MemoryQueue serves one-shot writers (`cdr import --influx`) that can re-read their input.

export interface PointBuffer<T> {
  /** Points queued now (including a peeked batch not yet acked). */
  readonly size: number;
  /** Sequence number the next pushed point gets (= points ever pushed). */
  readonly tailSeq: number;
  /** Every point with a lower sequence number was acked (written) or dropped. */
  readonly headSeq: number;
  /** Every point with a lower sequence number survives a crash of the process (acked, dropped, or durably stored). */
  readonly durableSeq: number;
  /** When the oldest queued point was pushed (ms), undefined when empty. */
  oldestPushedAt(): number | undefined;
  /** Appends in order; returns how many points were dropped to stay within the bound. */
  push(points: readonly T[], now: number): number;
  /** Up to `max` of the oldest points, left queued. */
  peek(max: number): T[];
  /** Removes the `count` oldest points (a peeked batch that was written). */
  ack(count: number): void;
}

/**
 * In-memory PointBuffer bounded by `maxPoints`: beyond it the oldest points are dropped, except a
 * peeked batch (being written). Not durable: durableSeq only counts what was acked or dropped.
 */
export class MemoryQueue<T> implements PointBuffer<T> {
  readonly #max: number;
  #items: T[] = [];
  #at: number[] = [];
  #head = 0; // index of the oldest queued item in #items
  #peeked = 0;
  #tailSeq = 0;

  constructor(maxPoints: number) {
    if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new RangeError(`maxPoints must be a positive integer, got ${maxPoints}`);
    this.#max = maxPoints;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  get tailSeq(): number {
    return this.#tailSeq;
  }

  get headSeq(): number {
    return this.#tailSeq - this.size;
  }

  get durableSeq(): number {
    return this.headSeq;
  }

  oldestPushedAt(): number | undefined {
    return this.size === 0 ? undefined : this.#at[this.#head];
  }

  push(points: readonly T[], now: number): number {
    for (const p of points) {
      this.#items.push(p);
      this.#at.push(now);
    }
    this.#tailSeq += points.length;
    const excess = this.size - this.#max;
    if (excess <= 0) return 0;
    // The peeked batch is being written: drop the oldest points after it.
    const from = this.#head + this.#peeked;
    const n = Math.min(excess, this.#items.length - from);
    this.#items.splice(from, n);
    this.#at.splice(from, n);
    return n;
  }

  peek(max: number): T[] {
    const out = this.#items.slice(this.#head, this.#head + max);
    this.#peeked = out.length;
    return out;
  }

  ack(count: number): void {
    this.#head += Math.min(count, this.size);
    this.#peeked = 0;
    // Compact now and then so the arrays do not grow without bound.
    if (this.#head >= 4096 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#at = this.#at.slice(this.#head);
      this.#head = 0;
    }
  }
}
