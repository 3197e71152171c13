import type { MeasurementSchema } from '../../pipeline/metric.js';

export const softswitchCalls: MeasurementSchema = {
  measurement: 'softswitch_calls',
  description: 'Calls through one softswitch per poll interval (counts are deltas for the interval; active and early are levels).',
  tags: ['switch'],
  fields: {
    active: 'integer',
    early: 'integer',
    attempts: 'integer',
    answered: 'integer',
    failed: 'integer',
    cancelled: 'integer',
    user_failures: 'integer',
    minutes: 'float',
    asr: 'float',
    ner: 'float',
    interval_ms: 'integer',
    restarted: 'integer',
  },
  rollup: {
    attempts: 'sum',
    answered: 'sum',
    failed: 'sum',
    cancelled: 'sum',
    user_failures: 'sum',
    minutes: 'sum',
    active: 'max',
  },
};

export const trunkStatus: MeasurementSchema = {
  measurement: 'trunk_status',
  description: 'State of each SIP trunk (Kamailio dispatcher gateway) as probed by OPTIONS, and its calls when the script counts them per trunk.',
  /** trunk_group is added by the trunk-groups processor for configured members. */
  tags: ['switch', 'trunk', 'trunk_group'],
  fields: {
    up: 'integer',
    state: 'string',
    uri: 'string',
    latency_avg_ms: 'float',
    latency_max_ms: 'float',
    probe_timeouts: 'integer',
    calls_active: 'integer',
    calls_attempts: 'integer',
    calls_answered: 'integer',
    calls_failed: 'integer',
    calls_blocked: 'integer',
    minutes: 'float',
  },
  rollup: {
    up: 'min',
    latency_avg_ms: 'mean',
    latency_max_ms: 'max',
    calls_active: 'max',
    calls_attempts: 'sum',
    calls_answered: 'sum',
    calls_failed: 'sum',
    calls_blocked: 'sum',
    minutes: 'sum',
  },
};
