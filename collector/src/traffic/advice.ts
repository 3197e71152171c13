// Erlang B advice per trunk group, for the API and for InfluxDB: InfluxQL cannot compute Erlang B,
// so the collector writes what it advises (`trunk_advice`) and the dashboards read it.
import type { MeasurementSchema, Metric } from '../pipeline/metric.js';
import {
  erlangAdvice,
  observedBlocking,
  timeConsistentBusyHour,
  type BusyHour,
  type ErlangAdvice,
  type ObservedBlocking,
  type QuarterCalls,
  type QuarterHour,
} from './busy-hour.js';
import type { TrunkGroupConfig } from './trunk-groups.js';

/** Carried traffic and calls of a group per quarter hour (the collector's traffic profile). */
export interface TrafficHistory {
  quarters(group: string): QuarterHour[];
  calls(group: string): QuarterCalls[];
}

export interface TrunkGroupEvaluation {
  busyHour: BusyHour;
  advice: ErlangAdvice;
  blocking: ObservedBlocking;
}

/** Busy hour, Erlang B advice and the blocking observed; undefined until the group has traffic on a complete business day (before today). */
export function evaluateTrunkGroup(
  group: TrunkGroupConfig,
  history: TrafficHistory,
  timeZone: string,
  now: number,
): TrunkGroupEvaluation | undefined {
  const busyHour = timeConsistentBusyHour(history.quarters(group.name), timeZone, now, group.busyHourDays);
  if (!busyHour) return undefined;
  return {
    busyHour,
    advice: erlangAdvice(busyHour.erlangs, group.capacity, group.gradeOfService),
    blocking: observedBlocking(history.calls(group.name), busyHour, timeZone),
  };
}

export const trunkAdvice: MeasurementSchema = {
  measurement: 'trunk_advice',
  description:
    'Erlang B advice per trunk group at each evaluation (every minute): the time-consistent busy hour, circuits needed at the target grade of service against those provisioned, and the blocking observed.',
  tags: ['trunk_group', 'direction', 'carrier'],
  fields: {
    busy_hour_start: 'string',
    busy_hour_days: 'integer',
    busy_hour_erlangs: 'float',
    grade_of_service: 'float',
    circuits_needed: 'integer',
    circuits_provisioned: 'integer',
    headroom: 'integer',
    blocking_at_provisioned: 'float',
    attempts: 'integer',
    blocked: 'integer',
    busy_hour_attempts: 'integer',
    busy_hour_blocked: 'integer',
    busy_hour_blocking: 'float',
  },
  rollup: {
    busy_hour_erlangs: 'max',
    circuits_needed: 'max',
    circuits_provisioned: 'last',
    headroom: 'min',
    blocking_at_provisioned: 'max',
    busy_hour_blocking: 'max',
  },
};

export function trunkAdviceMetric(group: TrunkGroupConfig, evaluation: TrunkGroupEvaluation, time: number): Metric {
  const { busyHour, advice, blocking } = evaluation;
  return {
    measurement: trunkAdvice.measurement,
    tags: { trunk_group: group.name, direction: group.direction, carrier: group.carrier ?? 'unspecified' },
    time,
    fields: {
      busy_hour_start: busyHour.start,
      busy_hour_days: busyHour.days.length,
      busy_hour_erlangs: busyHour.erlangs,
      grade_of_service: advice.gradeOfService,
      circuits_needed: advice.circuitsNeeded,
      circuits_provisioned: advice.circuitsProvisioned,
      headroom: advice.headroom,
      blocking_at_provisioned: advice.blockingAtProvisioned,
      attempts: blocking.attempts,
      blocked: blocking.blocked,
      busy_hour_attempts: blocking.busyHourAttempts,
      busy_hour_blocked: blocking.busyHourBlocked,
      // No attempts in the busy hour: no blocking to state (not 0 %).
      ...(blocking.busyHourBlocking !== null ? { busy_hour_blocking: blocking.busyHourBlocking } : {}),
    },
  };
}

/**
 * Evaluates every trunk group each `everyMs` and emits one trunk_advice point per group that has a busy
 * hour. The first evaluation comes sooner (`firstAfterMs`): a restarted collector has its profile from the
 * checkpoint, and its advice need not wait a minute.
 */
export class TrunkAdvisor {
  #first: NodeJS.Timeout | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly groups: readonly TrunkGroupConfig[],
    private readonly history: TrafficHistory,
    private readonly timeZone: string,
    private readonly everyMs = 60_000,
    private readonly firstAfterMs = Math.min(everyMs, 10_000),
  ) {}

  evaluate(now: number): Metric[] {
    return this.groups.flatMap((group) => {
      const evaluation = evaluateTrunkGroup(group, this.history, this.timeZone, now);
      return evaluation ? [trunkAdviceMetric(group, evaluation, now)] : [];
    });
  }

  start(emit: (metrics: readonly Metric[]) => void): void {
    if (this.groups.length === 0) return;
    const run = () => {
      const points = this.evaluate(Date.now());
      if (points.length > 0) emit(points);
    };
    this.#first = setTimeout(run, this.firstAfterMs).unref();
    this.#timer = setInterval(run, this.everyMs).unref();
  }

  stop(): void {
    clearTimeout(this.#first);
    clearInterval(this.#timer);
  }
}
