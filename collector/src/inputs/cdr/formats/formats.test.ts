import { describe, expect, it } from 'vitest';
import { Zone } from '../zone.js';
import { detectFormat } from './detect.js';
import { LineParser, type ParserOptions } from './index.js';
import { mappingSchema } from './mapped.js';

const utc = new Zone('UTC');
const T = (iso: string) => Date.parse(iso);

function parseAll(options: Omit<ParserOptions, 'sourceZone'>, lines: string[]) {
  const parser = new LineParser({ sourceZone: utc, ...options });
  return lines.map((l) => parser.parse(l));
}

const ASTERISK_NEW =
  '"","89265955154","211553","stadion-pstn","""89265955154"" <89265955154>","SIP/211553-00000003","SIP/301-00000004","Dial","SIP/301,60,t","2024-01-27 15:33:20","2024-01-27 15:33:25","2024-01-27 15:34:20",60,55,"ANSWERED","DOCUMENTATION","1706369600.6","","","1706369600.6",3';
const ASTERISK_OLD = '"acc","1001","5551234","default","""Alice"" <1001>","SIP/1001-0a","SIP/trunk-0b","Dial","SIP/trunk/5551234","2010-05-01 10:00:00",,"2010-05-01 10:00:30",30,0,"BUSY","DOCUMENTATION","1272708000.1",""';

describe('Asterisk cdr_csv', () => {
  it.each([
    {
      name: 'Asterisk >= 12 (21 columns), answered',
      line: ASTERISK_NEW,
      row: { id: '1706369600.6', startMs: T('2024-01-27T15:33:20Z'), answerMs: T('2024-01-27T15:33:25Z'), endMs: T('2024-01-27T15:34:20Z'), billableMs: 55_000, src: '89265955154', dst: '211553', disposition: 'answered', inTrunk: 'SIP/211553', outTrunk: 'SIP/301', legKeys: ['1706369600.6'] },
    },
    {
      name: 'old layout (18 columns), busy, empty answer',
      line: ASTERISK_OLD,
      row: { id: '1272708000.1', startMs: T('2010-05-01T10:00:00Z'), endMs: T('2010-05-01T10:00:30Z'), billableMs: 0, disposition: 'busy', inTrunk: 'SIP/1001', outTrunk: 'SIP/trunk' },
    },
  ])('$name', ({ line, row }) => {
    const [result] = parseAll({ format: 'asterisk' }, [line]);
    expect(result).toMatchObject({ kind: 'row', row });
  });

  it.each([
    ['a line of garbage', 'expected 16-18'],
    [ASTERISK_NEW.replace('"2024-01-27 15:33:20"', '"yesterday"'), 'column 10 (start)'],
    [ASTERISK_NEW.replace(',60,55,', ',60,-5,'), 'column 14 (billsec)'],
    [ASTERISK_NEW.replace('"ANSWERED"', '"MAYBE"'), 'column 15 (disposition): unknown value "MAYBE"'],
    [ASTERISK_NEW.replace('"SIP/301,60,t"', '"SIP/301,60,t'), 'malformed CSV'],
  ])('rejects %s', (line, reason) => {
    const [result] = parseAll({ format: 'asterisk' }, [line]);
    expect(result).toEqual({ kind: 'reject', reason: expect.stringContaining(reason) });
  });

  it('bills Local channel halves nothing (their bridged leg carries the talk time)', () => {
    const local = ASTERISK_NEW.replace('"SIP/211553-00000003"', '"Local/ch1@TimeDelay-00000000;2"');
    const [result] = parseAll({ format: 'asterisk' }, [local]);
    expect(result).toMatchObject({ kind: 'row', row: { billableMs: 0, disposition: 'answered' } });
  });
});

const FS_A = '"spypi","91342657","1001","blueivr","2023-10-10 23:43:58","2023-10-10 23:43:59","2023-10-10 23:44:06","8","7","NORMAL_CLEARING","02132a5c-b9b1-4dbf-b79c-bdf408854867","","1001","PCMU","PCMU"';
const FS_BUSY = '"x","1001","1002","default","2023-10-10 23:50:00","","2023-10-10 23:50:02","2","0","USER_BUSY","11111111-b9b1-4dbf-b79c-bdf408854867","","","PCMA","PCMA"';

