// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatCompact, formatCount, formatPercent, NO_VALUE } from './format';

describe('format', () => {
  it('shows no data as a dash and zero as 0', () => {
    expect(formatCount(null)).toBe(NO_VALUE);
    expect(formatCount(0)).toBe('0');
    expect(formatPercent(null)).toBe(NO_VALUE);
    expect(formatPercent(0)).toBe('0.0 %');
  });
  it('groups thousands and compacts large figures', () => {
    expect(formatCount(1234567.4)).toBe('1,234,567');
    expect(formatCompact(1_250_000)).toBe('1.3 M');
    expect(formatCompact(830_400)).toBe('830 k');
    expect(formatCompact(950)).toBe('950');
  });
});
