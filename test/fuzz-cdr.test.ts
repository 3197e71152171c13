// Fuzzing the CDR line parsers (collector/src/inputs/cdr/formats/*) with damaged real lines: the
// fixture files of Asterisk, FreeSWITCH and CUCM, Kamailio acc lines in each of its layouts, and a
// mapped CSV. Every line must give a row that keeps the CallRecord invariants, a skip, or a reject
// whose reason says what is wrong; never a throw, NaN, a negative duration or an end before the start.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineParser, type ParserOptions } from '../collector/src/inputs/cdr/formats/index.js';
import { mappingSchema } from '../collector/src/inputs/cdr/formats/mapped.js';
import { DISPOSITIONS, type LineResult } from '../collector/src/inputs/cdr/record.js';
import { Zone } from '../collector/src/inputs/cdr/zone.js';
import { mutatedText, runs } from './support/fuzz.js';

const FIXTURES = join(import.meta.dirname, '../../shared/fixtures/cdr');
const lines = (file: string) => readFileSync(join(FIXTURES, file), 'utf8').split('\n').filter(Boolean);
const zone = new Zone('America/New_York');

const KAMAILIO = [
  '1795621534|1795621538|4.008000|sipp|1000|sip:127.0.0.1:5070',
  'INVITE|ft|tt|call-1@host|486|Busy Here|1795621534|sipp|1000',
  'BYE|ft|tt|call-4@host|200|OK|1795621538|sipp|1000',
  '{"start_time":"2026-11-25 10:00:00","end_time":"2026-11-25 10:02:30.500","duration":150.5,"callid":"c@h","src_user":"a","dst_user":"b","gw":"trunk-a"}',
  '{"key":"cdr","val":"{\\"start_time\\": 1795621534, \\"end_time\\": 1795621538, \\"duration\\": 4.008, \\"src_user\\": \\"sipp\\"}"}',
];
const MAPPING = mappingSchema.parse({
  delimiter: ';',
  header: true,
  timeFormat: 'epoch',
  columns: {
    start: 'setup',
    answer: 'connect',
    end: 'release',
    src: 'from',
    dst: 'to',
    disposition: 'result',
    progress: 'ring',
    outTrunk: 'route',
  },
  dispositions: { answered: ['OK'], busy: ['BUSY'], no_answer: ['NOANSWER'], failed: ['ERROR'] },
});
const CSV_HEADER = 'setup;ring;connect;release;from;to;result;route';
const CSV = [
  '1700000000;1700000003;1700000010;1700000070;2125550100;3125550100;OK;T1',
  '1700000100;1700000102;;1700000120;2125550100;3125550100;NOANSWER;T1',
];

function checkResult(result: LineResult): void {
  expect(['row', 'skip', 'reject']).toContain(result.kind);
  if (result.kind === 'reject') {
    expect(typeof result.reason).toBe('string');
    expect(result.reason.trim().length).toBeGreaterThan(3);
    return;
  }
  if (result.kind === 'skip') return void expect(typeof result.why).toBe('string');
  const r = result.row;
  for (const [name, value] of Object.entries({ startMs: r.startMs, endMs: r.endMs, billableMs: r.billableMs }))
    expect(Number.isSafeInteger(value), `${name} = ${value}`).toBe(true);
  for (const [name, value] of Object.entries({ answerMs: r.answerMs, pddMs: r.pddMs, cause: r.cause, sipCode: r.sipCode })) {
    if (value !== undefined) expect(Number.isFinite(value), `${name} = ${value}`).toBe(true);
  }
  expect(r.billableMs).toBeGreaterThanOrEqual(0);
  expect(r.endMs, 'a call never ends before it starts').toBeGreaterThanOrEqual(r.startMs);
  expect(DISPOSITIONS).toContain(r.disposition);
  expect(typeof r.src).toBe('string');
  expect(typeof r.dst).toBe('string');
  expect(typeof r.id).toBe('string');
}

const cases: Array<{ name: string; options: Omit<ParserOptions, 'sourceZone'>; header?: string; samples: string[] }> = [
  { name: 'Asterisk cdr_csv', options: { format: 'asterisk' }, samples: lines('asterisk_Master_dj-asterisk-cdr.csv').slice(0, 20) },
  { name: 'FreeSWITCH cdr_csv', options: { format: 'freeswitch' }, samples: lines('freeswitch_cdr_csv_example_legs_ab.csv') },
  {
    name: 'CUCM CDR',
    options: { format: 'cucm' },
    header: lines('cucm_cdr_sieteunoseis.txt')[0],
    samples: lines('cucm_cdr_sieteunoseis.txt').slice(1),
  },
  {
    name: 'CUCM CMR',
    options: { format: 'cucm' },
    header: lines('cucm_cmr_sieteunoseis.txt')[0],
    samples: lines('cucm_cmr_sieteunoseis.txt').slice(1),
  },
  { name: 'Kamailio acc', options: { format: 'kamailio' }, samples: KAMAILIO },
  { name: 'mapped CSV', options: { format: 'csv', mapping: MAPPING }, header: CSV_HEADER, samples: CSV },
];

describe('CDR parsers fed damaged lines', () => {
  it.each(cases)('$name: a valid row, a skip or a reject with a reason, for every line', ({ options, header, samples }) => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(fc.constantFrom(...samples).chain(mutatedText), fc.boolean(), (line, damageHeader) => {
        const parser = new LineParser({ sourceZone: zone, ...options });
        if (header) checkResult(parser.parse(damageHeader ? fc.sample(mutatedText(header), 1)[0]! : header));
        const result = parser.parse(line);
        checkResult(result);
        kinds.add(result.kind);
      }),
      runs(800),
    );
    // Damage that leaves a line parseable and damage that breaks it both happened.
    expect(kinds).toContain('reject');
  });

  it('auto-detection: any text is detected as a format or rejected, and a detected parser keeps the invariants', () => {
    const all = cases.flatMap((c) => [...(c.header ? [c.header] : []), ...c.samples]);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...all).chain(mutatedText), fc.string({ maxLength: 200, unit: 'binary' })), {
          minLength: 1,
          maxLength: 5,
        }),
        (batch) => {
          const parser = new LineParser({ sourceZone: zone, format: 'auto' });
          for (const line of batch) checkResult(parser.parse(line));
        },
      ),
      runs(800),
    );
  });
});
