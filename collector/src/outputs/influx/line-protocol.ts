// InfluxDB 1.x line protocol for validated metrics (validate.ts ran first), precision ms.
// Encoded once, when a point is queued: the spool stores these lines and a replay sends them as
// they are, so a point's series and timestamp are the same however often it is sent.
import type { FieldType, MeasurementSchema, Metric } from '../../pipeline/metric.js';

// As InfluxDB 1.x unescapes them (and as the `influx` package wrote them, so series keys stay the same): a backslash stays as is.
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

export class LineEncoder {
  readonly #fields = new Map<string, ReadonlyMap<string, FieldType>>();

  constructor(schemas: readonly MeasurementSchema[]) {
    for (const s of schemas) this.#fields.set(s.measurement, new Map(Object.entries(s.fields)));
  }

  /** One line; tags sorted by key (InfluxDB's own order, cheapest for it to index). */
  encode(metric: Metric): string {
    const types = this.#fields.get(metric.measurement)!;
    let line = metric.measurement;
    const tags = Object.keys(metric.tags).sort();
    for (const key of tags) line += `,${key}=${escapeTag(metric.tags[key]!)}`;
    let sep = ' ';
    for (const key in metric.fields) {
      const value = metric.fields[key];
      if (value === undefined || value === null) continue;
      line += `${sep}${key}=${fieldValue(types.get(key)!, value)}`;
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
