import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Metric } from '../pipeline/metric.js';
import { TrafficProfileSink } from '../outputs/traffic/profile.js';
import { TrunkAdvisor, evaluateTrunkGroup, trunkAdvice } from './advice.js';
import { trunkGroupsSchema } from './trunk-groups.js';

const ZONE = 'America/New_York';
const QUARTER = 900_000;
/** Monday 2026-01-12, 10:00 EST: the week below is complete. */
const NEXT_MONDAY = Date.parse('2026-01-12T15:00:00Z');
const [east, quiet] = trunkGroupsSchema.parse([
  { name: 'pstn-east', members: ['ss1/trunk-a'], capacity: 20, carrier: 'acme' },
  { name: 'pstn-quiet', members: ['ss1/trunk-b'], capacity: 10 },
]);

/**
 * Five business days (Mon 2026-01-05 … Fri 01-09, EST = UTC−5) of 10 E from 10:00 to 11:00 local
 * and 2 E from 09:00 to 10:00 and 11:00 to 12:00, 100 attempts per busy quarter of which 3 blocked;
 * a Saturday with 40 E that a business-day busy hour must ignore.
 */
function trunkGroupPoints(): Metric[] {
  const points: Metric[] = [];
  const quarterPoint = (start: number, erlangs: number, attempts: number, blocked: number): Metric => ({
    measurement: 'trunk_group',
    tags: { trunk_group: east!.name },
    time: start + 60_000,
    fields: { minutes: erlangs * 15, calls_attempts: attempts, calls_blocked: blocked },
  });
  for (const day of ['05', '06', '07', '08', '09']) {
    const nine = Date.parse(`2026-01-${day}T14:00:00Z`);
    for (let q = 0; q < 12; q++) {
      const busy = q >= 4 && q < 8;
      points.push(quarterPoint(nine + q * QUARTER, busy ? 10 : 2, busy ? 100 : 20, busy ? 3 : 0));
    }
  }
  points.push(quarterPoint(Date.parse('2026-01-10T20:00:00Z'), 40, 400, 200));
  return points;
}

let sink: TrafficProfileSink | undefined;
afterEach(async () => {
  await sink?.stop();
  sink = undefined;
});

async function profile(): Promise<TrafficProfileSink> {
  sink = new TrafficProfileSink(join(mkdtempSync(join(tmpdir(), 'cb-advice-')), 'traffic.json'), { keepDays: 3650 });
  await sink.start();
  sink.write(trunkGroupPoints());
  return sink;
}

describe('trunk advice', () => {
  it('sizes the group for its business-day busy hour: 10 E at 1 % needs 18 circuits (published Erlang B table)', async () => {
    const evaluation = evaluateTrunkGroup(east!, await profile(), ZONE, NEXT_MONDAY)!;
    expect(evaluation.busyHour).toEqual({
      start: '10:00',
      erlangs: 10,
      days: ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09'],
    });
    // Tables: 17 circuits carry 9.68 E at 1 %, 18 carry 10.44 E.
    expect(evaluation.advice).toMatchObject({ circuitsNeeded: 18, circuitsProvisioned: 20, headroom: 2, gradeOfService: 0.01 });
    expect(evaluation.advice.blockingAtProvisioned).toBeGreaterThan(0.001);
    expect(evaluation.advice.blockingAtProvisioned).toBeLessThan(0.002);
    expect(evaluation.blocking).toEqual({
      attempts: 5 * (4 * 100 + 8 * 20),
      blocked: 5 * 4 * 3,
      busyHourAttempts: 2000,
      busyHourBlocked: 60,
      busyHourBlocking: 0.03,
    });
  });

  it('averages complete days only: on the Friday itself the busy hour is of Mon–Thu, and on the first Monday there is none', async () => {
    const history = await profile();
    // Friday 2026-01-09, 10:30 EST, in its busy hour: its quarters so far are not averaged.
    const friday = evaluateTrunkGroup(east!, history, ZONE, Date.parse('2026-01-09T15:30:00Z'))!;
    expect(friday.busyHour).toEqual({ start: '10:00', erlangs: 10, days: ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08'] });
    expect(friday.blocking).toMatchObject({ busyHourAttempts: 1600, busyHourBlocked: 48 });
    // Monday 2026-01-05 at 23:59 EST: the only business day so far is today.
    expect(evaluateTrunkGroup(east!, history, ZONE, Date.parse('2026-01-06T04:59:00Z'))).toBeUndefined();
    // Tuesday 00:00 EST: Monday is complete.
    expect(evaluateTrunkGroup(east!, history, ZONE, Date.parse('2026-01-06T05:00:00Z'))?.busyHour.days).toEqual(['2026-01-05']);
  });

  it('writes one trunk_advice point per group with a busy hour, typed as its schema says', async () => {
    const advisor = new TrunkAdvisor([east!, quiet!], await profile(), ZONE);
    const [point, ...rest] = advisor.evaluate(NEXT_MONDAY);
    // pstn-quiet has no traffic on a business day: no busy hour, no advice (not a 0 E one).
    expect(rest).toEqual([]);
    expect(point).toEqual({
      measurement: 'trunk_advice',
      tags: { trunk_group: 'pstn-east', direction: 'both', carrier: 'acme' },
      time: NEXT_MONDAY,
      fields: expect.objectContaining({
        busy_hour_start: '10:00',
        busy_hour_days: 5,
        busy_hour_erlangs: 10,
        circuits_needed: 18,
        circuits_provisioned: 20,
        headroom: 2,
        attempts: 2800,
        blocked: 60,
        busy_hour_attempts: 2000,
        busy_hour_blocked: 60,
        busy_hour_blocking: 0.03,
      }),
    });
    expect(Object.keys(point!.fields).sort()).toEqual(Object.keys(trunkAdvice.fields).sort());
    for (const [field, type] of Object.entries(trunkAdvice.fields)) {
      const value = point!.fields[field];
      expect(
        type === 'string' ? typeof value === 'string' : typeof value === 'number' && (type === 'float' || Number.isInteger(value)),
      ).toBe(true);
    }
  });

  it('leaves out the busy-hour blocking when the busy hour had no attempts', async () => {
    const history = await profile();
    const noCalls = { quarters: (g: string) => history.quarters(g), calls: () => [] };
    const fields = new TrunkAdvisor([east!], noCalls, ZONE).evaluate(NEXT_MONDAY)[0]!.fields;
    expect(fields.busy_hour_attempts).toBe(0);
    expect(fields).not.toHaveProperty('busy_hour_blocking');
  });

  it('emits soon after start, then on its interval until stopped', async () => {
    const advisor = new TrunkAdvisor([east!, quiet!], await profile(), ZONE, 1000, 10);
    const batches: Metric[][] = [];
    advisor.start((points) => batches.push([...points]));
    await new Promise((r) => setTimeout(r, 300));
    expect(batches.length).toBe(1);
    await new Promise((r) => setTimeout(r, 1300));
    advisor.stop();
    const seen = batches.length;
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(batches.every((b) => b.length === 1 && b[0]!.tags.trunk_group === 'pstn-east')).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    expect(batches.length).toBe(seen);
  });
});
