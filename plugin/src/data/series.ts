import { FieldType, type DataFrame, type Field } from '@grafana/data';

/** One metric of one tagged series, from a query frame or from /live, as points in time order. */
export interface MetricSeries {
  /** Field name as the collector writes it: `active`, `minutes`, `state`, … */
  metric: string;
  /** Tags: `switch`, `trunk`, … */
  labels: Record<string, string>;
  times: number[];
  values: Array<number | string | null>;
  /** Its query dated the rows at the start of a range, not at the samples (see `rangeStamped`): times are lower bounds. */
  rangeStamped?: true;
}

const SELECTORS = new Set(['first', 'last', 'min', 'max', 'percentile', 'sample', 'top', 'bottom']);

/**
 * Whether InfluxDB 1.x dates the rows of an InfluxQL query at the start of its time range rather
 * than at a sample: without GROUP BY time(), any aggregate (sum, mean, …) or several selectors in
 * one query (last("state"), last("up")) do. Only a lone selector keeps the sample's own time.
 */
export function rangeStamped(query: string): boolean {
  if (/group\s+by\s+time\s*\(/i.test(query)) {
    return false;
  }
  // now() is a time literal, not a function of the data.
  const calls = Array.from(query.matchAll(/\b([a-z_]+)\s*\(/gi), (m) => m[1]!.toLowerCase()).filter(
    (name) => name !== 'now'
  );
  return calls.length > 1 || calls.some((name) => !SELECTORS.has(name));
}

/** Grafana's InfluxDB data source puts the executed query on the first frame of each query (refId). */
function rangeStampedRefIds(frames: DataFrame[]): Set<string | undefined> {
  const out = new Set<string | undefined>();
  for (const frame of frames) {
    const query = frame.meta?.executedQueryString;
    if (query && rangeStamped(query)) {
      out.add(frame.refId);
    }
  }
  return out;
}

const GENERIC_VALUE_NAMES = new Set(['Value', 'value', '_value']);

/**
 * The InfluxDB data source names the value field `Value` in time-series format and puts
 * `measurement.field {tags}` in the frame name / display name; table format keeps the column
 * (alias) name. Either way we want the column name.
 */
function metricName(field: Field, frame: DataFrame): string {
  if (!GENERIC_VALUE_NAMES.has(field.name)) {
    return field.name;
  }
  const display = field.config?.displayNameFromDS ?? frame.name ?? field.name;
  const head = display.split(/\s[{(]/)[0]!.trim();
  return head.slice(head.lastIndexOf('.') + 1) || field.name;
}

function toNumberOrText(value: unknown): number | string | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'boolean') {
    return value ? 1 : 0;
  }
  return null;
}

/**
 * Flattens query frames into metric series. Time-series frames (a time field plus value fields
 * with labels) and table frames (string columns are tags, one row per point, as InfluxQL
 * `GROUP BY tag` in table format returns) are both read. Rows of a frame without a time field
 * get time NaN: undated, never mistaken for fresh.
 */
export function readFrames(frames: DataFrame[]): MetricSeries[] {
  const out: MetricSeries[] = [];
  const stampedRefIds = rangeStampedRefIds(frames);
  for (const frame of frames) {
    const stamped = stampedRefIds.has(frame.refId) ? { rangeStamped: true as const } : {};
    const timeField = frame.fields.find((f) => f.type === FieldType.time);
    const times: number[] = timeField
      ? Array.from(timeField.values, (t) => Number(t))
      : new Array(frame.length).fill(NaN);
    const tagFields = frame.fields.filter((f) => f.type === FieldType.string && !f.labels && isTagColumn(f.name));
    const valueFields = frame.fields.filter((f) => f !== timeField && !tagFields.includes(f));
    if (tagFields.length === 0) {
      for (const field of valueFields) {
        out.push({
          metric: metricName(field, frame),
          labels: { ...(field.labels ?? {}) },
          times,
          values: Array.from(field.values, toNumberOrText),
          ...stamped,
        });
      }
      continue;
    }
    // Table format: split rows by their tag values.
    const byKey = new Map<string, { labels: Record<string, string>; rows: number[] }>();
    for (let row = 0; row < frame.length; row++) {
      const labels: Record<string, string> = {};
      for (const tag of tagFields) {
        labels[tag.name] = String(tag.values[row] ?? '');
      }
      const key = JSON.stringify(labels);
      let group = byKey.get(key);
      if (!group) {
        byKey.set(key, (group = { labels, rows: [] }));
      }
      group.rows.push(row);
    }
    for (const { labels, rows } of byKey.values()) {
      for (const field of valueFields) {
        out.push({
          metric: metricName(field, frame),
          labels: { ...labels, ...(field.labels ?? {}) },
          times: rows.map((r) => times[r]!),
          values: rows.map((r) => toNumberOrText(field.values[r])),
          ...stamped,
        });
      }
    }
  }
  return out;
}

/** String columns that are tags rather than string fields (state, uri, error, text are fields). */
const TAG_COLUMNS = new Set(['switch', 'trunk', 'site', 'input', 'type', 'source', 'group', 'class', 'target']);
function isTagColumn(name: string): boolean {
  return TAG_COLUMNS.has(name);
}

/** Index of the newest non-null value, or -1. */
export function lastIndex(series: MetricSeries): number {
  let best = -1;
  for (let i = 0; i < series.values.length; i++) {
    if (series.values[i] === null) {
      continue;
    }
    if (best === -1 || !(series.times[i]! < series.times[best]!)) {
      best = i;
    }
  }
  return best;
}

export function labelsMatch(labels: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([k, v]) => v === '' || labels[k] === v);
}
