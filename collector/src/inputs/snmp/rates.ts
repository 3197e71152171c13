// Per-second rates from SNMP counters, never a spike or a negative value: a counter that went
// down is a wrap only if the wrapped delta is plausible (less than half the counter's range, and
// below the interface's line rate when known); a device reboot (sysUpTime went backwards) or a changed ifCounterDiscontinuityTime
// means the counters restarted, so that interval has no rate at all.
import type { CounterValue } from './poll-result.js';

const WRAP = { 32: 1n << 32n, 64: 1n << 64n } as const;

interface Previous {
  value: bigint;
  bits: 32 | 64;
  timeMs: number;
}

export class CounterRates {
  readonly #previous = new Map<string, Previous>();

  /**
   * Rate per second since the last sample of `key`, or undefined (first sample, restart, width
   * change, implausible jump). `maxPerSecond` bounds a believable rate (e.g. line rate in bytes/s).
   */
  rate(key: string, sample: CounterValue, timeMs: number, maxPerSecond?: number): number | undefined {
    const previous = this.#previous.get(key);
    if (!previous) {
      this.#previous.set(key, { value: sample.value, bits: sample.bits, timeMs });
      return undefined;
    }
    // Updated in place: 60,000 devices' counters live long, and replacing their entries on
    // every poll would leave that much old-generation garbage (RSS) behind.
    const { value: before, bits: beforeBits, timeMs: beforeMs } = previous;
    previous.value = sample.value;
    previous.bits = sample.bits;
    previous.timeMs = timeMs;
    if (beforeBits !== sample.bits) return undefined;
    const seconds = (timeMs - beforeMs) / 1000;
    if (seconds <= 0) return undefined;
    let delta = sample.value - before;
    if (delta < 0n) {
      // Went down: a wrap past 2^32 / 2^64, or a reset. A wrap covers less than half the
      // counter's range in one interval (else the counter was reset or replaced).
      delta += WRAP[sample.bits];
      if (delta >= WRAP[sample.bits] / 2n) return undefined;
    }
    const rate = Number(delta) / seconds;
    // A rate the line could not carry is a reset (or a counter set by hand), not traffic.
    if (maxPerSecond !== undefined && maxPerSecond > 0 && rate > maxPerSecond * 1.05) return undefined;
    return rate;
  }

  /** Forget every counter under a prefix: the device or interface restarted its counters. */
  reset(prefix: string): void {
    for (const key of this.#previous.keys()) if (key.startsWith(prefix)) this.#previous.delete(key);
  }

  get size(): number {
    return this.#previous.size;
  }
}

/**
 * sysUpTime went backwards: the device rebooted (or its 497-day TimeTicks wrapped, which is
 * treated the same way, costing one interval's rate).
 */
export function rebooted(previousTicks: number | undefined, ticks: number | undefined): boolean {
  return previousTicks !== undefined && ticks !== undefined && ticks < previousTicks;
}
