// Every real CDR sample in shared/fixtures/cdr parses with no rejected line, and the totals the
// CLI prints equal totals this test works out from the raw columns by its own rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callboardJson, csvFields, FIXTURES, type ImportJson } from '../collector/src/inputs/cdr/testing/e2e-support.js';

interface Expected {
  calls: number;
  answered: number;
  seconds: number;
}

function addTo(map: Map<string, Expected>, day: string, answered: boolean, seconds: number): void {
  const e = map.get(day) ?? { calls: 0, answered: 0, seconds: 0 };
  e.calls += 1;
  e.answered += answered ? 1 : 0;
  e.seconds += seconds;
  map.set(day, e);
}

const lines = (file: string) => readFileSync(join(FIXTURES, file), 'utf8').split('\n').filter((l) => l.trim() !== '');

function importUtc(file: string): ImportJson {
  return callboardJson<ImportJson>('cdr', 'import', '--json', '--tz', 'UTC', join(FIXTURES, file));
}

function expectTotals(result: ImportJson, expected: Map<string, Expected>): void {
  expect(result.rejected).toBe(0);
  expect(result.days.map((d) => ({ day: d.day, calls: d.calls, answered: d.answered, seconds: d.billableSeconds }))).toEqual(
    [...expected.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, e]) => ({ day, ...e })),
  );
  for (const d of result.days) expect(d.minutes * 60).toBeCloseTo(d.billableSeconds, 9);
}

describe('CDR fixtures', () => {
  it('Asterisk Master.csv (>= 12 layout): one call per linkedid, billed on answered non-Local legs', () => {
    const file = 'asterisk_Master_dj-asterisk-cdr.csv';
    const calls = new Map<string, { day: string; answered: boolean; seconds: number }>();
    for (const line of lines(file)) {
      const f = csvFields(line);
      const [channel, start, billsec, disposition, linkedid] = [f[5]!, f[9]!, Number(f[13]), f[14]!, f[19]!];
      const call = calls.get(linkedid) ?? { day: start.slice(0, 10), answered: false, seconds: 0 };
      if (start.slice(0, 10) < call.day) call.day = start.slice(0, 10);
      if (disposition === 'ANSWERED') {
        call.answered = true;
        if (!channel.startsWith('Local/')) call.seconds += billsec;
      }
      calls.set(linkedid, call);
    }
    const expected = new Map<string, Expected>();
    for (const c of calls.values()) addTo(expected, c.day, c.answered, c.seconds);
    const result = importUtc(file);
    expect(result.files).toEqual([expect.objectContaining({ format: 'asterisk', lines: 84, rejected: 0 })]);
    expectTotals(result, expected);
    expect(result.days.reduce((a, d) => a + d.calls, 0)).toBe(36);
  });

  it('FreeSWITCH Master.csv with legs=ab: A and B legs linked by bleg_uuid are one call', () => {
    const file = 'freeswitch_cdr_csv_example_legs_ab.csv';
    const rows = lines(file).map(csvFields);
    const partOf = new Map<string, string>();
    for (const f of rows) partOf.set(f[10]!, f[11] ? (partOf.get(f[11]) ?? f[11]) : f[10]!);
    const calls = new Map<string, { day: string; answered: boolean; seconds: number }>();
    for (const f of rows) {
      const key = partOf.get(f[10]!)!;
      const call = calls.get(key) ?? { day: f[4]!.slice(0, 10), answered: false, seconds: 0 };
      call.answered ||= f[5] !== '';
      call.seconds = Math.max(call.seconds, Number(f[8]));
      calls.set(key, call);
    }
    const expected = new Map<string, Expected>();
    for (const c of calls.values()) addTo(expected, c.day, c.answered, c.seconds);
    const result = importUtc(file);
    expect(result.files).toEqual([expect.objectContaining({ format: 'freeswitch', lines: 4, calls: 2 })]);
    expectTotals(result, expected);
  });

  it('Cisco UCM CDR file: header and datatype line, one call per cdrRecordType 1 row', () => {
    const file = 'cucm_cdr_sieteunoseis.txt';
    const [header, , ...data] = lines(file).map(csvFields);
    const col = (name: string) => header!.indexOf(name);
    const expected = new Map<string, Expected>();
    for (const f of data.filter((r) => r[0] === '1')) {
      const day = new Date(Number(f[col('dateTimeOrigination')]) * 1000).toISOString().slice(0, 10);
      const connected = f[col('dateTimeConnect')] !== '0';
      addTo(expected, day, connected, connected ? Number(f[col('duration')]) : 0);
    }
    const result = importUtc(file);
    expect(result.files).toEqual([expect.objectContaining({ format: 'cucm', calls: 3, skipped: 2 })]);
    expectTotals(result, expected);
  });

  it('Cisco UCM CMR file: recognised, no calls, nothing rejected', () => {
    const result = importUtc('cucm_cmr_sieteunoseis.txt');
    expect(result).toEqual({ days: [], rejected: 0, files: [expect.objectContaining({ format: 'cucm', calls: 0, rejected: 0, skipped: 4 })] });
  });

  it('prints exactly one JSON object of the documented shape for several files at once', () => {
    const all = callboardJson<ImportJson>('cdr', 'import', '--json', '--format', 'auto', ...['asterisk_Master_dj-asterisk-cdr.csv', 'cucm_cdr_sieteunoseis.txt', 'cucm_cmr_sieteunoseis.txt', 'freeswitch_cdr_csv_example_legs_ab.csv'].map((f) => join(FIXTURES, f)));
    expect(Object.keys(all)).toEqual(['days', 'rejected', 'files']);
    expect(all.rejected).toBe(0);
    expect(all.files).toHaveLength(4);
    expect(all.days.reduce((a, d) => a + d.calls, 0)).toBe(36 + 2 + 3);
    for (const d of all.days) expect(Object.keys(d)).toEqual(expect.arrayContaining(['day', 'calls', 'answered', 'minutes', 'byClass']));
  });
});
