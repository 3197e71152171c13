// Trap storms: a flapping link or a rebooting chassis can send thousands of notifications a
// second. Each source gets a token bucket; what exceeds it waits, one entry per object (the latest
// replaces an older one for the same object), and is released as tokens come back. So a storm
// costs at most `ratePerSecond` events per source downstream, and the last word about every object
// is never lost, only the intermediate flaps.

export interface StormLimits {
  /** Sustained events per second per source. */
  readonly ratePerSecond: number;
  /** Events a source may send at once before it is limited. */
  readonly burst: number;
  /** Objects held per source while it is limited; beyond this, new objects are dropped. */
  readonly maxPendingPerSource: number;
}

export type Offer = 'passed' | 'held' | 'superseded' | 'overflow';

interface Bucket<T> {
  tokens: number;
  refilledAt: number;
  /** Held items in arrival order, one per object key. */
  pending: Map<string, T>;
}

export class StormLimiter<T> {
  readonly #buckets = new Map<string, Bucket<T>>();
  #held = 0;

  constructor(private readonly limits: StormLimits) {}

  /** Items waiting for tokens, all sources. */
  get held(): number {
    return this.#held;
  }

  /**
   * `passed`: process it now (`emit` was called). `held`: it waits. `superseded`: it waits and
   * replaced an older item of the same object (that one is dropped). `overflow`: dropped.
   */
  offer(source: string, key: string, item: T, now: number, emit: (item: T) => void): Offer {
    let bucket = this.#buckets.get(source);
    if (!bucket) this.#buckets.set(source, (bucket = { tokens: this.limits.burst, refilledAt: now, pending: new Map() }));
    this.#refill(bucket, now);
    // Anything already waiting goes first, or an older state could overtake a newer one.
    if (bucket.pending.size === 0 && bucket.tokens >= 1) {
      bucket.tokens -= 1;
      emit(item);
      return 'passed';
    }
    if (bucket.pending.has(key)) {
      bucket.pending.delete(key);
      bucket.pending.set(key, item);
      return 'superseded';
    }
    if (bucket.pending.size >= this.limits.maxPendingPerSource) return 'overflow';
    bucket.pending.set(key, item);
    this.#held++;
    return 'held';
  }

  /** Releases held items as the sources' tokens allow; forgets idle sources. */
  drain(now: number, emit: (item: T) => void): void {
    for (const [source, bucket] of this.#buckets) {
      this.#refill(bucket, now);
      for (const [key, item] of bucket.pending) {
        if (bucket.tokens < 1) break;
        bucket.tokens -= 1;
        bucket.pending.delete(key);
        this.#held--;
        emit(item);
      }
      if (bucket.pending.size === 0 && bucket.tokens >= this.limits.burst) this.#buckets.delete(source);
    }
  }

  /** Releases everything held, limits or not (shutdown: nothing is lost). */
  flushAll(emit: (item: T) => void): void {
    for (const bucket of this.#buckets.values()) for (const item of bucket.pending.values()) emit(item);
    this.#buckets.clear();
    this.#held = 0;
  }

  #refill(bucket: Bucket<T>, now: number): void {
    const elapsed = Math.max(0, now - bucket.refilledAt) / 1000;
    bucket.tokens = Math.min(this.limits.burst, bucket.tokens + elapsed * this.limits.ratePerSecond);
    bucket.refilledAt = now;
  }
}
