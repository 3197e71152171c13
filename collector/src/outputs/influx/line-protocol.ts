// InfluxDB 1.x line protocol for validated metrics (validate.ts ran first), precision ms.
// Encoded once, when a point is queued: the spool stores these lines and a replay sends them as
// they are, so a point's series and timestamp are the same however often it is sent.
import type { FieldType, MeasurementSchema, Metric } from '../../pipeline/metric.js';

// As InfluxDB 1.x unescapes them (and as the `influx` package wrote them, so series keys stay the same): a backslash stays as is.
const NEEDS_ESCAPE = /[ ,=]/;
const escapeTag = (s: string): string => s.replace(/[ ,=]/g, (c) => `\\${c}`);
const escapeString = (s: string): string => s.replace(/["\\]/g, (c) => `\\${c}`);

function fieldValue(type: FieldType, value: number | string | boolean): string {
  switch (type) {
    case 'integer':
      return `${value}i`;
    case 'float':
      return String(value);
    case 'string':
      return `"${escapeString(value as string)}"`;
    case 'boolean':
      return value ? 'true' : 'false';
  }
}

interface Compiled {
  /** Tag keys sorted (InfluxDB's own order, cheapest for it to index). */
  tags: readonly string[];
  /** Declared fields: name, `name=` as written, type. */
  fields: readonly { name: string; prefix: string; type: FieldType }[];
}

export class LineEncoder {
  readonly #schemas = new Map<string, Compiled>();

  constructor(schemas: readonly MeasurementSchema[]) {
    for (const s of schemas) {
      this.#schemas.set(s.measurement, {
        tags: [...s.tags].sort(),
        fields: Object.entries(s.fields).map(([name, type]) => ({ name, prefix: `${name}=`, type })),
      });
    }
  }

  /** One line, fields in schema order; the metric passed validate.ts (declared tags and fields only). */
  encode(metric: Metric): string {
    const compiled = this.#schemas.get(metric.measurement)!;
    let line = metric.measurement;
    const tags = metric.tags;
    for (const key of compiled.tags) {
      const value = tags[key];
      if (value !== undefined && value !== '') line += `,${key}=${NEEDS_ESCAPE.test(value) ? escapeTag(value) : value}`;
    }
    let sep = ' ';
    const fields = metric.fields;
    for (const f of compiled.fields) {
      const value = fields[f.name];
      if (value === undefined || value === null) continue;
      line += sep + f.prefix + fieldValue(f.type, value);
      sep = ',';
    }
    return `${line} ${Math.floor(metric.time)}`;
  }
}

/** The measurement and time (ms) of a line this encoder wrote (measurement names need no escaping). */
export function lineKey(line: string): { measurement: string; time: number } {
  let end = 0;
  while (end < line.length && line.charCodeAt(end) !== 44 /* , */ && line.charCodeAt(end) !== 32 /* space */) end++;
  return { measurement: line.slice(0, end), time: Number(line.slice(line.lastIndexOf(' ') + 1)) };
}
