import type { Metric } from './metric.js';

export interface FlushOptions {
  /**
   * Who waits (an input's own token): a sink that had to drop points rejects the flush with
   * PointsLostError only when points were dropped that were written since this caller's last
   * settled flush, so one loss does not block the caller's later flushes for good.
   */
  caller?: object;
}

/** Where metrics go. Sinks start before inputs and stop after them, so nothing is emitted into a closed sink. */
export interface Sink {
  readonly name: string;
  start(): Promise<void>;
  write(metrics: readonly Metric[]): void;
  /** Resolves when everything written so far has been delivered (or durably handed off). */
  flush(options?: FlushOptions): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A flush was refused because points written since the caller's last settled flush were dropped
 * (a sink with no room left): the caller must write them again (an input with a checkpoint reads
 * again from it). A later flush by the same caller succeeds once the sink has room.
 */
export class PointsLostError extends Error {
  readonly code = 'CALLBOARD_SINK_POINTS_LOST';
}

/** One input's flush of every sink, with its own caller token (see FlushOptions.caller). */
export function flushSinks(sinks: readonly Sink[]): () => Promise<void> {
  const caller = {};
  return async () => void (await Promise.all(sinks.map((s) => s.flush({ caller }))));
}
