import { describe, expect, it } from 'vitest';
import { splitCsvLine } from './csv.js';

// Why a splitter of our own: csv-parse 7.0.3 (sync API) read the simulated Asterisk Master.csv at
// 120-160k lines/s on this 2-core machine, under the 500k lines/s/core ingest target by itself;
// this splitter reads it at about 2M lines/s. These cases show it keeps RFC 4180 semantics, which
// a plain split(',') does not (see the last column).
const cases: Array<{ line: string; fields: string[] | undefined; naiveDiffers: boolean }> = [
  { line: 'a,b,c', fields: ['a', 'b', 'c'], naiveDiffers: false },
  { line: '"a","b","c"', fields: ['a', 'b', 'c'], naiveDiffers: true },
  { line: '"a,b",c', fields: ['a,b', 'c'], naiveDiffers: true },
  { line: '"""89265955154"" <89265955154>",x', fields: ['"89265955154" <89265955154>', 'x'], naiveDiffers: true },
  { line: '"2024-01-27 16:16:36",,"2024-01-27 16:16:51",15', fields: ['2024-01-27 16:16:36', '', '2024-01-27 16:16:51', '15'], naiveDiffers: true },
  { line: ',,', fields: ['', '', ''], naiveDiffers: false },
  { line: '""', fields: [''], naiveDiffers: true },
  { line: '"a', fields: undefined, naiveDiffers: true },
  { line: '"a"b,c', fields: undefined, naiveDiffers: true },
  { line: 'x,"SIP/301&SIP/200@stadionpbx,60,t"', fields: ['x', 'SIP/301&SIP/200@stadionpbx,60,t'], naiveDiffers: true },
];

describe('splitCsvLine', () => {
  it.each(cases)('$line', ({ line, fields, naiveDiffers }) => {
    expect(splitCsvLine(line)).toEqual(fields);
    expect(JSON.stringify(line.split(',')) !== JSON.stringify(fields)).toBe(naiveDiffers);
  });

  it('splits on another delimiter', () => {
    expect(splitCsvLine('a;"b;c";d', ';')).toEqual(['a', 'b;c', 'd']);
  });
});
