// Client-side checks against the declared schemas. A point InfluxDB would refuse must never be
// sent: a type conflict inside a batch makes InfluxDB 1.6 refuse the whole batch, and the
// `influx` package silently floors a float written to an integer field (and writes NaN as "NaNi").
import type { FieldType, MeasurementSchema, Metric } from '../../pipeline/metric.js';

export type RejectionCode =
  'unknown-measurement' | 'invalid-time' | 'undeclared-tag' | 'bad-tag-value' | 'undeclared-field' | 'wrong-type' | 'no-fields';

export interface Rejection {
  /** The kind of problem (what the log rate limit counts by). */
  code: RejectionCode;
  measurement: string;
  /** The offending field or tag, when there is one. */
  field?: string;
  tag?: string;
  reason: string;
}

export type Checked = { ok: true; metric: Metric } | { ok: false; rejection: Rejection };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INT64_LIMIT = 2 ** 63;
/** InfluxDB 1.x timestamps are int64 nanoseconds: about ±292 years around 1970. */
const MAX_TIME_MS = 9_223_372_036_854;

interface CompiledSchema {
  tags: ReadonlySet<string>;
  fields: ReadonlyMap<string, FieldType>;
}

/** Throws on names the line protocol would need escaping for (the `influx` package does not escape measurements). */
export function assertSchemaNames(schemas: readonly MeasurementSchema[]): void {
  const seen = new Set<string>();
  for (const schema of schemas) {
    const where = `measurement schema "${schema.measurement}"`;
    if (!NAME.test(schema.measurement)) throw new Error(`${where}: measurement names must match ${NAME}`);
    if (seen.has(schema.measurement)) throw new Error(`${where}: declared twice`);
    seen.add(schema.measurement);
    for (const tag of schema.tags) if (!NAME.test(tag)) throw new Error(`${where}: tag "${tag}" must match ${NAME}`);
    for (const field of Object.keys(schema.fields)) {
      if (!NAME.test(field)) throw new Error(`${where}: field "${field}" must match ${NAME}`);
      if (schema.tags.includes(field)) throw new Error(`${where}: "${field}" is both a tag and a field`);
    }
    for (const field of Object.keys(schema.rollup ?? {})) {
      if (!(field in schema.fields)) throw new Error(`${where}: rollup of undeclared field "${field}"`);
      const type = schema.fields[field];
      const fn = schema.rollup![field];
      if ((type === 'string' || type === 'boolean') && fn !== 'last') {
        throw new Error(`${where}: ${fn}() cannot roll up the ${type} field "${field}"`);
      }
    }
  }
}

export function describeValue(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return String(value);
    return Number.isInteger(value) ? `integer ${value}` : `float ${value}`;
  }
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${value === null ? 'null' : typeof value} ${String(value)}`;
}

function fieldProblem(type: FieldType, value: unknown): string | undefined {
  switch (type) {
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value) && value >= -INT64_LIMIT && value < INT64_LIMIT) return undefined;
      return `expected an integer, got ${describeValue(value)}`;
    case 'float':
      if (typeof value === 'number' && Number.isFinite(value)) return undefined;
      return `expected a finite float, got ${describeValue(value)}`;
    case 'string':
      return typeof value === 'string' ? undefined : `expected a string, got ${describeValue(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected a boolean, got ${describeValue(value)}`;
  }
}

function rejected(measurement: string, code: RejectionCode, reason: string, where: { field?: string; tag?: string } = {}): Checked {
  return { ok: false, rejection: { code, measurement, ...where, reason } };
}

export class MetricValidator {
  readonly #schemas = new Map<string, CompiledSchema>();

  constructor(schemas: readonly MeasurementSchema[]) {
    assertSchemaNames(schemas);
    for (const s of schemas) {
      this.#schemas.set(s.measurement, { tags: new Set(s.tags), fields: new Map(Object.entries(s.fields)) });
    }
  }

  /**
   * The metric to send (the same object, or a copy without empty tags: an empty tag value is
   * not valid line protocol and means the same as no tag), or why it must not be sent.
   */
  check(metric: Metric): Checked {
    const measurement = String(metric.measurement);
    const schema = this.#schemas.get(measurement);
    if (!schema) return rejected(measurement, 'unknown-measurement', 'no schema declares this measurement');
    const time = metric.time;
    if (typeof time !== 'number' || !Number.isFinite(time) || time <= 0 || time > MAX_TIME_MS) {
      return rejected(measurement, 'invalid-time', `invalid time ${describeValue(time)} (expected ms since 1970)`);
    }

    let emptyTags = false;
    for (const tag in metric.tags) {
      const value: unknown = metric.tags[tag];
      if (!schema.tags.has(tag)) return rejected(measurement, 'undeclared-tag', 'tag is not declared in the schema', { tag });
      if (typeof value !== 'string')
        return rejected(measurement, 'bad-tag-value', `expected a string tag value, got ${describeValue(value)}`, { tag });
      if (value === '') emptyTags = true;
      else if (/[\r\n]/.test(value)) return rejected(measurement, 'bad-tag-value', 'tag value contains a line break', { tag });
      else if (value.endsWith('\\')) return rejected(measurement, 'bad-tag-value', 'tag value ends with a backslash', { tag });
    }

    let present = 0;
    for (const field in metric.fields) {
      const value: unknown = metric.fields[field];
      const type = schema.fields.get(field);
      if (type === undefined) return rejected(measurement, 'undeclared-field', 'field is not declared in the schema', { field });
      if (value === undefined || value === null) continue; // absent, as the `influx` package treats it
      const problem = fieldProblem(type, value);
      if (problem) return rejected(measurement, 'wrong-type', problem, { field });
      present++;
    }
    if (present === 0) return rejected(measurement, 'no-fields', 'no field values');

    if (!emptyTags) return { ok: true, metric };
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(metric.tags)) if (v !== '') tags[k] = v;
    return { ok: true, metric: { ...metric, tags } };
  }
}
