import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrafficProfileSink } from './profile.js';

const point = (time: number, minutes: number, group = 'g') => ({ measurement: 'trunk_group', tags: { trunk_group: group }, fields: { minutes }, time });

describe('TrafficProfileSink', () => {
  it('sums minutes per quarter hour into Erlangs and survives a restart through its checkpoint', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cb-traffic-')), 'traffic.json');
    const now = Math.floor(Date.now() / 900_000) * 900_000;
    const sink = new TrafficProfileSink(file);
    await sink.start();
    sink.write([point(now, 30), point(now + 60_000, 15), point(now + 900_000, 45), point(now, 99, 'other'), { ...point(now, 7), destination: 'live' }]);
    await sink.stop();
    const again = new TrafficProfileSink(file);
    await again.start();
    expect(again.quarters('g')).toEqual([{ start: now, erlangs: 3 }, { start: now + 900_000, erlangs: 3 }]);
    await again.stop();
  });

  it('forgets quarter hours older than it keeps', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cb-traffic-')), 'traffic.json');
    const sink = new TrafficProfileSink(file, 1);
    await sink.start();
    sink.write([point(Date.now() - 2 * 86_400_000, 15), point(Date.now(), 15)]);
    await sink.flush();
    expect(sink.quarters('g')).toHaveLength(1);
    await sink.stop();
  });
});
