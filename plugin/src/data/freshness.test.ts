// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { freshnessOf, newest } from './freshness';

describe('freshnessOf', () => {
  it('tells fresh, stale and no data apart', () => {
    expect(freshnessOf(9_000, 10_000, 1_000)).toBe('fresh');
    expect(freshnessOf(8_999, 10_000, 1_000)).toBe('stale');
    expect(freshnessOf(null, 10_000, 1_000)).toBe('nodata');
    expect(freshnessOf(NaN, 10_000, 1_000)).toBe('nodata');
  });
  it('is stale while the live link is silent, however new the last point', () => {
    expect(freshnessOf(10_000, 10_000, 1_000, true)).toBe('stale');
  });
  it('newest ignores undated points', () => {
    expect(newest([NaN, 3, 7, Infinity, 5])).toBe(7);
    expect(newest([NaN])).toBeNull();
  });
});
