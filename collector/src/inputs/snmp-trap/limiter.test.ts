import { describe, expect, it } from 'vitest';
import { StormLimiter } from './limiter.js';

describe('StormLimiter', () => {
  const limits = { ratePerSecond: 10, burst: 3, maxPendingPerSource: 4 };

  it('passes a burst, then holds one item per object, the latest, and releases them as tokens return', () => {
    const limiter = new StormLimiter<string>(limits);
    const out: string[] = [];
    const emit = (s: string) => out.push(s);
    const offers = ['a:down', 'b:down', 'c:down', 'a:up', 'a:down', 'b:up', 'a:up'].map((item) =>
      limiter.offer('10.0.0.1', item.split(':')[0]!, item, 0, emit),
    );
    expect(offers).toEqual(['passed', 'passed', 'passed', 'held', 'superseded', 'held', 'superseded']);
    expect(out).toEqual(['a:down', 'b:down', 'c:down']);
    expect(limiter.held).toBe(2);
    limiter.drain(100, emit); // one token back after 100 ms at 10/s
    expect(out).toEqual(['a:down', 'b:down', 'c:down', 'b:up']);
    limiter.drain(200, emit);
    expect(out.at(-1)).toBe('a:up');
    expect(limiter.held).toBe(0);
  });

  it('while a source has items held, new ones queue behind them (no overtaking)', () => {
    const limiter = new StormLimiter<string>({ ratePerSecond: 10, burst: 1, maxPendingPerSource: 10 });
    const out: string[] = [];
    limiter.offer('s', 'x', 'x1', 0, (i) => out.push(i));
    limiter.offer('s', 'y', 'y1', 0, (i) => out.push(i));
    // A token is back, but y1 waits: z1 must not pass it.
    expect(limiter.offer('s', 'z', 'z1', 150, (i) => out.push(i))).toBe('held');
    limiter.drain(150, (i) => out.push(i));
    expect(out).toEqual(['x1', 'y1']);
  });

  it('limits each source on its own', () => {
    const limiter = new StormLimiter<string>(limits);
    const out: string[] = [];
    for (let i = 0; i < 5; i++) limiter.offer('noisy', `k${i}`, `n${i}`, 0, (s) => out.push(s));
    expect(limiter.offer('quiet', 'k', 'q', 0, (s) => out.push(s))).toBe('passed');
    expect(out).toEqual(['n0', 'n1', 'n2', 'q']);
  });

  it('drops new objects beyond the per-source bound, and releases everything on flushAll', () => {
    const limiter = new StormLimiter<string>({ ratePerSecond: 1, burst: 1, maxPendingPerSource: 2 });
    const out: string[] = [];
    const results = ['a', 'b', 'c', 'd'].map((k) => limiter.offer('s', k, k, 0, (i) => out.push(i)));
    expect(results).toEqual(['passed', 'held', 'held', 'overflow']);
    limiter.flushAll((i) => out.push(i));
    expect(out).toEqual(['a', 'b', 'c']);
    expect(limiter.held).toBe(0);
  });
});
