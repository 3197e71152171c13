// `cdr import` on a file with a line longer than the read chunk: the line is rejected with its line
// number like any bad line, and every good line around it is counted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importCdrFiles } from './batch-import.js';
import { dialPlanSchema } from './dialplan.js';
import type { RejectedLine } from './reader.js';

/** A Kamailio acc_cdrs line: one answered call of `seconds` starting at `start` (epoch s). */
const cdr = (start: number, seconds: number) => `${start}|${start + seconds}|${seconds}.000000|3125550100|2125550100|trunk-a\n`;
const T0 = Math.floor(Date.parse('2026-11-24T15:00:00Z') / 1000);
const lines = (from: number, n: number, seconds: number) => Array.from({ length: n }, (_, i) => cdr(T0 + from + i, seconds)).join('');

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Imports `text` written as a Kamailio acc_cdrs file in a fresh directory; the rejected lines are collected. */
async function importText(text: string) {
  dir = mkdtempSync(join(tmpdir(), 'callboard-cdr-import-'));
  const file = join(dir, 'acc_cdrs.log');
  writeFileSync(file, text);
  const rejected: RejectedLine[] = [];
  const result = await importCdrFiles([file], {
    format: 'kamailio',
    timezone: 'America/New_York',
    dialPlan: dialPlanSchema.parse(undefined),
    onRejected: (line) => rejected.push(line),
  });
  return { file, result, rejected };
}

describe('importCdrFiles', () => {
  it('rejects a line over the 4 MB read chunk with its line number and counts the rest of the file', async () => {
    const longLine = `${T0}|${'9'.repeat(5 * 1024 * 1024)}\n`;
    // 100 calls of 60 s, the long line (line 101), 50 calls of 30 s, then one bad line (line 152).
    const { file, result, rejected } = await importText(lines(0, 100, 60) + longLine + lines(1000, 50, 30) + 'not a cdr line\n');

    expect(result.days).toHaveLength(1);
    expect(result.days[0]).toMatchObject({ day: '2026-11-24', calls: 150, answered: 150, billableSeconds: 100 * 60 + 50 * 30 });
    expect(result.days[0]!.minutes).toBe((100 * 60 + 50 * 30) / 60);
    expect(result.rejected).toBe(2);
    expect(result.files).toEqual([{ file, format: 'kamailio', lines: 152, calls: 150, rejected: 2, skipped: 0 }]);
    expect(rejected.map(({ file, line, reason }) => ({ file, line, reason }))).toEqual([
      { file, line: 101, reason: 'line longer than 4194304 bytes' },
      { file, line: 152, reason: expect.any(String) },
    ]);
    expect(rejected[0]!.text.startsWith(`${T0}|999`)).toBe(true);
    expect(rejected[0]!.text.length).toBeLessThanOrEqual(2000);
  });

  it('rejects an over-long last line without a line break the same way, without reading it whole', async () => {
    const { file, result, rejected } = await importText(lines(0, 20, 60) + `${T0}|${'9'.repeat(5 * 1024 * 1024)}`);

    expect(result.days[0]).toMatchObject({ calls: 20, billableSeconds: 20 * 60 });
    expect(result.files).toEqual([{ file, format: 'kamailio', lines: 21, calls: 20, rejected: 1, skipped: 0 }]);
    expect(rejected.map(({ line, reason }) => ({ line, reason }))).toEqual([{ line: 21, reason: 'line longer than 4194304 bytes' }]);
    expect(rejected[0]!.text.length).toBeLessThanOrEqual(2000);
  });
});
