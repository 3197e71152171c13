import { describe, expect, it } from 'vitest';
import type { Metric } from '../../pipeline/metric.js';
import { DialPlan, dialPlanSchema } from './dialplan.js';
import { CdrEngine } from './engine.js';
import { cdrReconciliation } from './reconcile.js';
import { Zone } from './zone.js';

const H = 3_600_000;
const hour10 = Date.parse('2026-11-24T15:00:00Z'); // 10:00 in New York

describe('CDR vs live minutes, per hour', () => {
  it('splits each call over the hours it spanned (cdr_hour)', () => {
    const zone = new Zone('America/New_York');
    const engine = new CdrEngine({ source: 'ss1', zone, dialPlan: new DialPlan(dialPlanSchema.parse({})), perCallPoints: false, keepDays: 0 });
    const out: Metric[] = [];
    // Answered 10:50, 20 minutes of talk: 10 in the 10:00 hour, 10 in the 11:00 hour.
    engine.add([{ id: '', startMs: hour10 + 49 * 60_000, answerMs: hour10 + 50 * 60_000, endMs: hour10 + 70 * 60_000, billableMs: 20 * 60_000, src: '1', dst: '2', disposition: 'answered' }], out);
    engine.drainTotals(out);
    const hours = out.filter((m) => m.measurement === 'cdr_hour').map((m) => [m.time, m.fields.minutes, m.fields.answered]);
    expect(hours).toEqual([
      [hour10, 10, 1],
      [hour10 + H, 10, 0],
    ]);
  });

  it('compares them with the minutes the switch poller integrated', () => {
    const reconcile = cdrReconciliation([{ source: 'cdr1', switch: 'ss1' }], 'America/New_York');
    const poll = (time: number, minutes: number): Metric => ({ measurement: 'softswitch_calls', tags: { switch: 'ss1' }, time, fields: { minutes, active: 3 } });
    const liveOnly: Metric = { measurement: 'softswitch_calls', tags: { switch: 'ss1' }, time: hour10 + 1, fields: { active: 4, minutes: 99 }, destination: 'live' };
    const first = reconcile([poll(hour10 + 1000, 0.05), poll(hour10 + 2000, 0.05), liveOnly]);
    expect(first.filter((m) => m.measurement === 'cdr_reconciliation')).toEqual([
      { measurement: 'cdr_reconciliation', tags: { source: 'cdr1', switch: 'ss1' }, time: hour10, fields: { cdr_minutes: 0, live_minutes: 0.1, discrepancy_minutes: -0.1, discrepancy_pct: -100 } },
    ]);
    const second = reconcile([{ measurement: 'cdr_hour', tags: { source: 'cdr1' }, time: hour10, fields: { talk_ms: 7200, minutes: 0.12, answered: 1 } }]);
    const point = second.find((m) => m.measurement === 'cdr_reconciliation')!;
    expect(point.fields.cdr_minutes).toBe(0.12);
    expect(point.fields.discrepancy_minutes).toBeCloseTo(0.02);
    expect(point.fields.discrepancy_pct).toBeCloseTo(20);
    // Metrics of other switches and measurements pass through untouched.
    const other: Metric = { measurement: 'trunk_status', tags: { switch: 'ss2' }, time: 1, fields: { up: 1 } };
    expect(reconcile([other])).toEqual([other]);
  });
});
