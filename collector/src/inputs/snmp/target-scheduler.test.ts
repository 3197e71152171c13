import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TargetScheduler, type CycleStats, type PollOutcome } from './target-scheduler.js';

const targets = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `t${i}` }));

describe('TargetScheduler', () => {
  it('spreads polls evenly over the interval instead of starting them together', async () => {
    const starts: number[] = [];
    const t0 = Date.now();
    const s = new TargetScheduler(targets(10), async () => (starts.push(Date.now() - t0), { result: 'ok' }), {
      intervalMs: 500,
      maxInFlight: 100,
      unreachableAfter: 2,
      maxBackoffMs: 10_000,
      tickMs: 5,
    });
    s.start(t0);
    // Until the tenth poll (slot 9 is at 450 ms), bounded: a loaded machine delays timers.
    for (let waited = 0; starts.length < 10 && waited < 3000; waited += 5) await sleep(5);
    await s.stop();
    expect(starts.length).toBeGreaterThanOrEqual(10);
    // slot i is at i × 50 ms
    starts.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(i * 50 - 1));
    expect(starts[9]! - starts[0]!).toBeGreaterThanOrEqual(440);
  });

  it('never runs more than maxInFlight polls at once; a target still queued or running at its next slot is skipped, not stacked', async () => {
    let running = 0;
    let peak = 0;
    const cycles: CycleStats[] = [];
    const s = new TargetScheduler(
      targets(20),
      async () => {
        peak = Math.max(peak, ++running);
        await sleep(40);
        running--;
        return { result: 'ok' } as PollOutcome;
      },
      { intervalMs: 100, maxInFlight: 3, unreachableAfter: 2, maxBackoffMs: 10_000, tickMs: 5 },
      { onCycle: (c) => cycles.push(c) },
    );
    s.start();
    await sleep(350);
    await s.stop();
    expect(peak).toBe(3);
    // 20 polls of 40 ms, 3 at a time, need ~280 ms: far more than the 100 ms interval.
    expect(cycles.length).toBeGreaterThanOrEqual(2);
    const skippedInCycles = cycles.reduce((a, c) => a + c.skipped, 0);
    expect(skippedInCycles).toBeGreaterThan(0);
    expect(cycles[0]!.polled + cycles[1]!.skipped).toBeLessThanOrEqual(40);
    for (const state of s.states.values()) expect(state.inFlight || state.queued).toBe(false);
  });

  it('flags a target unreachable after repeated timeouts and backs it off, and recovers it', async () => {
    let dead = true;
    const polls: number[] = [];
    const s = new TargetScheduler(
      targets(1),
      async () => {
        polls.push(Date.now());
        return dead ? { result: 'timeout', message: 'Request timed out' } : { result: 'ok' };
      },
      { intervalMs: 50, maxInFlight: 10, unreachableAfter: 2, maxBackoffMs: 200, tickMs: 2 },
    );
    s.start();
    await sleep(500);
    const state = s.states.get('t0')!;
    expect(state.unreachable).toBe(true);
    expect(state.lastError).toBe('Request timed out');
    // 10 slots in 500 ms, but after 2 timeouts the waits double (50, 100, 200, 200 ms)
    expect(polls.length).toBeLessThanOrEqual(6);
    dead = false;
    await sleep(300);
    await s.stop();
    expect(state.unreachable).toBe(false);
    expect(state.consecutiveTimeouts).toBe(0);
  });
});
