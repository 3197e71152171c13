import type { Metric } from './metric.js';

/** Where metrics go. Sinks start before inputs and stop after them, so nothing is emitted into a closed sink. */
export interface Sink {
  readonly name: string;
  start(): Promise<void>;
  write(metrics: readonly Metric[]): void;
  /** Resolves when everything written so far has been delivered (or durably handed off). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}
