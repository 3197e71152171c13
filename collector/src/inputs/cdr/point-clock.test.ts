import { describe, expect, it } from 'vitest';
import { PointClock } from './point-clock.js';
import type { CallRecord } from './record.js';

const call = (endMs: number, id = ''): CallRecord => ({ id, startMs: endMs - 1000, endMs, billableMs: 0, src: '1', dst: '2', disposition: 'busy' });
const stamp = (clock: PointClock, c: CallRecord) => (clock.stamp(c), c.pointTime);

describe('PointClock', () => {
  it('gives calls that ended in the same second distinct times, interleaved by file', () => {
    const a = new PointClock(0);
    const b = new PointClock(3);
    const t = 1_795_000_000_000;
    expect([stamp(a, call(t + 10)), stamp(a, call(t + 999)), stamp(b, call(t + 500)), stamp(a, call(t + 2000))]).toEqual([t, t + 8, t + 3, t + 2000]);
  });

  it('continues from its checkpointed state with the same times', () => {
    const t = 1_795_000_000_000;
    const first = new PointClock(1);
    stamp(first, call(t));
    const saved = JSON.parse(JSON.stringify(first.state()));
    const replayA = new PointClock(0, saved);
    const replayB = new PointClock(0, saved);
    expect(stamp(replayA, call(t + 5))).toBe(t + 9);
    expect(stamp(replayB, call(t + 5))).toBe(t + 9);
  });

  it('stamps a call far behind the newest from the call itself', () => {
    const t = 1_795_000_000_000;
    const clock = new PointClock(0);
    stamp(clock, call(t + 3_600_000));
    const late = stamp(clock, call(t, 'late@host'))!;
    expect(late).toBeGreaterThanOrEqual(t);
    expect(late).toBeLessThan(t + 1000);
    expect(stamp(clock, call(t, 'late@host'))).toBe(late);
  });
});
