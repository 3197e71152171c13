import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DialPlan, dialPlanSchema } from '../inputs/cdr/dialplan.js';
import { CdrEngine } from '../inputs/cdr/engine.js';
import { MilestoneBook } from '../inputs/cdr/milestones.js';
import { Zone } from '../inputs/cdr/zone.js';
import { createMilestonesRouter } from './milestones.js';

const zone = new Zone('America/New_York');
const book = new MilestoneBook('ss1', zone, { calls_per_day: 400_000, minutes_per_day: 1_000_000 });
const engine = new CdrEngine({ source: 'ss1', zone, dialPlan: new DialPlan(dialPlanSchema.parse({})), book, perCallPoints: false, keepDays: 0 });
const now = zone.toEpoch(2026, 11, 25, 12);
let server: ReturnType<express.Express['listen']>;
let base = '';

beforeAll(async () => {
  const calls = [
    ['2026-11-24', 10, 90_000],
    ['2026-11-25', 9, 150_000],
    ['2026-11-25', 10, 0],
  ] as const;
  const out: never[] = [];
  engine.add(
    calls.map(([day, hour, ms]) => {
      const start = zone.toEpoch(...(day.split('-').map(Number) as [number, number, number]), hour);
      return { id: '', startMs: start, endMs: start + ms, billableMs: ms, src: '1', dst: '2', disposition: ms > 0 ? 'answered' : 'busy' };
    }),
    out,
  );
  engine.drainTotals(out);
  const app = express();
  app.use('/api/v1', createMilestonesRouter({ book, now: () => now }));
  app.use('/none/api/v1', createMilestonesRouter({ book: undefined }));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = async (path: string) => {
  const response = await fetch(`${base}${path}`);
  // The shape is what these tests check, so the body is read untyped.
  const body: any = await response.json(); // eslint-disable-line @typescript-eslint/no-explicit-any
  return { status: response.status, body };
};

describe('milestones API', () => {
  it('reports today by default, in the carrier timezone', async () => {
    const { status, body } = await get('/api/v1/milestones');
    expect(status).toBe(200);
    expect(body).toMatchObject({ day: '2026-11-25', timezone: 'America/New_York', hours: 24, complete: false, totals: { calls: 2, answered: 1, minutes: 2.5 } });
    expect(body.targets.map((t: { name: string }) => t.name)).toEqual(['minutes_per_day', 'calls_per_day']);
    expect(body.targets[1]).toMatchObject({ target: 400_000, value: 2, percent: 0.0005, reached: false, record: { day: '2026-11-24', value: 1 }, isRecord: true });
  });

  it('reports a given day', async () => {
    const { body } = await get('/api/v1/milestones?day=2026-11-24');
    expect(body).toMatchObject({ day: '2026-11-24', complete: true, totals: { calls: 1, minutes: 1.5 } });
    expect(body.targets[0]).toMatchObject({ forecastMethod: 'final', forecast: 1.5 });
  });

  it('lists days in a range', async () => {
    const { body } = await get('/api/v1/days?from=2026-11-20&to=2026-11-25');
    expect(body).toEqual({
      timezone: 'America/New_York',
      from: '2026-11-20',
      to: '2026-11-25',
      days: [
        { day: '2026-11-24', calls: 1, answered: 1, billableMs: 90_000, minutes: 1.5, hours: 24 },
        { day: '2026-11-25', calls: 2, answered: 1, billableMs: 150_000, minutes: 2.5, hours: 24 },
      ],
    });
  });

  it.each([
    ['/api/v1/milestones?day=2026-02-30', 'day: expected a day as YYYY-MM-DD, got "2026-02-30"'],
    ['/api/v1/days?from=yesterday', 'from: expected a day as YYYY-MM-DD, got "yesterday"'],
    ['/api/v1/days?from=2026-11-25&to=2026-11-01', 'from (2026-11-25) is after to (2026-11-01)'],
    ['/api/v1/days?from=2020-01-01&to=2026-11-01', 'at most 366 days per request'],
  ])('answers 400 to %s', async (path, error) => {
    expect(await get(path)).toEqual({ status: 400, body: { error, code: 'CALLBOARD_BAD_REQUEST' } });
  });

  it('answers 404 without a cdr input', async () => {
    expect((await get('/none/api/v1/milestones')).status).toBe(404);
  });
});
