import { describe, expect, it } from 'vitest';
import { circuitsFor, erlangB, trafficFor } from './erlang.js';

const threeSignificant = (x: number) => Number(x.toPrecision(3));

describe('Erlang B', () => {
  // Published Erlang B table values (traffic in Erlangs carried by N circuits at a grade of service).
  it.each([
    [1, 0.01, 0.0101],
    [5, 0.01, 1.36],
    [10, 0.01, 4.46],
    [10, 0.02, 5.08],
    [10, 0.05, 6.22],
    [15, 0.01, 8.11],
    [20, 0.01, 12.0],
    [24, 0.01, 15.3],
    [24, 0.02, 16.6],
    [30, 0.01, 20.3],
    [50, 0.01, 37.9],
    [100, 0.01, 84.1],
  ])('%i circuits at %f carry %f E', (circuits, gos, table) => {
    expect(threeSignificant(trafficFor(circuits, gos))).toBe(table);
  });

  it('matches the issue’s example: 15 circuits at 1 % → 8.108 E', () => {
    expect(trafficFor(15, 0.01)).toBeCloseTo(8.108, 3);
  });

  it('gives the fewest circuits at a grade of service, with their blocking', () => {
    const { circuits, blocking } = circuitsFor(8.108, 0.01);
    expect(circuits).toBe(15);
    expect(blocking).toBeLessThanOrEqual(0.01);
    expect(erlangB(8.108, 14)).toBeGreaterThan(0.01);
  });

  it('stays exact and fast at 10,000 Erlangs', () => {
    const started = performance.now();
    const { circuits, blocking } = circuitsFor(10_000, 0.01);
    const elapsed = performance.now() - started;
    expect(blocking).toBeLessThanOrEqual(0.01);
    expect(erlangB(10_000, circuits - 1)).toBeGreaterThan(0.01);
    // For large A, B(A, A) ≈ sqrt(2 / (π·A)) ≈ 0.8 % < 1 %: slightly fewer circuits than Erlangs suffice.
    expect(erlangB(10_000, 10_000)).toBeCloseTo(Math.sqrt(2 / (Math.PI * 10_000)), 4);
    expect(circuits).toBeGreaterThan(9900);
    expect(circuits).toBeLessThanOrEqual(10_000);
    expect(elapsed).toBeLessThan(1000); // generous: a correctness guard against an exponential method, not a benchmark
  });

  it('handles the edges and refuses nonsense', () => {
    expect(erlangB(5, 0)).toBe(1);
    expect(erlangB(0, 3)).toBe(0);
    expect(erlangB(1, 1000)).toBe(0);
    expect(() => erlangB(-1, 3)).toThrow(/traffic must be/);
    expect(() => erlangB(1, 2.5)).toThrow(/circuits must be/);
    expect(() => circuitsFor(1, 1)).toThrow(/grade of service/);
  });
});
