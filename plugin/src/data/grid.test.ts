// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { gridLayout } from './grid';

describe('gridLayout', () => {
  it('fits 1,000 tiles on a 1920×1080 wall with every tile inside', () => {
    const g = gridLayout(1000, 1920, 1040, 4);
    expect(g.columns * g.rows).toBeGreaterThanOrEqual(1000);
    expect(g.columns * g.cellWidth + (g.columns - 1) * 4).toBeLessThanOrEqual(1920);
    expect(g.rows * g.cellHeight + (g.rows - 1) * 4).toBeLessThanOrEqual(1040);
    expect(g.cellHeight).toBeGreaterThanOrEqual(20);
  });

  it('makes few tiles large and wider than tall', () => {
    const g = gridLayout(4, 1920, 1080, 4);
    expect(g.cellWidth).toBeGreaterThan(400);
    expect(g.cellWidth).toBeGreaterThanOrEqual(g.cellHeight);
  });

  it('is empty for no tiles or no room', () => {
    expect(gridLayout(0, 100, 100, 4).columns).toBe(0);
    expect(gridLayout(5, 0, 100, 4).columns).toBe(0);
  });
});