describe('FreeSWITCH mod_cdr_csv', () => {
  it.each([
    { line: FS_A, row: { id: '02132a5c-b9b1-4dbf-b79c-bdf408854867', billableMs: 7000, disposition: 'answered', cause: 16, src: '91342657', dst: '1001', legKeys: ['02132a5c-b9b1-4dbf-b79c-bdf408854867'] } },
    { line: FS_BUSY, row: { billableMs: 0, disposition: 'busy', cause: 17 } },
    { line: FS_BUSY.replace('USER_BUSY', 'NO_ANSWER'), row: { disposition: 'no_answer', cause: 19 } },
    { line: FS_BUSY.replace('USER_BUSY', 'ORIGINATOR_CANCEL'), row: { disposition: 'no_answer' } },
    { line: FS_BUSY.replace('USER_BUSY', 'NORMAL_TEMPORARY_FAILURE'), row: { disposition: 'failed', cause: 41 } },
  ])('$row.disposition $row.cause', ({ line, row }) => {
    expect(parseAll({ format: 'freeswitch' }, [line])[0]).toMatchObject({ kind: 'row', row });
  });

  it.each([
    [FS_A.replace('"8","7"', '"8","x"'), 'column 9 (billsec)'],
    [FS_A.replace(',"PCMU","PCMU"', ''), 'expected 15 columns'],
    [FS_A.replace('"NORMAL_CLEARING"', '"normal clearing!"'), 'column 10 (hangup_cause)'],
  ])('rejects %s', (line, reason) => {
    expect(parseAll({ format: 'freeswitch' }, [line])[0]).toEqual({ kind: 'reject', reason: expect.stringContaining(reason) });
  });
});

const CUCM_HEADER = '"cdrRecordType","globalCallID_callManagerId","globalCallID_callId","dateTimeOrigination","dateTimeConnect","dateTimeDisconnect","duration","callingPartyNumber","finalCalledPartyNumber","origCause_value","destCause_value","origDeviceName","destDeviceName"';
const CUCM_TYPES = 'INTEGER,INTEGER,INTEGER,INTEGER,INTEGER,INTEGER,INTEGER,VARCHAR(50),VARCHAR(50),INTEGER,INTEGER,VARCHAR(129),VARCHAR(129)';

describe('Cisco UCM CDR', () => {
  it('finds columns by the header and reads epoch times and causes', () => {
    const results = parseAll({ format: 'cucm' }, [
      CUCM_HEADER,
      CUCM_TYPES,
      '1,2,25447,1744993928,1744993930,1744993941,11,"5033466594","5033466593",16,0,"SEPCC7F750586B7","GW-PSTN"',
      '1,2,25450,1744993950,0,1744993955,0,"5033466594","2125550100",0,17,"SEPCC7F750586B7","GW-PSTN"',
      '1,2,25451,1744993960,0,1744993990,0,"5033466594","2125550100",16,0,"SEPCC7F750586B7","GW-PSTN"',
      '2,2,25447,1744993941,0,0,0,"","",0,0,"",""',
    ]);
    expect(results.map((r) => r.kind)).toEqual(['skip', 'skip', 'row', 'row', 'row', 'skip']);
    expect(results[2]).toMatchObject({ row: { id: '2-25447', startMs: 1744993928000, answerMs: 1744993930000, endMs: 1744993941000, billableMs: 11_000, disposition: 'answered', cause: 16, outTrunk: 'GW-PSTN' } });
    expect(results[3]).toMatchObject({ row: { disposition: 'busy', cause: 17, billableMs: 0 } });
    expect(results[4]).toMatchObject({ row: { disposition: 'no_answer', cause: 16 } });
  });

  it('rejects data before the header, and short rows', () => {
    expect(parseAll({ format: 'cucm' }, ['1,2,3'])[0]).toEqual({ kind: 'reject', reason: expect.stringContaining('before the header') });
    expect(parseAll({ format: 'cucm' }, [CUCM_HEADER, '1,2,3'])[1]).toEqual({ kind: 'reject', reason: 'expected 13 columns as in the header, got 3' });
  });

  it('keeps the header across a restart (parser state)', () => {
    const first = new LineParser({ format: 'cucm', sourceZone: utc });
    first.parse(CUCM_HEADER);
    const resumed = new LineParser({ format: 'cucm', sourceZone: utc }, first.state());
    expect(resumed.parse('1,2,9,1744993928,0,1744993929,0,"1","2",0,34,"a","b"')).toMatchObject({ kind: 'row', row: { disposition: 'failed', cause: 34 } });
  });
});

