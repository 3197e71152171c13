// Points waiting to be written, oldest first, bounded: when full, the oldest are dropped.
//
// PointBuffer is the seam for the durable disk spool (a later issue): a spool implements the
// same interface, persisting pushed points and removing them only when take()n batches have been
// written, and InfluxSink picks it instead of MemoryQueue. Nothing else needs to change.
import type { Metric } from '../../pipeline/metric.js';

export interface PointBuffer {
  /** Points queued now. */
  readonly size: number;
  /** Sequence number the next pushed point gets (= points ever pushed). */
  readonly tailSeq: number;
  /** Sequence number of the oldest queued point (= points ever removed by take(), drop or drain()). */
  readonly headSeq: number;
  /** When the oldest queued point was pushed (ms), undefined when empty. */
  oldestPushedAt(): number | undefined;
  /** Appends in order; returns how many of the oldest points were dropped to stay within the bound. */
  push(points: readonly Metric[], now: number): number;
  /** Removes and returns up to `max` of the oldest points. */
  take(max: number): Metric[];
  /** Removes and returns everything. */
  drain(): Metric[];
}

interface Chunk {
  items: readonly Metric[];
  /** index of the first item still queued */
  offset: number;
  at: number;
}

/**
 * In-memory PointBuffer. Points are kept as chunks (one per push, normally one per poll) so that
 * pushing costs no per-point work and the age of the oldest point is known exactly.
 */
export class MemoryQueue implements PointBuffer {
  readonly #max: number;
  #chunks: Chunk[] = [];
  #first = 0; // index of the first live chunk in #chunks
  #size = 0;
  #tailSeq = 0;

  constructor(maxPoints: number) {
    if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new RangeError(`maxPoints must be a positive integer, got ${maxPoints}`);
    this.#max = maxPoints;
  }

  get size(): number {
    return this.#size;
  }

  get tailSeq(): number {
    return this.#tailSeq;
  }

  get headSeq(): number {
    return this.#tailSeq - this.#size;
  }

  oldestPushedAt(): number | undefined {
    return this.#size === 0 ? undefined : this.#chunks[this.#first]!.at;
  }

  push(points: readonly Metric[], now: number): number {
    if (points.length === 0) return 0;
    this.#chunks.push({ items: points, offset: 0, at: now });
    this.#size += points.length;
    this.#tailSeq += points.length;
    const excess = this.#size - this.#max;
    if (excess > 0) this.#removeOldest(excess);
    return Math.max(0, excess);
  }

  take(max: number): Metric[] {
    const out: Metric[] = [];
    while (out.length < max && this.#size > 0) {
      const chunk = this.#chunks[this.#first]!;
      const n = Math.min(max - out.length, chunk.items.length - chunk.offset);
      for (let i = 0; i < n; i++) out.push(chunk.items[chunk.offset + i]!);
      this.#consume(chunk, n);
    }
    return out;
  }

  drain(): Metric[] {
    return this.take(this.#size);
  }

  #removeOldest(count: number): void {
    let left = count;
    while (left > 0) {
      const chunk = this.#chunks[this.#first]!;
      const n = Math.min(left, chunk.items.length - chunk.offset);
      this.#consume(chunk, n);
      left -= n;
    }
  }

  #consume(chunk: Chunk, n: number): void {
    chunk.offset += n;
    this.#size -= n;
    if (chunk.offset < chunk.items.length) return;
    this.#first++;
    // Compact now and then so the chunk list does not grow without bound.
    if (this.#first === this.#chunks.length) {
      this.#chunks = [];
      this.#first = 0;
    } else if (this.#first >= 1024 && this.#first * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#first);
      this.#first = 0;
    }
  }
}
