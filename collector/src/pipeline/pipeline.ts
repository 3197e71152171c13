import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../lib/log.js';
import type { Metric } from './metric.js';
import type { Sink } from './sink.js';

/** A processor sees every batch on its way to the sinks; it may change, add or drop metrics. */
export type Processor = (metrics: readonly Metric[]) => readonly Metric[];

/**
 * Numbers that JSON and InfluxDB cannot carry (NaN, ±Infinity) are removed field by field, so one
 * bad reading never costs the other fields of the metric, nor the batch it travels in.
 */
export function finiteFieldsOnly(onDropped: (metric: Metric, field: string) => void): Processor {
  return (metrics) =>
    metrics.flatMap((m) => {
      const bad = Object.entries(m.fields).filter(([, v]) => typeof v === 'number' && !Number.isFinite(v));
      if (bad.length === 0) return [m];
      for (const [field] of bad) onDropped(m, field);
      const fields = Object.fromEntries(Object.entries(m.fields).filter(([, v]) => typeof v !== 'number' || Number.isFinite(v)));
      return Object.keys(fields).length ? [{ ...m, fields }] : [];
    });
}

/** inputs → processors → every sink. Data only flows this way. */
export class Pipeline {
  readonly #invalid: Counter;

  constructor(
    private readonly sinks: readonly Sink[],
    log: Logger,
    registry: Registry,
    private readonly processors: readonly Processor[] = [],
  ) {
    this.#invalid = new Counter({
      name: 'callboard_pipeline_invalid_fields_total',
      help: 'Numeric fields dropped because they were NaN or infinite',
      labelNames: ['measurement'],
      registers: [registry],
    });
    const pipelineLog = log.child({ component: 'pipeline' });
    this.processors = [
      finiteFieldsOnly((m, field) => {
        this.#invalid.inc({ measurement: m.measurement });
        pipelineLog.warn({ code: 'CALLBOARD_INVALID_FIELD', measurement: m.measurement, field }, 'non-finite field dropped');
      }),
      ...processors,
    ];
  }

  readonly emit = (metrics: readonly Metric[]): void => {
    let batch = metrics;
    for (const process of this.processors) batch = process(batch);
    if (batch.length === 0) return;
    for (const sink of this.sinks) sink.write(batch);
  };
}
