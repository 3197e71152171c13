import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { HealthEngine } from '../health/engine.js';
import type { Logger } from '../lib/log.js';
import type { MeasurementSchema, Metric } from '../pipeline/metric.js';
import type { Shard } from './snmp/shard.js';

export type Emit = (metrics: readonly Metric[]) => void;

/**
 * An input is polled (the scheduler calls gather on its interval), a service (it pushes metrics
 * from start to stop: subscriptions, file tails), or both, as the Kamailio input is (polling
 * reconciles what its event stream pushes).
 */
export interface Input {
  readonly name: string;
  readonly type: string;
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  gather?(signal: AbortSignal): Promise<readonly Metric[]>;
  start?(emit: Emit): Promise<void>;
  stop?(): Promise<void>;
}

export interface InputContext {
  readonly log: Logger;
  /** Directory where the input may keep checkpoints; survives restarts. */
  readonly stateDir: string;
  readonly timezone: string;
  /** The collector's self-metrics registry (served on /metrics). */
  readonly registry: Registry;
  /**
   * Resolves when everything emitted so far has been delivered by every sink: an input that keeps
   * a read position (CDR offsets) checkpoints it only after this, so a crash re-reads, never loses.
   * Rejects with PointsLostError when a sink dropped points this input emitted since its last
   * settled flush (the input must read them again); each input has its own (pipeline/sink.ts flushSinks).
   */
  readonly flush: () => Promise<void>;
  /** This collector's shard (`--shard K/N`): inputs with many targets poll only their share. */
  readonly shard?: Shard;
  /** The link health model, for sources that report link states themselves (SNMP traps). */
  readonly health?: Pick<HealthEngine, 'report' | 'rule'>;
}

export interface InputPlugin<Schema extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly description: string;
  /** Must be a strict object with `type: z.literal(this.type)` and `name`. */
  readonly configSchema: Schema;
  readonly measurements: readonly MeasurementSchema[];
  create(config: z.output<Schema>, context: InputContext): Input;
}
