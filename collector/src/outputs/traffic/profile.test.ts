import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trunkGroupsSchema } from '../../traffic/trunk-groups.js';
import { TrafficProfileSink } from './profile.js';

const point = (time: number, minutes: number, group = 'g') => ({
  measurement: 'trunk_group',
  tags: { trunk_group: group },
  fields: { minutes },
  time,
});

describe('TrafficProfileSink', () => {
  it('sums minutes per quarter hour into Erlangs and survives a restart through its checkpoint', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cb-traffic-')), 'traffic.json');
    const now = Math.floor(Date.now() / 900_000) * 900_000;
    const sink = new TrafficProfileSink(file);
    await sink.start();
    sink.write([
      point(now, 30),
      point(now + 60_000, 15),
      point(now + 900_000, 45),
      point(now, 99, 'other'),
      { ...point(now, 7), destination: 'live' },
    ]);
    await sink.stop();
    const again = new TrafficProfileSink(file);
    await again.start();
    expect(again.quarters('g')).toEqual([
      { start: now, erlangs: 3 },
      { start: now + 900_000, erlangs: 3 },
    ]);
    await again.stop();
  });

  it('counts the attempts and blocked calls (503 / cause 34) a switch reports for the group', async () => {
    const sink = new TrafficProfileSink(join(mkdtempSync(join(tmpdir(), 'cb-traffic-')), 'traffic.json'));
    await sink.start();
    const now = Math.floor(Date.now() / 900_000) * 900_000;
    const counts = (time: number, calls_attempts: number, calls_blocked: number) => ({
      ...point(time, 0),
      fields: { calls_attempts, calls_blocked },
    });
    sink.write([counts(now, 10, 3), counts(now + 1000, 5, 0), counts(now + 900_000, 4, 4)]);
    expect(sink.calls('g')).toEqual([
      { start: now, attempts: 15, blocked: 3 },
      { start: now + 900_000, attempts: 4, blocked: 4 },
    ]);
    await sink.stop();
  });

  it('forgets quarter hours older than it keeps', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cb-traffic-')), 'traffic.json');
    const sink = new TrafficProfileSink(file, { keepDays: 1 });
    await sink.start();
    sink.write([point(Date.now() - 2 * 86_400_000, 15), point(Date.now(), 15)]);
    await sink.flush();
    expect(sink.quarters('g')).toHaveLength(1);
    await sink.stop();
  });

  it('splits each answered CDR call of a member trunk over the quarters it spans, and counts attempts and blocked calls', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cb-traffic-')), 'traffic.json');
    const groups = trunkGroupsSchema.parse([{ name: 'pstn', members: ['cdr1/trunk-a'], capacity: 23 }]);
    const sink = new TrafficProfileSink(file, { groups });
    await sink.start();
    const q0 = Math.floor(Date.now() / 900_000) * 900_000;
    const call = (trunk: string, endMs: number, fields: Record<string, number>) => ({
      measurement: 'cdr_call',
      tags: { source: 'cdr1', trunk },
      fields: { calls: 1, ...fields },
      time: endMs + 3,
    });
    sink.write([
      // 10 min talk ending 5 min into the next quarter: 5 min in each
      call('trunk-a', q0 + 1_200_000, { answered: 1, billable_ms: 600_000 }),
      call('trunk-a', q0 + 60_000, { answered: 0, billable_ms: 0, cause: 34 }),
      call('trunk-a', q0 + 61_000, { answered: 0, billable_ms: 0, sip_code: 503 }),
      call('trunk-a', q0 + 62_000, { answered: 0, billable_ms: 0, cause: 17 }),
      call('trunk-b', q0 + 60_000, { answered: 1, billable_ms: 60_000 }),
    ]);
    expect(sink.quarters('pstn')).toEqual([
      { start: q0 + 900_000 - 900_000, erlangs: 5 / 15 },
      { start: q0 + 900_000, erlangs: 5 / 15 },
    ]);
    expect(sink.calls('pstn')).toEqual([
      { start: q0, attempts: 3, blocked: 2 },
      { start: q0 + 900_000, attempts: 1, blocked: 0 },
    ]);
    await sink.stop();
  });
});
