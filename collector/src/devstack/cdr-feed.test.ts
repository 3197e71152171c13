// The demo's CDR feed resumes its file from one start to the next (so the cdr input's checkpoint
// and the traffic profile can stay), and writes it anew only when it is not what the feed left.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importCdrFiles } from '../inputs/cdr/batch-import.js';
import { dialPlanSchema } from '../inputs/cdr/dialplan.js';
import { startCdrFeed, type CdrFeed } from './cdr-feed.js';

const ZONE = 'America/New_York';
let dir: string;
let feed: CdrFeed | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'callboard-cdr-feed-'));
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  feed?.stop();
  feed = undefined;
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const start = (at: string) => {
  feed?.stop();
  vi.setSystemTime(new Date(at));
  feed = startCdrFeed({ dir, callsPerDay: 300, historyDays: 2, timezone: ZONE, tickMs: 3_600_000 });
  return feed;
};

/** Per-day calls, answered and billable seconds of the file, as `cdr import` reads them. */
async function fileDays(file: string) {
  const result = await importCdrFiles([file], { format: 'asterisk', timezone: ZONE, dialPlan: dialPlanSchema.parse(undefined) });
  expect(result.rejected).toBe(0);
  return result.days.map(({ day, calls, answered, billableSeconds }) => ({ day, calls, answered, billableSeconds }));
}

const totals = (f: CdrFeed) => f.history.map(({ day, calls, answered, billableSeconds }) => ({ day, calls, answered, billableSeconds }));

describe('demo CDR feed', () => {
  it('resumes its file after a stop: the rest of the day it began, the days since, then today; nothing twice', async () => {
    const first = start('2026-11-20T17:00:00Z'); // noon in New York
    expect(first.rewritten).toBe(true);
    expect(first.history.map((d) => d.day)).toEqual(['2026-11-18', '2026-11-19']);
    const partial = first.appended();
    expect(partial).toBeGreaterThan(0);
    expect(await fileDays(first.file)).toEqual([...totals(first), expect.objectContaining({ day: '2026-11-20', calls: partial })]);
    const before = readFileSync(first.file, 'utf8');

    const second = start('2026-11-23T15:00:00Z'); // three days later, 10:00 in New York
    expect(second.rewritten).toBe(false);
    const after = readFileSync(second.file, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(second.history.map((d) => d.day)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
    expect(second.history[2]!.calls).toBeGreaterThan(partial);
    expect(await fileDays(second.file)).toEqual([
      ...totals(second),
      expect.objectContaining({ day: '2026-11-23', calls: second.appended() }),
    ]);

    // Running on past midnight: the day is finished, then the next one begins.
    vi.setSystemTime(new Date('2026-11-24T04:30:00Z')); // 23:30
    vi.advanceTimersByTime(2 * 3_600_000);
    expect(second.history.map((d) => d.day).at(-1)).toBe('2026-11-23');
    expect(await fileDays(second.file)).toEqual([
      ...totals(second),
      expect.objectContaining({ day: '2026-11-24', calls: second.appended() }),
    ]);
  });

  it('writes the file anew when it is not what the feed left (changed, or other simulation settings)', async () => {
    start('2026-11-20T17:00:00Z');
    appendFileSync(feed!.file, 'a line the feed did not write\n');
    const changed = start('2026-11-21T17:00:00Z');
    expect(changed.rewritten).toBe(true);
    expect(changed.history.map((d) => d.day)).toEqual(['2026-11-19', '2026-11-20']);
    expect(await fileDays(changed.file)).toEqual([
      ...totals(changed),
      expect.objectContaining({ day: '2026-11-21', calls: changed.appended() }),
    ]);

    feed!.stop();
    feed = startCdrFeed({ dir, callsPerDay: 400, historyDays: 1, timezone: ZONE, tickMs: 3_600_000 });
    expect(feed.rewritten).toBe(true);
    expect(feed.history.map((d) => d.day)).toEqual(['2026-11-20']);
    expect(await fileDays(feed.file)).toEqual([...totals(feed), expect.objectContaining({ day: '2026-11-21', calls: feed.appended() })]);
  });
});
