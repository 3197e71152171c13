// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { softswitchCalls, trunkStatus } from '../../inputs/kamailio/measurements.js';
import type { Metric } from '../../pipeline/metric.js';
import { createLogger } from '../../lib/log.js';
import { Backfiller, backfillStatements, hourRanges, LateTracker } from './backfill.js';
import { Gate } from './batcher.js';
import { LogLimiter } from './log-limit.js';

const at = (iso: string): number => Date.parse(iso);
const point = (measurement: string, iso: string): Metric => ({ measurement, tags: {}, fields: { up: 1 }, time: at(iso) });

describe('LateTracker', () => {
  it('notes the hours of points written more than 3 minutes after their time, per rolled-up measurement', () => {
    const tracker = new LateTracker(['softswitch_calls', 'trunk_status']);
    const writtenAt = at('2026-11-25T12:00:00Z');
    expect(
      tracker.note([point('softswitch_calls', '2026-11-25T11:58:00Z'), point('callboard_other', '2026-11-25T01:00:00Z')], writtenAt),
    ).toBe(false);
    expect(tracker.pending).toBe(false);
    expect(
      tracker.note(
        [
          point('softswitch_calls', '2026-11-25T11:30:10Z'),
          point('softswitch_calls', '2026-11-25T08:00:00Z'),
          point('trunk_status', '2026-11-25T11:56:59Z'),
        ],
        writtenAt,
      ),
    ).toBe(true);
    const hours = tracker.take();
    const iso = (hs: ReadonlySet<number> | undefined) => [...(hs ?? [])].sort().map((h) => new Date(h * 3_600_000).toISOString());
    expect(iso(hours.get('softswitch_calls'))).toEqual(['2026-11-25T08:00:00.000Z', '2026-11-25T11:00:00.000Z']);
    expect(iso(hours.get('trunk_status'))).toEqual(['2026-11-25T11:00:00.000Z']);
    expect(tracker.pending).toBe(false);
    tracker.restore(hours);
    tracker.note([point('softswitch_calls', '2026-11-25T09:50:00Z')], writtenAt);
    expect(iso(tracker.take().get('softswitch_calls'))).toEqual([
      '2026-11-25T08:00:00.000Z',
      '2026-11-25T09:00:00.000Z',
      '2026-11-25T11:00:00.000Z',
    ]);
  });

  it('merges consecutive hours into ranges', () => {
    const h = (iso: string) => at(iso) / 3_600_000;
    expect(
      hourRanges(new Set([h('2026-11-25T10:00:00Z'), h('2026-11-25T08:00:00Z'), h('2026-11-25T09:00:00Z'), h('2026-11-25T12:00:00Z')])),
    ).toEqual([
      { from: at('2026-11-25T08:00:00Z'), to: at('2026-11-25T11:00:00Z') },
      { from: at('2026-11-25T12:00:00Z'), to: at('2026-11-25T13:00:00Z') },
    ]);
  });
});

describe('backfillStatements', () => {
  const schemas = new Map([softswitchCalls, trunkStatus].map((s) => [s.measurement, s]));
  const hoursOf = (...isos: string[]) => new Set(isos.map((iso) => Math.floor(at(iso) / 3_600_000)));
  const ranges = (statements: string[]) =>
    statements.map((s) => {
      const m = /INTO \w+\.rollup\.(\w+) .* WHERE time >= (\d+)ms AND time < (\d+)ms/.exec(s)!;
      return [m[1], new Date(Number(m[2])).toISOString(), new Date(Number(m[3])).toISOString()];
    });

  it('recomputes the late hours (one statement per hour), then the whole local days around them', () => {
    const late = Array.from({ length: 8 }, (_, i) => `2026-11-01T${String(3 + i).padStart(2, '0')}:30:00Z`); // 03:00..10:59 UTC
    const statements = backfillStatements(
      new Map([['softswitch_calls', hoursOf(...late, '2026-11-03T12:00:00Z')]]),
      schemas,
      'callboard',
      'America/New_York',
    );
    expect(ranges(statements)).toEqual([
      ...[3, 4, 5, 6, 7, 8, 9, 10].map((h) => [
        'softswitch_calls_1m',
        `2026-11-01T${String(h).padStart(2, '0')}:00:00.000Z`,
        `2026-11-01T${String(h + 1).padStart(2, '0')}:00:00.000Z`,
      ]),
      ['softswitch_calls_1m', '2026-11-03T12:00:00.000Z', '2026-11-03T13:00:00.000Z'],
      // 03:00Z is still 31 October in New York (EDT); 1 November is the 25 h day
      ['softswitch_calls_1d', '2026-10-31T04:00:00.000Z', '2026-11-02T05:00:00.000Z'],
      ['softswitch_calls_1d', '2026-11-03T05:00:00.000Z', '2026-11-04T05:00:00.000Z'],
    ]);
    expect(statements[9]).toMatch(/FROM callboard\.rollup\.softswitch_calls_1m .* GROUP BY time\(1d\), \* TZ\('America\/New_York'\)$/);
  });

  it('merges days that touch, and puts every 1m statement before the 1d ones', () => {
    const hours = new Map([
      ['softswitch_calls', hoursOf('2026-11-25T10:00:00Z', '2026-11-26T10:00:00Z')],
      ['trunk_status', hoursOf('2026-11-25T10:00:00Z')],
    ]);
    expect(ranges(backfillStatements(hours, schemas, 'cb', 'UTC'))).toEqual([
      ['softswitch_calls_1m', '2026-11-25T10:00:00.000Z', '2026-11-25T11:00:00.000Z'],
      ['softswitch_calls_1m', '2026-11-26T10:00:00.000Z', '2026-11-26T11:00:00.000Z'],
      ['trunk_status_1m', '2026-11-25T10:00:00.000Z', '2026-11-25T11:00:00.000Z'],
      ['softswitch_calls_1d', '2026-11-25T00:00:00.000Z', '2026-11-27T00:00:00.000Z'],
      ['trunk_status_1d', '2026-11-25T00:00:00.000Z', '2026-11-26T00:00:00.000Z'],
    ]);
  });
});

