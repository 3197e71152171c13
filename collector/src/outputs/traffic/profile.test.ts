import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { cdrConfigSchema } from '../../inputs/cdr/config.js';
import { CdrInput } from '../../inputs/cdr/input.js';
import { createLogger } from '../../lib/log.js';
import type { Metric } from '../../pipeline/metric.js';
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

  describe('counts each CDR call once across a crash between its save and the CDR input’s checkpoint', () => {
    const groups = trunkGroupsSchema.parse([{ name: 'pstn', members: ['cdr1/trunk-a'], capacity: 23 }]);
    const q0 = Math.floor(Date.now() / 900_000) * 900_000 - 4 * 900_000;
    const batch = (callsBefore: number, calls: number): Metric => ({
      measurement: 'cdr_batch',
      tags: { source: 'cdr1' },
      fields: { calls_before: callsBefore, calls },
      time: Date.now(),
      destination: 'storage',
    });
    const call = (n: number, fields: Record<string, number> = {}): Metric => ({
      measurement: 'cdr_call',
      tags: { source: 'cdr1', trunk: 'trunk-a' },
      fields: { calls: 1, answered: 1, billable_ms: 60_000, ...fields },
      time: q0 + n * 120_000,
      destination: 'storage',
    });
    const totals = (sink: TrafficProfileSink) => ({
      attempts: sink.calls('pstn').reduce((a, q) => a + q.attempts, 0),
      blocked: sink.calls('pstn').reduce((a, q) => a + q.blocked, 0),
      erlangs: sink.quarters('pstn').reduce((a, q) => a + q.erlangs, 0),
    });

    it('takes out what a batch added when the same batch (same calls_before) comes again after a restart', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'cb-traffic-')), 'traffic.json');
      const first = new TrafficProfileSink(file, { groups });
      await first.start();
      first.write([batch(0, 2), call(0), call(1)]);
      await first.flush(); // the CDR input checkpoints after this: batch 0..2 is committed
      first.write([batch(2, 2), call(2), call(3, { answered: 0, billable_ms: 0, cause: 34 })]);
      await first.flush(); // saved here; the crash comes before the input's checkpoint
      expect(totals(first)).toEqual({ attempts: 4, blocked: 1, erlangs: 3 / 15 });

      const second = new TrafficProfileSink(file, { groups });
      await second.start();
      // read again from the checkpoint (2 calls counted), with a call more that was written meanwhile
      second.write([batch(2, 3), call(2), call(3, { answered: 0, billable_ms: 0, cause: 34 }), call(4)]);
      expect(totals(second)).toEqual({ attempts: 5, blocked: 1, erlangs: 4 / 15 });
      // an empty batch, then the next one: nothing taken out, nothing counted twice
      second.write([batch(5, 0)]);
      second.write([batch(5, 1), call(5, { sip_code: 503, answered: 0, billable_ms: 0 })]);
      await second.stop();

      const third = new TrafficProfileSink(file, { groups });
      await third.start();
      expect(totals(third)).toEqual({ attempts: 6, blocked: 2, erlangs: 4 / 15 });
      // after a clean stop the input goes on from its checkpoint: the next batch is new
      third.write([batch(6, 1), call(6)]);
      expect(totals(third)).toEqual({ attempts: 7, blocked: 2, erlangs: 5 / 15 });
      await third.stop();
    });

    it('with the real CDR input: killed after the profile saved, before the checkpoint; the batch read again counts once', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cb-traffic-cdr-'));
      const cdrFile = join(dir, 'acc_cdrs.log');
      // Kamailio acc flatstore: start|end|duration|src|dst|trunk (epoch seconds)
      const line = (n: number, seconds: number) => {
        const start = q0 / 1000 + n * 60;
        return `${start}|${start + seconds}|${seconds}.000000|3125550100|2125550100|trunk-a\n`;
      };
      writeFileSync(cdrFile, line(0, 60) + line(1, 120));
      const profileFile = join(dir, 'state', 'traffic-profile.json');
      let crash = false;
      const run = async () => {
        const profile = new TrafficProfileSink(profileFile, { groups });
        await profile.start();
        const input = new CdrInput(
          cdrConfigSchema.parse({ type: 'cdr', name: 'cdr1', paths: [cdrFile], format: 'kamailio', pollInterval: '1h' }),
          {
            log: createLogger({ level: 'silent' }),
            registry: new Registry(),
            stateDir: join(dir, 'state'),
            timezone: 'America/New_York',
            flush: async () => {
              await profile.flush();
              // killed here: every sink has saved, the input has not checkpointed
              if (crash) throw new Error('killed');
            },
          },
        );
        await input.start((metrics) => profile.write(metrics));
        return { profile, input };
      };
      const a = await run();
      expect(totals(a.profile)).toMatchObject({ attempts: 2 });
      appendFileSync(cdrFile, line(2, 180) + line(3, 240));
      crash = true;
      await expect(a.input.pollOnce()).rejects.toThrow('killed');
      expect(totals(a.profile)).toMatchObject({ attempts: 4 });
      await a.input.stop();

      crash = false;
      appendFileSync(cdrFile, line(4, 300)); // written while the collector was down
      const b = await run(); // reads calls 2..4 again from the checkpoint
      expect(totals(b.profile)).toEqual({ attempts: 5, blocked: 0, erlangs: (60 + 120 + 180 + 240 + 300) / 60 / 15 });
      await b.input.stop();
      await b.profile.stop();
    });
  });
});
