// Per-second rates from SNMP counters, never a spike or a negative value: a counter that went
// down is a wrap only if the wrapped delta is plausible (less than half the counter's range, and
// below the interface's line rate when known); a device reboot (sysUpTime went backwards) or a changed ifCounterDiscontinuityTime
// means the counters restarted, so that interval has no rate at all.
//
// Memory: 60,000 IADs keep their counters' previous samples for the whole run, so the state is
// compact. A device's counter names live in a Layout shared by every device that reports the
// same counters in the same order (all IADs share one), and its samples in one array of plain
// doubles (V8 stores them unboxed): per counter the value's high and low 32 bits and the time.
// No per-counter objects, bigints or key strings per device, and an update allocates nothing
// that outlives the poll.
import type { CounterValue } from './poll-result.js';

const TWO_32 = 2 ** 32;
const HALF = { 32: 2 ** 31, 64: 2 ** 63 } as const;
/** Slots per counter in the sample array: high 32 bits, low 32 bits, time (NaN: no sample). */
const SLOT = 3;
/** Devices with more counters than this (core routers) keep a layout of their own, unshared. */
const SHARED_LAYOUT_MAX = 64;

/** Counter names in the order a device first reported them; index by name. */
class Layout {
  readonly index: Map<string, number>;
  readonly #next = new Map<string, Layout>();

  constructor(
    readonly keys: readonly string[],
    readonly shared: boolean,
  ) {
    this.index = new Map(keys.map((k, i) => [k, i]));
  }

  /** This layout plus one key: the shared one when there is one, else a private copy that grows in place. */
  with(key: string): Layout {
    if (!this.shared) {
      (this.keys as string[]).push(key);
      this.index.set(key, this.keys.length - 1);
      return this;
    }
    let next = this.#next.get(key);
    if (!next) {
      next = new Layout([...this.keys, key], this.keys.length + 1 < SHARED_LAYOUT_MAX);
      if (next.shared) this.#next.set(key, next);
    }
    return next;
  }
}

const EMPTY_LAYOUT = new Layout([], true);

export class CounterRates {
  #layout = EMPTY_LAYOUT;
  /** SLOT doubles per counter of the layout. */
  readonly #samples: number[] = [];

  /**
   * Rate per second since the last sample of `key`, or undefined (first sample, restart, width
   * change, implausible jump). `maxPerSecond` bounds a believable rate (e.g. line rate in bytes/s).
   */
  rate(key: string, sample: CounterValue, timeMs: number, maxPerSecond?: number): number | undefined {
    // The width is part of the name: a counter that changed width has no previous sample.
    const name = sample.bits === 64 ? key : `${key}/32`;
    let i = this.#layout.index.get(name);
    const high = Number(sample.value >> 32n);
    const low = Number(sample.value & 0xffffffffn);
    if (i === undefined) {
      this.#layout = this.#layout.with(name);
      i = this.#layout.index.get(name)!;
      // Slots are filled in order, so the array stays packed doubles.
      while (this.#samples.length < (i + 1) * SLOT) this.#samples.push(NaN);
    }
    const at = i * SLOT;
    const s = this.#samples;
    const beforeMs = s[at + 2]!;
    let highDelta = high - s[at]!;
    let lowDelta = low - s[at + 1]!;
    s[at] = high;
    s[at + 1] = low;
    s[at + 2] = timeMs;
    if (Number.isNaN(beforeMs)) return undefined;
    const seconds = (timeMs - beforeMs) / 1000;
    if (!(seconds > 0)) return undefined;
    const wentDown = highDelta < 0 || (highDelta === 0 && lowDelta < 0);
    // Went down: a wrap past 2^32 / 2^64, or a reset. Unwrapped in 32-bit halves so that the
    // result stays exact; a wrap covers less than half the counter's range in one interval
    // (else the counter was reset or replaced).
    if (wentDown && sample.bits === 64) highDelta += TWO_32;
    else if (wentDown) lowDelta += TWO_32;
    const delta = highDelta * TWO_32 + lowDelta;
    if (wentDown && delta >= HALF[sample.bits]) return undefined;
    const rate = delta / seconds;
    // A rate the line could not carry is a reset (or a counter set by hand), not traffic.
    if (maxPerSecond !== undefined && maxPerSecond > 0 && rate > maxPerSecond * 1.05) return undefined;
    return rate;
  }

  /** Forget every counter under a prefix: the device or interface restarted its counters. */
  reset(prefix: string): void {
    const keys = this.#layout.keys;
    for (let i = 0; i < keys.length; i++)
      if (keys[i]!.startsWith(prefix) && i * SLOT < this.#samples.length) this.#samples[i * SLOT + 2] = NaN;
  }

  /** Counters with a previous sample. */
  get size(): number {
    let n = 0;
    for (let i = 2; i < this.#samples.length; i += SLOT) if (!Number.isNaN(this.#samples[i])) n++;
    return n;
  }
}

/**
 * sysUpTime went backwards: the device rebooted (or its 497-day TimeTicks wrapped, which is
 * treated the same way, costing one interval's rate).
 */
export function rebooted(previousTicks: number | undefined, ticks: number | undefined): boolean {
  return previousTicks !== undefined && ticks !== undefined && ticks < previousTicks;
}
