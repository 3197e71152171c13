import { describe, expect, it } from 'vitest';
import type { Metric } from '../../pipeline/metric.js';
import { DialPlan, dialPlanSchema } from './dialplan.js';
import { CdrEngine } from './engine.js';
import { MilestoneBook } from './milestones.js';
import type { CallRecord } from './record.js';
import { Zone } from './zone.js';

const zone = new Zone('America/New_York');
const at = (day: string, hour: number, minute = 0) => zone.toEpoch(...(day.split('-').map(Number) as [number, number, number]), hour, minute);
const call = (startMs: number, billableMs = 60_000): CallRecord => ({
  id: '', startMs, answerMs: startMs, endMs: startMs + billableMs, billableMs, src: '2125550100', dst: '3125550100', disposition: billableMs > 0 ? 'answered' : 'no_answer',
});

function setup(targets = { calls_per_day: 100, minutes_per_day: 150 }) {
  const book = new MilestoneBook('ss1', zone, targets);
  const engine = new CdrEngine({ source: 'ss1', zone, dialPlan: new DialPlan(dialPlanSchema.parse({})), book, perCallPoints: false, keepDays: 0 });
  const feed = (calls: CallRecord[]) => {
    const out: Metric[] = [];
    engine.add(calls, out);
    engine.drainTotals(out);
    return out;
  };
  return { book, engine, feed };
}

