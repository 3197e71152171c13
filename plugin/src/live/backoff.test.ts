// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './backoff';

describe('reconnectDelay', () => {
  const policy = { initialMs: 500, maxMs: 15_000 };
  it('doubles from the initial delay up to the cap, with equal jitter', () => {
    expect([0, 1, 2, 3, 10].map((a) => reconnectDelay(a, policy, () => 1))).toEqual([500, 1000, 2000, 4000, 15_000]);
    expect([0, 1, 10].map((a) => reconnectDelay(a, policy, () => 0))).toEqual([250, 500, 7500]);
  });
  it('never overflows for very long outages', () => {
    expect(reconnectDelay(10_000, policy, () => 1)).toBe(15_000);
  });
});