describe('Kamailio acc', () => {
  it.each([
    { line: '1795621534|1795621538|4.008000|sipp|1000|sip:127.0.0.1:5070', result: { kind: 'row', row: { startMs: 1795621534000, endMs: 1795621538000, billableMs: 4008, src: 'sipp', dst: '1000', outTrunk: 'sip:127.0.0.1:5070', disposition: 'answered' } } },
    { line: 'INVITE|ft|tt|call-1@host|486|Busy Here|1795621534|sipp|1000', result: { kind: 'row', row: { id: 'call-1@host', disposition: 'busy', sipCode: 486, cause: 17, billableMs: 0 } } },
    { line: 'INVITE|ft|tt|call-2@host|503|Service Unavailable|1795621534|sipp|1000', result: { kind: 'row', row: { disposition: 'failed', sipCode: 503, cause: 41 } } },
    { line: 'INVITE|ft|tt|call-3@host|487|Request Terminated|1795621534|sipp|1000', result: { kind: 'row', row: { disposition: 'no_answer' } } },
    { line: 'INVITE|ft|tt|call-4@host|200|OK|1795621534|sipp|1000', result: { kind: 'skip' } },
    { line: 'BYE|ft|tt|call-4@host|200|OK|1795621538|sipp|1000', result: { kind: 'skip' } },
    { line: '{"start_time":"2026-11-25 10:00:00","end_time":"2026-11-25 10:02:30.500","duration":150.5,"callid":"c@h","src_user":"a","dst_user":"b","gw":"trunk-a"}', result: { kind: 'row', row: { id: 'c@h', startMs: T('2026-11-25T10:00:00Z'), billableMs: 150_500, outTrunk: 'trunk-a' } } },
    { line: '{"key":"cdr","val":"{\\"start_time\\": 1795621534, \\"end_time\\": 1795621538, \\"duration\\": 4.008, \\"src_user\\": \\"sipp\\"}"}', result: { kind: 'row', row: { startMs: 1795621534000, billableMs: 4008, src: 'sipp' } } },
    { line: '1795621534|1795621538|four|sipp|1000|gw', result: { kind: 'reject', reason: 'field 3 (duration): not seconds: "four"' } },
    { line: '1795621534|1795621538|4.0|sipp', result: { kind: 'reject', reason: expect.stringContaining('expected 6 fields') } },
    { line: 'INVITE|ft|tt|c|99|x|1795621534|a|b', result: { kind: 'reject', reason: expect.stringContaining('not a SIP status code') } },
    { line: '{"start_time": oops}', result: { kind: 'reject', reason: expect.stringContaining('not JSON') } },
  ])('$line', ({ line, result }) => {
    expect(parseAll({ format: 'kamailio' }, [line])[0]).toMatchObject(result);
  });
});

describe('configurable CSV mapping', () => {
  const mapping = {
    delimiter: ';',
    header: true,
    timeFormat: 'epoch' as const,
    columns: { start: 'setup', answer: 'connect', end: 'release', src: 'from', dst: 'to', disposition: 'result', progress: 'ring', outTrunk: 'route' },
    dispositions: { answered: ['OK'], busy: ['BUSY'], no_answer: ['NOANSWER'], failed: ['ERROR'] },
  };
  it('maps columns by header name and derives billable time and PDD', () => {
    const results = parseAll({ format: 'csv', mapping }, [
      'setup;ring;connect;release;from;to;result;route',
      '1700000000;1700000003;1700000010;1700000070;2125550100;3125550100;OK;T1',
      '1700000100;1700000102;;1700000120;2125550100;3125550100;NOANSWER;T1',
      '1700000100;;;1700000120;2125550100;3125550100;SOMETHING;T1',
    ]);
    expect(results[0]).toEqual({ kind: 'skip', why: 'header' });
    expect(results[1]).toMatchObject({ row: { billableMs: 60_000, pddMs: 3000, disposition: 'answered', outTrunk: 'T1' } });
    expect(results[2]).toMatchObject({ row: { billableMs: 0, disposition: 'no_answer', pddMs: 2000 } });
    expect(results[3]).toEqual({ kind: 'reject', reason: 'column result (disposition): unknown value "SOMETHING"' });
  });
});

