import type { MeasurementSchema, Metric } from './metric.js';

/** Whether each input could read its source on the last poll: the "no data is not zero" signal. */
export const sourceStatus: MeasurementSchema = {
  measurement: 'callboard_source',
  description: 'Health of each input: up 1/0 on every poll, poll duration, and the last error while down.',
  tags: ['input', 'type'],
  fields: { up: 'integer', poll_ms: 'float', error: 'string' },
  rollup: { up: 'min', poll_ms: 'max' },
};

export function sourceStatusMetric(input: { name: string; type: string }, time: number, up: boolean, pollMs: number, error?: string): Metric {
  return {
    measurement: sourceStatus.measurement,
    tags: { input: input.name, type: input.type },
    time,
    fields: { up: up ? 1 : 0, poll_ms: pollMs, ...(error ? { error: error.slice(0, 200) } : {}) },
  };
}
