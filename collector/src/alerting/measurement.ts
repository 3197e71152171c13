import type { LiveSeries } from '../outputs/live/store.js';
import { seriesKey, type MeasurementSchema, type Metric } from '../pipeline/metric.js';
import type { AlertRecord } from './state.js';

/** Written on every alert state change, for Grafana annotations (`SELECT text, labels FROM alerts WHERE state = 'firing'`) and history. */
export const alertsMeasurement: MeasurementSchema = {
  measurement: 'alerts',
  description:
    'One point per alert state change (pending, firing, resolved), annotation-friendly: text is the title, labels the alert\'s labels as "k=v, …". Tags are bounded by the configured rules.',
  tags: ['alertname', 'severity', 'state'],
  fields: { text: 'string', labels: 'string', fingerprint: 'string', value: 'float', suppressed: 'string' },
};

export const labelsText = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

export function alertPoint(record: AlertRecord, time: number): Metric {
  const text = record.annotations.summary ?? `${record.rule} ${record.state}${record.detail ? `: ${record.detail}` : ''}`;
  return {
    measurement: alertsMeasurement.measurement,
    tags: { alertname: record.rule, severity: record.labels.severity ?? 'major', state: record.state },
    time,
    fields: {
      text,
      labels: labelsText(record.labels),
      fingerprint: record.fingerprint,
      ...(record.value !== undefined && Number.isFinite(record.value) ? { value: record.value } : {}),
      ...(record.suppressedBy ? { suppressed: record.suppressedBy } : {}),
    },
    // Live clients get alert events from the hub directly (not coalesced); only storage needs the point.
    destination: 'storage',
  };
}

/** An alert state change as a /live update (measurement `alerts`, one topic per alert). */
export function alertLiveEvent(record: AlertRecord & { group: string }, time: number): LiveSeries {
  const point = alertPoint(record, time);
  const tags = { ...point.tags, fingerprint: record.fingerprint };
  return {
    topic: seriesKey(point.measurement, tags),
    measurement: point.measurement,
    tags,
    fields: { ...point.fields, group: record.group },
    time,
  };
}
