import { describe, expect, it } from 'vitest';
import { CounterRates, rebooted } from './rates.js';

const c32 = (v: number | bigint) => ({ value: BigInt(v), bits: 32 as const });
const c64 = (v: bigint) => ({ value: v, bits: 64 as const });

describe('CounterRates', () => {
  it('gives no rate for the first sample, then the increase per second', () => {
    const r = new CounterRates();
    expect(r.rate('a', c32(1000), 0)).toBeUndefined();
    expect(r.rate('a', c32(3000), 2000)).toBe(1000);
  });

  it('unwraps a 32-bit counter that passed 2^32', () => {
    const r = new CounterRates();
    r.rate('a', c32(2 ** 32 - 500), 0);
    expect(r.rate('a', c32(1500), 1000)).toBe(2000);
  });

  it('treats a 32-bit "wrap" faster than the line rate as a reset: no rate', () => {
    const r = new CounterRates();
    r.rate('a', c32(3_000_000_000), 0);
    // Going down by 2.9e9 would mean ~1.4e9 bytes/s on a 10 Mbit/s line.
    expect(r.rate('a', c32(100_000_000), 1000, 10e6 / 8)).toBeUndefined();
    // and the next interval counts from the new value again
    expect(r.rate('a', c32(100_100_000), 2000, 10e6 / 8)).toBe(100_000);
  });

  it('treats a 64-bit counter going down as a reset, never as a 2^64 wrap spike', () => {
    const r = new CounterRates();
    r.rate('a', c64(10n ** 15n), 0);
    expect(r.rate('a', c64(5000n), 1000)).toBeUndefined();
    expect(r.rate('a', c64(7000n), 2000)).toBe(2000);
  });

  it('unwraps a 64-bit counter that passed 2^64', () => {
    const r = new CounterRates();
    r.rate('a', c64((1n << 64n) - 100n), 0);
    expect(r.rate('a', c64(100n), 1000)).toBe(200);
  });

  it('treats a 32-bit counter going down by more than half its range as a reset', () => {
    const r = new CounterRates();
    r.rate('a', c32(1_000_000_000), 0);
    // as a wrap this would be 3.29e9 in one second: more than half of 2^32
    expect(r.rate('a', c32(10), 1000)).toBeUndefined();
  });

  it('forgets counters under a prefix on reset, and a width change gives no rate', () => {
    const r = new CounterRates();
    r.rate('1:in', c32(10), 0);
    r.rate('2:in', c32(10), 0);
    r.reset('1:');
    expect(r.rate('1:in', c32(20), 1000)).toBeUndefined();
    expect(r.rate('2:in', c32(20), 1000)).toBe(10);
    expect(r.rate('2:in', c64(30n), 2000)).toBeUndefined();
  });

  it('never returns a negative or infinite rate for equal or earlier timestamps', () => {
    const r = new CounterRates();
    r.rate('a', c32(10), 1000);
    expect(r.rate('a', c32(20), 1000)).toBeUndefined();
    expect(r.rate('a', c32(30), 500)).toBeUndefined();
  });
});

describe('rebooted', () => {
  it('is true only when sysUpTime went backwards', () => {
    expect(rebooted(undefined, 5)).toBe(false);
    expect(rebooted(100, 200)).toBe(false);
    expect(rebooted(200, 100)).toBe(true);
  });
});
