// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { softswitchCalls, trunkStatus } from '../../inputs/kamailio/measurements.js';
import type { MeasurementSchema, Metric } from '../../pipeline/metric.js';
import { assertSchemaNames, MetricValidator } from './validate.js';

const validator = new MetricValidator([softswitchCalls, trunkStatus]);
const T = 1_764_000_000_000;
const calls = (fields: Record<string, unknown>, tags: Record<string, unknown> = { switch: 'ss1' }): Metric =>
  ({ measurement: 'softswitch_calls', tags, fields, time: T }) as Metric;
const reason = (m: Metric) => {
  const r = validator.check(m);
  return r.ok ? undefined : r.rejection;
};

describe('MetricValidator', () => {
  it('passes a well-typed point through unchanged', () => {
    const m = calls({ active: 3, attempts: 10, minutes: 1.5, asr: 0.5, ner: 1 });
    expect(validator.check(m)).toEqual({ ok: true, metric: m });
    expect((validator.check(m) as { metric: Metric }).metric).toBe(m);
  });

  it('rejects a float, NaN or Infinity in an integer field, naming measurement and field', () => {
    expect(reason(calls({ attempts: 1.5 }))).toEqual({
      code: 'wrong-type',
      measurement: 'softswitch_calls',
      field: 'attempts',
      reason: 'expected an integer, got float 1.5',
    });
    expect(reason(calls({ attempts: Number.NaN }))?.reason).toBe('expected an integer, got NaN');
    expect(reason(calls({ attempts: Infinity }))?.reason).toBe('expected an integer, got Infinity');
    expect(reason(calls({ attempts: '3' }))?.reason).toBe('expected an integer, got string "3"');
    expect(reason(calls({ attempts: 2 ** 63 }))?.field).toBe('attempts');
    expect(reason(calls({ attempts: -(2 ** 63) }))).toBeUndefined();
  });

  it('rejects non-finite floats and wrong types in other fields', () => {
    expect(reason(calls({ asr: Number.NaN }))).toEqual({
      code: 'wrong-type',
      measurement: 'softswitch_calls',
      field: 'asr',
      reason: 'expected a finite float, got NaN',
    });
    expect(reason(calls({ asr: -Infinity }))?.reason).toBe('expected a finite float, got -Infinity');
    expect(reason(calls({ asr: 1 }))).toBeUndefined(); // an integral float is still a float
    expect(reason({ measurement: 'trunk_status', tags: { switch: 's', trunk: 't' }, fields: { state: 1 }, time: T })?.reason).toBe(
      'expected a string, got integer 1',
    );
  });

  it('rejects unknown measurements, fields and tags', () => {
    expect(reason({ measurement: 'nope', tags: {}, fields: { a: 1 }, time: T })).toEqual({
      code: 'unknown-measurement',
      measurement: 'nope',
      reason: 'no schema declares this measurement',
    });
    expect(reason(calls({ attempts: 1, extra: 2 }))).toMatchObject({ field: 'extra', reason: 'field is not declared in the schema' });
    expect(reason(calls({ attempts: 1 }, { switch: 'a', host: 'b' }))).toMatchObject({
      tag: 'host',
      reason: 'tag is not declared in the schema',
    });
    expect(reason(calls({ attempts: 1, constructor: 2 }))?.field).toBe('constructor');
  });

  it('rejects tag values that would break the line protocol, and drops empty tags', () => {
    expect(reason(calls({ attempts: 1 }, { switch: 'a\nb' }))?.reason).toBe('tag value contains a line break');
    expect(reason(calls({ attempts: 1 }, { switch: 'a\\' }))?.reason).toBe('tag value ends with a backslash');
    expect(reason(calls({ attempts: 1 }, { switch: 7 }))?.reason).toBe('expected a string tag value, got integer 7');
    const r = validator.check(calls({ attempts: 1 }, { switch: '' }));
    expect(r).toEqual({ ok: true, metric: { ...calls({ attempts: 1 }), tags: {} } });
  });

  it('needs a field value and a plausible time', () => {
    expect(reason(calls({}))?.reason).toBe('no field values');
    expect(reason(calls({ attempts: undefined }))?.reason).toBe('no field values');
    expect(reason({ ...calls({ attempts: 1 }), time: Number.NaN })?.reason).toMatch(/^invalid time NaN/);
    expect(reason({ ...calls({ attempts: 1 }), time: 0 })?.reason).toMatch(/^invalid time/);
    expect(reason({ ...calls({ attempts: 1, active: undefined }) })).toBeUndefined();
  });
});

describe('assertSchemaNames', () => {
  const base: MeasurementSchema = { measurement: 'm', description: '', tags: ['t'], fields: { f: 'integer', s: 'string' } };
  it('accepts the real schemas', () => {
    expect(() => assertSchemaNames([softswitchCalls, trunkStatus])).not.toThrow();
  });
  it('refuses names the line protocol would need escaping for, duplicates and impossible rollups', () => {
    expect(() => assertSchemaNames([{ ...base, measurement: 'a b' }])).toThrow(/measurement names must match/);
    expect(() => assertSchemaNames([{ ...base, tags: ['x,y'] }])).toThrow(/tag "x,y"/);
    expect(() => assertSchemaNames([base, base])).toThrow(/declared twice/);
    expect(() => assertSchemaNames([{ ...base, rollup: { g: 'sum' } }])).toThrow(/rollup of undeclared field "g"/);
    expect(() => assertSchemaNames([{ ...base, rollup: { s: 'sum' } }])).toThrow(/sum\(\) cannot roll up the string field "s"/);
    expect(() => assertSchemaNames([{ ...base, tags: ['f'] }])).toThrow(/both a tag and a field/);
  });
});
