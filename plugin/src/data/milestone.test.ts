// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { buildMilestoneView, type MilestoneInput } from './milestone';
import type { MetricSeries } from './series';

const DAY = 86_400_000;
const DAY_START = Date.UTC(2026, 10, 25, 5, 0, 0); // local midnight in New York (EST)
const NOW = DAY_START + DAY / 2;

const days = (metric: string, rows: Array<[number, number]>): MetricSeries => ({
  metric,
  labels: { source: 'cdr1' },
  times: rows.map((r) => r[0]),
  values: rows.map((r) => r[1]),
});

function input(overrides: Partial<MilestoneInput>): MilestoneInput {
  return {
    frames: [],
    now: NOW,
    dayStart: DAY_START,
    dayLengthMs: DAY,
    callsTarget: 0,
    minutesTarget: 0,
    staleAfterMs: 60_000,
    receivedAt: NOW - 1000,
    ...overrides,
  };
}

describe('buildMilestoneView', () => {
  const history = [
    days('minutes', [
      [DAY_START - 2 * DAY, 80_000],
      [DAY_START - DAY, 120_000],
      [DAY_START, 70_000],
    ]),
    days('calls', [
      [DAY_START - 2 * DAY, 40_000],
      [DAY_START - DAY, 30_000],
      [DAY_START, 21_000],
    ]),
  ];

  it('gives today against the target, a linear pace forecast and the record day', () => {
    const model = buildMilestoneView(input({ frames: history, minutesTarget: 100_000, callsTarget: 50_000 }));
    expect(model.freshness).toBe('fresh');
    expect(model.dayElapsed).toBe(0.5);
    expect(model.minutes).toMatchObject({
      today: 70_000,
      target: 100_000,
      progress: 0.7,
      crossed: false,
      forecast: 140_000,
      record: { day: DAY_START - DAY, value: 120_000 },
      isRecord: false,
    });
    expect(model.calls).toMatchObject({
      today: 21_000,
      progress: 0.42,
      forecast: 42_000,
      record: { day: DAY_START - 2 * DAY, value: 40_000 },
    });
  });

  it('marks a crossed milestone and a record day', () => {
    const frames = [
      days('minutes', [
        [DAY_START - DAY, 120_000],
        [DAY_START, 130_000],
      ]),
    ];
    const model = buildMilestoneView(input({ frames, minutesTarget: 100_000 }));
    expect(model.minutes).toMatchObject({ crossed: true, isRecord: true, progress: 1.3 });
  });

  it('takes targets from the data when the options leave them at 0', () => {
    const frames = [...history, days('minutes_target', [[DAY_START, 200_000]])];
    expect(buildMilestoneView(input({ frames })).minutes.target).toBe(200_000);
  });

  it('sums several CDR sources per day', () => {
    const frames = [
      days('minutes', [[DAY_START, 100]]),
      { ...days('minutes', [[DAY_START, 50]]), labels: { source: 'cdr2' } },
    ];
    expect(buildMilestoneView(input({ frames })).minutes.today).toBe(150);
  });

  it('has no forecast in the first minutes of the day, and a zero day is 0, not no data', () => {
    const model = buildMilestoneView(
      input({ now: DAY_START + 60_000, frames: [days('minutes', [[DAY_START, 0]])], minutesTarget: 1000 })
    );
    expect(model.freshness).toBe('fresh');
    expect(model.minutes).toMatchObject({ today: 0, progress: 0, forecast: null, crossed: false });
  });

  it('says nodata without a row for today (history alone is not today), stale when not refreshed', () => {
    expect(buildMilestoneView(input({ frames: [days('minutes', [[DAY_START - DAY, 5]])] })).freshness).toBe('nodata');
    expect(buildMilestoneView(input({ frames: history, receivedAt: NOW - 61_000 })).freshness).toBe('stale');
  });
});