describe('detectFormat', () => {
  it.each([
    [ASTERISK_NEW, 'asterisk'],
    [ASTERISK_OLD, 'asterisk'],
    [FS_A, 'freeswitch'],
    [CUCM_HEADER, 'cucm'],
    ['1795621534|1795621538|4.008000|sipp|1000|sip:127.0.0.1:5070', 'kamailio'],
    ['INVITE|ft|tt|call-1@host|486|Busy Here|1795621534|sipp|1000', 'kamailio'],
    ['{"start_time": 1}', 'kamailio'],
    ['hello world', undefined],
  ])('%s → %s', (line, format) => {
    expect(detectFormat(line)).toBe(format);
  });

  it('auto mode rejects lines until one is recognised, then keeps that format', () => {
    expect(parseAll({ format: 'auto' }, ['garbage', FS_A, ASTERISK_NEW]).map((r) => r.kind)).toEqual(['reject', 'row', 'reject']);
  });
});

describe('row shape', () => {
  // Every parser hands out rows with the same properties in the same order (record.ts callShape), so
  // the per-call code after it (assembler, point clock, engine, totals) sees one hidden class.
  const SHAPE = ['id', 'startMs', 'answerMs', 'endMs', 'billableMs', 'src', 'dst', 'disposition', 'cause', 'sipCode', 'inTrunk', 'outTrunk', 'pddMs', 'legKeys', 'pointTime'];
  it.each([
    { format: 'asterisk' as const, lines: [ASTERISK_NEW] },
    { format: 'asterisk' as const, lines: [ASTERISK_OLD] },
    { format: 'freeswitch' as const, lines: [FS_A] },
    { format: 'cucm' as const, lines: [CUCM_HEADER, '1,2,9,1744993928,0,1744993929,0,"1","2",0,34,"a","b"'] },
    { format: 'kamailio' as const, lines: ['1795621534|1795621538|4.008000|sipp|1000|sip:127.0.0.1:5070'] },
    { format: 'kamailio' as const, lines: ['INVITE|ft|tt|call-1@host|486|Busy Here|1795621534|sipp|1000'] },
    { format: 'kamailio' as const, lines: ['{"start_time":"2026-11-25 10:00:00","end_time":"2026-11-25 10:02:30","duration":150,"gw":"trunk-a"}'] },
  ])('$format: $lines.0', ({ format, lines }) => {
    const result = parseAll({ format }, lines).at(-1)!;
    expect(result.kind).toBe('row');
    expect(Object.keys((result as { row: object }).row)).toEqual(SHAPE);
  });
});