describe('LogLimiter', () => {
  it('lets the first event through, then one per interval with the count suppressed', () => {
    let now = 0;
    const limiter = new LogLimiter(1000, 2, () => now);
    expect(limiter.allow('a')).toEqual({ suppressed: 0 });
    expect(limiter.allow('a')).toBeUndefined();
    expect(limiter.allow('a')).toBeUndefined();
    expect(limiter.allow('b')).toEqual({ suppressed: 0 });
    now = 1000;
    expect(limiter.allow('a')).toEqual({ suppressed: 2 });
    limiter.allow('c'); // evicts the oldest key (b)
    expect(limiter.allow('b')).toEqual({ suppressed: 0 });
  });
});

describe('Backfiller', () => {
  const silent = createLogger({ level: 'silent' });
  const late = (iso: string): Metric[] => [{ measurement: 'softswitch_calls', tags: {}, fields: { attempts: 1 }, time: at(iso) }];

  function setup(fail: () => boolean = () => false) {
    const tracker = new LateTracker(['softswitch_calls']);
    const gate = new Gate();
    gate.open();
    const runs: { at: number; statements: string[] }[] = [];
    let current: string[] = [];
    const backfiller = new Backfiller({
      tracker,
      plan: (hours) => [...(hours.get('softswitch_calls') ?? [])].sort().map((h) => `hour ${h}`),
      run: async (statement) => {
        if (fail()) throw new Error('InfluxDB said no');
        current.push(statement);
      },
      gate,
      retry: { initialMs: 100, maxMs: 1000 },
      delayMs: 1000,
      minIntervalMs: 30_000,
      log: silent,
    });
    const note = (iso: string) => {
      tracker.note(late(iso), Date.now());
      backfiller.kick();
    };
    const flushRun = () => {
      if (current.length) runs.push({ at: Date.now(), statements: current });
      current = [];
    };
    return { tracker, gate, backfiller, note, runs, flushRun };
  }

  beforeEach(() => {
    vi.useFakeTimers({ now: at('2026-11-25T12:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a second after the first late batch, then at most every 30 s', async () => {
    const t = setup();
    t.note('2026-11-25T10:10:00Z');
    await vi.advanceTimersByTimeAsync(500);
    t.note('2026-11-25T09:10:00Z'); // joins the scheduled run
    await vi.advanceTimersByTimeAsync(500);
    t.flushRun();
    expect(t.runs.map((r) => r.statements)).toEqual([
      [`hour ${at('2026-11-25T09:00:00Z') / 3_600_000}`, `hour ${at('2026-11-25T10:00:00Z') / 3_600_000}`],
    ]);
    t.note('2026-11-25T08:10:00Z');
    await vi.advanceTimersByTimeAsync(29_999);
    t.flushRun();
    expect(t.runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    t.flushRun();
    expect(t.runs).toHaveLength(2);
    expect(t.runs[1]!.at - t.runs[0]!.at).toBe(30_000);
    expect(t.tracker.pending).toBe(false);
    t.backfiller.stop();
  });

  it('keeps the hours of a failed run and retries with backoff; waits for the gate', async () => {
    let failing = true;
    const t = setup(() => failing);
    t.gate.close();
    t.note('2026-11-25T10:10:00Z');
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.tracker.pending).toBe(true); // gate closed: not even tried
    t.gate.open();
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.tracker.pending).toBe(true); // tried and failed, kept
    expect(t.backfiller.pendingStatements()).toEqual([`hour ${at('2026-11-25T10:00:00Z') / 3_600_000}`]);
    failing = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(t.tracker.pending).toBe(false);
    t.backfiller.stop();
  });

  it('finish() runs what is pending at once (for stop)', async () => {
    const t = setup();
    t.note('2026-11-25T10:10:00Z');
    await t.backfiller.finish(1000);
    t.flushRun();
    expect(t.runs).toHaveLength(1);
    expect(t.tracker.pending).toBe(false);
    t.backfiller.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
