// /api/v1/trunk-groups on a Saturday (2026-11-28, America/New_York, clock pinned): the blocking
// observed today and on the last days is reported whatever the weekday; the busy hour (business
// days only) and what is derived from it are null with the reason when there is no business day.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveStore } from '../outputs/live/store.js';
import { TrafficProfileSink } from '../outputs/traffic/profile.js';
import type { Metric } from '../pipeline/metric.js';
import { trunkGroupsSchema } from '../traffic/trunk-groups.js';
import { NO_BUSINESS_DAY, trunkGroupsRouter } from './trunk-groups.js';

const ZONE = 'America/New_York';
/** Saturday 2026-11-28, 12:00 EST. */
const SATURDAY_NOON = Date.parse('2026-11-28T17:00:00Z');
const groups = trunkGroupsSchema.parse([
  { name: 'pstn-fresh', members: ['ss1/trunk-a'], capacity: 20 },
  { name: 'pstn-week', members: ['ss1/trunk-b'], capacity: 20 },
]);

/** One trunk_group point a minute into the quarter hour starting at `iso` (local time given with its offset). */
const quarter = (group: string, iso: string, erlangs: number, attempts: number, blocked: number): Metric => ({
  measurement: 'trunk_group',
  tags: { trunk_group: group },
  time: Date.parse(iso) + 60_000,
  fields: { minutes: erlangs * 15, calls_attempts: attempts, calls_blocked: blocked },
});

interface Group {
  name: string;
  busyHour: { start: string; days: string[] } | null;
  advice: object | null;
  reason: string | null;
  blocking: {
    today: { days: string[]; attempts: number; blocked: number; blocking: number | null };
    lastDays: { days: string[]; attempts: number; blocked: number; blocking: number | null };
    busyHourDays: { days: string[]; attempts: number; blocked: number; busyHourAttempts: number; busyHourBlocked: number } | null;
  };
}

describe('GET /api/v1/trunk-groups on a Saturday', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cb-trunk-groups-api-'));
  const profile = new TrafficProfileSink(join(dir, 'traffic.json'));
  let server: Server;
  let base = '';
  const get = async (query = '') => {
    const response = await fetch(`${base}/trunk-groups${query}`);
    return { status: response.status, body: (await response.json()) as { generatedAt: number; groups: Group[] } & Record<string, unknown> };
  };
  const group = async (name: string, query = '') => (await get(query)).body.groups.find((g) => g.name === name)!;

  beforeAll(async () => {
    await profile.start();
    profile.write([
      // A collector started this Saturday: traffic and blocking today only.
      quarter('pstn-fresh', '2026-11-28T10:00:00-05:00', 6, 40, 4),
      quarter('pstn-fresh', '2026-11-28T11:00:00-05:00', 2, 10, 0),
      // A week of business days (10:00 busy, 100 attempts, 2 blocked each), today, and last Saturday.
      ...['23', '24', '25', '26', '27'].map((d) => quarter('pstn-week', `2026-11-${d}T10:00:00-05:00`, 10, 100, 2)),
      quarter('pstn-week', '2026-11-28T09:00:00-05:00', 3, 20, 5),
      quarter('pstn-week', '2026-11-21T09:00:00-05:00', 3, 7, 7),
    ]);
    const app = express();
    app.use(trunkGroupsRouter({ groups, profile, store: new LiveStore(), timezone: ZONE, now: () => SATURDAY_NOON }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await profile.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without any business day: today’s blocking is reported; busy hour and advice are null, and the answer says why', async () => {
    const fresh = await group('pstn-fresh');
    expect(fresh.busyHour).toBeNull();
    expect(fresh.advice).toBeNull();
    expect(fresh.reason).toBe(NO_BUSINESS_DAY);
    expect(fresh.blocking).toEqual({
      today: { days: ['2026-11-28'], attempts: 50, blocked: 4, blocking: 0.08 },
      lastDays: {
        days: ['2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'],
        attempts: 50,
        blocked: 4,
        blocking: 0.08,
      },
      busyHourDays: null,
    });
  });

  it('with a week behind it: the business-day busy hour and its blocking, plus today (a Saturday) and the last 7 days', async () => {
    const week = await group('pstn-week');
    expect(week.reason).toBeNull();
    // one busy quarter (10:00): the first hour holding it, 09:15–10:15, is the busy hour
    expect(week.busyHour).toMatchObject({ start: '09:15', days: ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'] });
    expect(week.advice).not.toBeNull();
    expect(week.blocking.busyHourDays).toEqual({
      days: ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'],
      attempts: 500,
      blocked: 10,
      busyHourAttempts: 500,
      busyHourBlocked: 10,
      busyHourBlocking: 0.02,
    });
    expect(week.blocking.today).toEqual({ days: ['2026-11-28'], attempts: 20, blocked: 5, blocking: 0.25 });
    // Last Saturday (2026-11-21) is the 8th day back: outside the default 7, inside ?days=8.
    expect(week.blocking.lastDays).toMatchObject({ attempts: 520, blocked: 15, blocking: 15 / 520 });
    expect((await group('pstn-week', '?days=8')).blocking.lastDays).toMatchObject({
      days: expect.arrayContaining(['2026-11-21']),
      attempts: 527,
      blocked: 22,
    });
    expect((await group('pstn-week', '?days=1')).blocking.lastDays).toEqual({
      days: ['2026-11-28'],
      attempts: 20,
      blocked: 5,
      blocking: 0.25,
    });
  });

  it('dates the answer by the same clock, and refuses a bad ?days naming it', async () => {
    expect((await get()).body.generatedAt).toBe(SATURDAY_NOON);
    for (const days of ['0', '36', '2.5', 'week']) {
      expect(await get(`?days=${days}`)).toEqual({
        status: 400,
        body: { error: 'days: expected a whole number of days from 1 to 35', code: 'CALLBOARD_BAD_REQUEST' },
      });
    }
  });
});
