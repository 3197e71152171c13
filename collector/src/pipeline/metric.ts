/**
 * The one data shape that flows from inputs through the pipeline to every output.
 * Field types are declared once per measurement (see MeasurementSchema) rather than guessed
 * from JavaScript numbers, because InfluxDB rejects a field whose type changes (1 vs 1i).
 */
export type FieldValue = number | string | boolean;

export interface Metric {
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Milliseconds since the Unix epoch. */
  readonly time: number;
  /**
   * Where the metric goes: everywhere (default), only the live view (values between polls, from
   * events), or only storage (exact polled values whose live counterpart is emitted separately).
   */
  readonly destination?: Destination;
}

export type Destination = 'all' | 'live' | 'storage';

export const forStorage = (m: Metric) => m.destination !== 'live';
export const forLive = (m: Metric) => m.destination !== 'storage';

export type FieldType = 'integer' | 'float' | 'string' | 'boolean';

/** Declares a measurement: its field types and its (bounded) tag keys. Inputs export theirs. */
export interface MeasurementSchema {
  readonly measurement: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly fields: Readonly<Record<string, FieldType>>;
  /**
   * How each field is rolled up into 1-minute and 1-day series (by continuous queries in the
   * carrier's timezone). Counts of events are summed; levels are averaged or maxed. Fields left out
   * are not rolled up. A measurement without rollup is kept at raw resolution only.
   */
  readonly rollup?: Readonly<Record<string, RollupFunction>>;
}

export type RollupFunction = 'sum' | 'mean' | 'max' | 'min' | 'last';

/** Stable identity of a series: measurement plus sorted tags. */
export function seriesKey(measurement: string, tags: Readonly<Record<string, string>>): string {
  const parts = Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`);
  return parts.length ? `${measurement},${parts.join(',')}` : measurement;
}
