import { describe, expect, it } from 'vitest';
import { step, type AlertRecord } from './state.js';

const record = (): AlertRecord => ({ fingerprint: 'f', rule: 'r', labels: {}, annotations: {}, state: 'inactive', seen: 0 });
const timing = { forMs: 30_000, resolveAfterMs: 60_000 };

describe('alert state machine', () => {
  it('pending for `for`, then firing; resolved after the condition has been clear for resolveAfter', () => {
    const r = record();
    expect(step(r, true, 0, timing)).toBe('pending');
    expect(step(r, true, 29_999, timing)).toBeUndefined();
    expect(step(r, true, 30_000, timing)).toBe('firing');
    expect(r.firingSince).toBe(30_000);
    expect(step(r, false, 40_000, timing)).toBeUndefined();
    expect(step(r, false, 99_999, timing)).toBeUndefined();
    expect(step(r, false, 100_000, timing)).toBe('resolved');
    expect(r.resolvedAt).toBe(100_000);
  });

  it('a pending alert whose condition clears goes back to inactive', () => {
    const r = record();
    step(r, true, 0, timing);
    expect(step(r, false, 10_000, timing)).toBe('inactive');
    expect(step(r, true, 20_000, timing)).toBe('pending');
    expect(r.activeSince).toBe(20_000);
  });

  it('flap damping: a condition that keeps coming back within resolveAfter never resolves the alert', () => {
    const r = record();
    step(r, true, 0, { forMs: 0, resolveAfterMs: 60_000 });
    expect(r.state).toBe('firing');
    for (let t = 3_000; t < 600_000; t += 3_000)
      expect(step(r, (t / 3_000) % 2 === 0, t, { forMs: 0, resolveAfterMs: 60_000 })).toBeUndefined();
  });

  it('zero `for` fires at once', () => {
    const r = record();
    expect(step(r, true, 5, { forMs: 0, resolveAfterMs: 0 })).toBe('firing');
    expect(step(r, false, 6, { forMs: 0, resolveAfterMs: 0 })).toBe('resolved');
  });
});
