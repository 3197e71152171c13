import { describe, expect, it } from 'vitest';
import { buildCallsView, type CallsInput } from './calls';
import type { MetricSeries } from './series';

const NOW = Date.UTC(2026, 10, 25, 15, 0, 0);
const DAY_START = Date.UTC(2026, 10, 25, 0, 0, 0);

const series = (metric: string, sw: string, points: Array<[number, number | null]>): MetricSeries => ({
  metric,
  labels: { switch: sw },
  times: points.map((p) => p[0]),
  values: points.map((p) => p[1]),
});

function input(overrides: Partial<CallsInput>): CallsInput {
  return {
    frames: [],
    live: [],
    switchName: '',
    now: NOW,
    dayStart: DAY_START,
    staleAfterMs: 10_000,
    liveSilent: false,
    ...overrides,
  };
}

describe('buildCallsView', () => {
  it('sums the newest active over switches and today’s counts, and computes ASR from the sums', () => {
    const model = buildCallsView(
      input({
        frames: [
          series('active', 'ss1', [
            [NOW - 60_000, 10],
            [NOW - 2000, 12],
          ]),
          series('active', 'ss2', [[NOW - 2000, 30]]),
          series('attempts', 'ss1', [
            [DAY_START - 1000, 999],
            [DAY_START + 1000, 100],
            [NOW - 2000, 20],
          ]),
          series('answered', 'ss1', [[DAY_START + 1000, 90]]),
          series('failed', 'ss1', [[DAY_START + 1000, 10]]),
          series('minutes', 'ss2', [
            [DAY_START + 1000, 12.5],
            [NOW - 2000, 1.5],
          ]),
        ],
      })
    );
    expect(model).toMatchObject({
      freshness: 'fresh',
      activeNow: 42,
      callsToday: 120,
      minutesToday: 14,
      asrToday: 90,
      scopeLabel: 'All switches',
      updatedAt: NOW - 2000,
    });
    expect(model.sparkline).toEqual([
      [NOW - 60_000, 10],
      [NOW - 2000, 42],
    ]);
  });

  it('filters one switch', () => {
    const model = buildCallsView(
      input({ switchName: 'ss2', frames: [series('active', 'ss1', [[NOW, 12]]), series('active', 'ss2', [[NOW, 30]])] })
    );
    expect(model.activeNow).toBe(30);
    expect(model.scopeLabel).toBe('ss2');
  });

  it('lets a newer live value win over the last queried one', () => {
    const model = buildCallsView(
      input({
        frames: [series('active', 'ss1', [[NOW - 5000, 12]])],
        live: [series('active', 'ss1', [[NOW - 100, 13]])],
      })
    );
    expect(model.activeNow).toBe(13);
    expect(model.updatedAt).toBe(NOW - 100);
  });

  it('shows zero as 0 and fresh: a quiet switch is not a missing one', () => {
    const model = buildCallsView(
      input({ frames: [series('active', 'ss1', [[NOW - 1000, 0]]), series('attempts', 'ss1', [[NOW - 1000, 0]])] })
    );
    expect(model).toMatchObject({
      freshness: 'fresh',
      activeNow: 0,
      callsToday: 0,
      minutesToday: null,
      asrToday: null,
    });
  });

  it('says nodata, with every figure null, when nothing arrived', () => {
    const model = buildCallsView(input({}));
    expect(model).toMatchObject({
      freshness: 'nodata',
      activeNow: null,
      callsToday: null,
      minutesToday: null,
      asrToday: null,
      sparkline: [],
    });
  });

  it('goes stale when the newest point is older than the limit, or when the live link is silent', () => {
    expect(buildCallsView(input({ frames: [series('active', 'ss1', [[NOW - 10_001, 5]])] })).freshness).toBe('stale');
    expect(buildCallsView(input({ frames: [series('active', 'ss1', [[NOW - 9_000, 5]])] })).freshness).toBe('fresh');
    const silent = buildCallsView(input({ live: [series('active', 'ss1', [[NOW - 100, 5]])], liveSilent: true }));
    expect(silent.freshness).toBe('stale');
    expect(silent.activeNow).toBe(5);
  });
});