describe('lines that cannot be a call', () => {
  // One check for every format (record.ts row): a call must not end before it starts. Each line is a
  // valid one of its format with one time damaged; the reason names both times.
  const MAPPED = { delimiter: ';', header: false, timeFormat: 'epoch' as const, columns: { start: 1, answer: 2, end: 3, src: 4, dst: 5 } };
  it.each([
    { format: 'asterisk' as const, lines: [ASTERISK_NEW.replace('"2024-01-27 15:34:20"', '"2024-01-27 15:23:20"')], end: '2024-01-27T15:23:20.000Z' },
    { format: 'freeswitch' as const, lines: [FS_A.replace('"2023-10-10 23:44:06"', '"2023-10-09 23:44:06"')], end: '2023-10-09T23:44:06.000Z' },
    { format: 'cucm' as const, lines: [CUCM_HEADER, '1,2,25447,1744993928,1744993930,1744993927,11,"1","2",16,0,"a","b"'], end: '2025-04-18T16:32:07.000Z' },
    { format: 'kamailio' as const, lines: ['17956021534|1795621538|4.008000|sipp|1000|sip:127.0.0.1:5070'], end: '2026-11-25T15:45:38.000Z' },
    { format: 'kamailio' as const, lines: ['{"start_time":"2026-11-25 10:00:00","end_time":"2026-11-25 09:02:30","duration":150}'], end: '2026-11-25T09:02:30.000Z' },
    { format: 'csv' as const, mapping: MAPPED, lines: ['1700000000;1700000010;1600000070;2125550100;3125550100'], end: '2020-09-13T12:27:50.000Z' },
    // No end column: the end is derived from answer + billable time, and an answer before the start is caught the same way.
    { format: 'csv' as const, mapping: { ...MAPPED, columns: { start: 1, answer: 2, billsec: 3, src: 4, dst: 5 } }, lines: ['1700000000;17;4;2125550100;3125550100'], end: '1970-01-01T00:00:21.000Z' },
  ])('$format: end before start is rejected ($lines.0)', ({ format, mapping, lines, end }) => {
    const result = parseAll({ format, ...(mapping ? { mapping: mappingSchema.parse(mapping) } : {}) }, lines).at(-1);
    expect(result).toEqual({ kind: 'reject', reason: expect.stringMatching(new RegExp(`^call ends before it starts: end ${end} < start `)) });
  });

  it.each([
    { line: '1700000000;1700000003;17', missing: 'release (end), from (src), to (dst), result (disposition), route (outTrunk)', count: 3 },
    { line: '1700000000;1700000003;1700000010;1700000070;2125550100;3125550100;OK', missing: 'route (outTrunk)', count: 7 },
  ])('csv: a line without all mapped columns is rejected, naming them ($count columns)', ({ line, missing, count }) => {
    const mapping = mappingSchema.parse({
      delimiter: ';',
      header: true,
      timeFormat: 'epoch',
      columns: { start: 'setup', answer: 'connect', end: 'release', src: 'from', dst: 'to', disposition: 'result', progress: 'ring', outTrunk: 'route' },
      dispositions: { answered: ['OK'], busy: ['BUSY'], no_answer: ['NOANSWER'], failed: ['ERROR'] },
    });
    const [, result] = parseAll({ format: 'csv', mapping }, ['setup;ring;connect;release;from;to;result;route', line]);
    expect(result).toEqual({ kind: 'reject', reason: `expected at least 8 columns, got ${count}: missing mapped column(s) ${missing}` });
  });

  it('csv by position: the widest mapped column sets the width', () => {
    const mapping = mappingSchema.parse({ delimiter: ';', timeFormat: 'epoch', columns: { start: 1, end: 2, src: 3, dst: 5 } });
    expect(parseAll({ format: 'csv', mapping }, ['1700000000;1700000060;2125550100;x'])[0]).toEqual({
      kind: 'reject',
      reason: 'expected at least 5 columns, got 4: missing mapped column(s) 5 (dst)',
    });
    expect(parseAll({ format: 'csv', mapping }, ['1700000000;1700000060;2125550100;x;3125550100'])[0]).toMatchObject({ kind: 'row', row: { dst: '3125550100' } });
  });

  // Local wall-clock times: a call across the fall-back hour reads as ending before it starts
  // (01:59:50 EDT → 01:00:20 EST), and is a real call; its end (and answer) are the later reading.
  it.each([
    {
      format: 'asterisk' as const,
      line: ASTERISK_NEW.replace('"2024-01-27 15:33:20","2024-01-27 15:33:25","2024-01-27 15:34:20",60,55', '"2026-11-01 01:59:50","2026-11-01 01:59:55","2026-11-01 01:00:20",30,25'),
    },
    { format: 'freeswitch' as const, line: FS_A.replace('"2023-10-10 23:43:58","2023-10-10 23:43:59","2023-10-10 23:44:06","8","7"', '"2026-11-01 01:59:50","2026-11-01 01:59:55","2026-11-01 01:00:20","30","25"') },
    { format: 'kamailio' as const, line: '{"start_time":"2026-11-01 01:59:50","end_time":"2026-11-01 01:00:20","duration":25}' },
  ])('$format: a call across the fall-back hour in America/New_York is kept', ({ format, line }) => {
    const parser = new LineParser({ format, sourceZone: new Zone('America/New_York') });
    expect(parser.parse(line)).toMatchObject({ kind: 'row', row: { startMs: Date.parse('2026-11-01T05:59:50Z'), endMs: Date.parse('2026-11-01T06:00:20Z') } });
  });

  it('a call that ends the instant it starts is still a call (failed INVITE, zero-length CDR)', () => {
    expect(parseAll({ format: 'kamailio' }, ['1795621534|1795621534|0|sipp|1000|gw'])[0]).toMatchObject({ kind: 'row', row: { billableMs: 0 } });
  });
});
