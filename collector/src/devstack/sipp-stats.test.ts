// @vitest-environment node
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSippStatCsv, summarizeSippStats } from './sipp-stats.js';

// Produced by SIPp 3.6.1 (runUac: 40 calls at 20 cps, hold 1 s, every 10th call to a busy
// number) through Kamailio 5.6.3 against the devstack UAS.
const fixture = readFileSync(new URL('./fixtures/sipp-stat-40-calls-4-busy.csv', import.meta.url), 'utf8');

describe('SIPp -trace_stat CSV', () => {
  it('parses every row by column name, dates with their tabs intact', () => {
    const rows = parseSippStatCsv(fixture);
    expect(rows).toHaveLength(5);
    const last = rows.at(-1)!;
    expect(Object.keys(last)).toHaveLength(95);
    expect(last.TargetRate).toBe('20');
    expect(last['OutgoingCall(C)']).toBe('40');
    expect(last.StartTime).toMatch(/^\d{4}-\d\d-\d\d\t\d\d:\d\d:\d\d\.\d{6}\t\d+\.\d{6}$/);
  });

  it("summarizes the final row: SIPp's own count of the run", () => {
    expect(summarizeSippStats(fixture)).toEqual({
      created: 40,
      successful: 36,
      failed: 4,
      failedByReason: { UnexpectedMessage: 4 },
      currentCalls: 0,
      retransmissions: 0,
      outOfCallMessages: 0,
      deadCallMessages: 0,
      autoAnswered: 0,
      fatalErrors: 0,
      rows: 5,
    });
  });

  it('uses the last row, not a periodic one taken mid-run', () => {
    const midRun = fixture.split('\n').slice(0, 3).join('\n');
    const summary = summarizeSippStats(midRun);
    expect(summary.created).toBe(19);
    expect(summary.currentCalls).toBe(18);
  });

  it('rejects what is not a SIPp stat file', () => {
    expect(() => parseSippStatCsv('')).toThrow(/empty/);
    expect(() => parseSippStatCsv('a;b;c;\n1;2;3;\n')).toThrow(/not a SIPp stat CSV/);
    expect(() => summarizeSippStats(fixture.split('\n')[0]!)).toThrow(/no data row/);
    const truncated = fixture.trimEnd().slice(0, -40);
    expect(() => parseSippStatCsv(truncated)).toThrow(/fields, header has 95/);
  });
});
