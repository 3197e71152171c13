import { describe, expect, it } from 'vitest';
import { RateLimiter } from './security.js';

describe('RateLimiter', () => {
  it('allows the burst at once, then the sustained rate, and says how long to wait', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ perMinute: 60, burst: 3 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([0, 0, 0, 1]);
    expect(limiter.take('b')).toBe(0);
    now += 999;
    expect(limiter.take('a')).toBe(1);
    now += 2;
    expect(limiter.take('a')).toBe(0);
    now += 10_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([0, 0, 0, 1]);
  });

  it('forgets clients whose bucket has refilled, so memory follows the active ones', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 600, burst: 10 }, () => now);
    for (let i = 0; i < 1000; i++) limiter.take(`address:10.0.${i >> 8}.${i & 255}`);
    expect(limiter.clients).toBe(1000);
    now += 61_000;
    limiter.take('address:10.9.9.9');
    expect(limiter.clients).toBe(1);
  });
});