describe('milestones', () => {
  it('announces a target again, at the same time, when the batch that passed it is read again after a rollback', () => {
    const { book, engine } = setup();
    const day = '2026-11-18';
    const checkpoint = { book: book.state(), engine: engine.state() };
    const batch = Array.from({ length: 120 }, (_, i) => call(at(day, 9, i % 60)));
    const events = (e: CdrEngine) => {
      const out: Metric[] = [];
      e.add(batch, out);
      e.drainTotals(out);
      return out.filter((m) => m.measurement === 'milestone');
    };
    const first = events(engine);
    expect(first.map((m) => m.tags.target)).toEqual(['calls_per_day']);
    // The sink lost the batch: the input goes back to its checkpoint, book included, and reads it again.
    book.restore(checkpoint.book);
    const again = new CdrEngine({ source: 'ss1', zone, dialPlan: new DialPlan(dialPlanSchema.parse({})), book, perCallPoints: false, keepDays: 0 }, checkpoint.engine);
    expect(events(again)).toEqual(first);
  });

  it('writes one milestone event per target per day, at the call that passed it', () => {
    const { feed } = setup();
    const day = '2026-11-18';
    const events = (metrics: Metric[]) => metrics.filter((m) => m.measurement === 'milestone');
    expect(events(feed(Array.from({ length: 99 }, (_, i) => call(at(day, 9, i % 60)))))).toEqual([]);
    const crossing = feed([call(at(day, 11, 5), 6_000_000), call(at(day, 11, 6))]);
    expect(events(crossing)).toEqual([
      expect.objectContaining({ tags: { source: 'ss1', target: 'minutes_per_day' }, time: at(day, 11, 5), fields: expect.objectContaining({ day, threshold: 150 }) }),
      // The 100th call (the first at 11:05) reached the calls target; the event carries the value when written.
      expect.objectContaining({ tags: { source: 'ss1', target: 'calls_per_day' }, time: at(day, 11, 5), fields: expect.objectContaining({ day, threshold: 100, value: 101 }) }),
    ]);
    expect(events(feed([call(at(day, 12))]))).toEqual([]);
  });

  it('does not repeat an event after a restart from the checkpoint', () => {
    const first = setup({ calls_per_day: 2, minutes_per_day: 1e9 });
    expect(first.feed([call(at('2026-11-18', 9)), call(at('2026-11-18', 10))]).filter((m) => m.measurement === 'milestone')).toHaveLength(1);
    const book = new MilestoneBook('ss1', zone, { calls_per_day: 2 }, JSON.parse(JSON.stringify(first.book.state())));
    const engine = new CdrEngine({ source: 'ss1', zone, dialPlan: new DialPlan(dialPlanSchema.parse({})), book, perCallPoints: false, keepDays: 0 }, JSON.parse(JSON.stringify(first.engine.state())));
    const out: Metric[] = [];
    engine.add([call(at('2026-11-18', 11))], out);
    engine.drainTotals(out);
    expect(out.filter((m) => m.measurement === 'milestone')).toEqual([]);
    expect(out.find((m) => m.measurement === 'cdr_day')?.fields.calls).toBe(3);
  });

  it('forecasts the end of day from the profile of the last 4 same weekdays', () => {
    const { book, feed } = setup({ calls_per_day: 1000, minutes_per_day: 1e6 });
    // Four past Wednesdays: 100 calls each, 25 of them before 10:00, 75 after.
    for (const day of ['2026-10-28', '2026-11-04', '2026-11-11', '2026-11-18']) {
      feed([...Array.from({ length: 25 }, (_, i) => call(at(day, 8, i))), ...Array.from({ length: 75 }, (_, i) => call(at(day, 14, i % 60)))]);
    }
    feed([call(at('2026-11-19', 9))]); // a Thursday, not used
    const today = '2026-11-25';
    feed(Array.from({ length: 60 }, (_, i) => call(at(today, 8, i % 60))));
    const report = book.report(today, at(today, 10));
    const calls = report.targets.find((t) => t.name === 'calls_per_day')!;
    expect(calls.value).toBe(60);
    expect(calls.percent).toBeCloseTo(6);
    expect(calls.forecastMethod).toBe('profile');
    expect(calls.basedOn).toEqual(['2026-11-18', '2026-11-11', '2026-11-04', '2026-10-28']);
    expect(calls.forecast).toBeCloseTo(240); // 60 is a quarter of the day at 10:00
    expect(calls.record).toEqual({ day: '2026-10-28', value: 100 });
    expect(report.hours).toBe(24);
  });

  it('falls back to a linear pace without history, and reports a finished day as final', () => {
    const { book, feed } = setup({ calls_per_day: 1000, minutes_per_day: 1e6 });
    feed(Array.from({ length: 30 }, () => call(at('2026-11-01', 2))));
    // 2026-11-01 is 25 hours long in New York; at 05:00 local, 6 hours have passed.
    const linear = book.report('2026-11-01', at('2026-11-01', 5)).targets[1]!;
    expect(linear).toMatchObject({ name: 'calls_per_day', forecastMethod: 'linear' });
    expect(linear.forecast).toBeCloseTo((30 * 25) / 6);
    const final = book.report('2026-11-01', at('2026-11-02', 1));
    expect(final.complete).toBe(true);
    expect(final.hours).toBe(25);
    expect(final.targets[1]).toMatchObject({ forecast: 30, forecastMethod: 'final' });
  });
});

describe('day retention', () => {
  it('keeps the running totals of days still being read, however old', () => {
    const book = new MilestoneBook('ss1', zone, {});
    const engine = new CdrEngine({ source: 'ss1', zone, dialPlan: new DialPlan(dialPlanSchema.parse({})), book, perCallPoints: false, keepDays: 2 });
    const old = '2025-01-10';
    const batch = (hour: number) => {
      const out: Metric[] = [];
      engine.add([call(at(old, hour))], out);
      engine.drainTotals(out);
      engine.prune(Date.now()); // a year later on the wall clock
      return out.find((m) => m.measurement === 'cdr_day')?.fields.calls;
    };
    expect([batch(9), batch(10), batch(11)]).toEqual([1, 2, 3]);
    engine.add([call(at('2025-01-15', 9))], []);
    engine.prune(Date.now());
    expect([...engine.totals.days.keys()]).toEqual(['2025-01-15']);
  });
});
