import type { FieldType, MeasurementSchema } from '../../pipeline/metric.js';

const dayFields: Record<string, FieldType> = {
  calls: 'integer',
  answered: 'integer',
  busy: 'integer',
  no_answer: 'integer',
  failed: 'integer',
  billable_ms: 'integer',
  minutes: 'float',
  asr: 'float',
  acd_seconds: 'float',
  pdd_ms: 'float',
};

export const cdrCall: MeasurementSchema = {
  measurement: 'cdr_call',
  description:
    'One point per call from CDRs, at the second it ended (when its CDR was written); the millisecond is a per-second counter so calls never overwrite each other. cdr_day counts calls on the day they started, so the two differ by calls that span midnight. Tags are bounded: class, direction, disposition, trunk.',
  tags: ['source', 'class', 'direction', 'disposition', 'trunk'],
  fields: { calls: 'integer', answered: 'integer', billable_ms: 'integer', duration_ms: 'integer', pdd_ms: 'integer', cause: 'integer', sip_code: 'integer' },
  rollup: { calls: 'sum', answered: 'sum', billable_ms: 'sum', duration_ms: 'sum', pdd_ms: 'mean' },
};

export const cdrDay: MeasurementSchema = {
  measurement: 'cdr_day',
  description:
    'Running totals of the local day (carrier timezone) from CDRs, rewritten at the day\'s local midnight as calls arrive: the last value is the day\'s total. hours is 23/24/25.',
  tags: ['source'],
  fields: { ...dayFields, hours: 'integer' },
};

export const cdrDayBreakdown: MeasurementSchema = {
  measurement: 'cdr_day_breakdown',
  description: 'Running totals of the local day per call class and trunk, rewritten at the day\'s local midnight.',
  tags: ['source', 'class', 'trunk'],
  fields: dayFields,
};

export const cdrHour: MeasurementSchema = {
  measurement: 'cdr_hour',
  description:
    'Talk time per local hour from CDRs (each answered call split across the hours it spanned), rewritten at the hour\'s start as CDRs arrive; compare with softswitch_calls.minutes (see cdr_reconciliation).',
  tags: ['source'],
  fields: { talk_ms: 'integer', minutes: 'float', answered: 'integer' },
};

export const cdrReconciliation: MeasurementSchema = {
  measurement: 'cdr_reconciliation',
  description:
    'Per local hour: CDR minutes vs minutes integrated from live active calls (softswitch_calls.minutes). discrepancy_minutes = cdr - live; discrepancy_pct relative to live.',
  tags: ['source', 'switch'],
  fields: { cdr_minutes: 'float', live_minutes: 'float', discrepancy_minutes: 'float', discrepancy_pct: 'float' },
};

export const milestone: MeasurementSchema = {
  measurement: 'milestone',
  description: 'Written once per target per day when a daily target is passed (annotation-friendly: text and day fields).',
  tags: ['source', 'target'],
  fields: { day: 'string', threshold: 'float', value: 'float', text: 'string' },
};

export const cdrRejected: MeasurementSchema = {
  measurement: 'cdr_rejected',
  description: 'CDR lines rejected (quarantined) by this input since it first started: the count and where the last one was.',
  tags: ['source'],
  fields: { lines: 'integer', last_file: 'string', last_line: 'integer', last_reason: 'string' },
};

export const cdrBatch: MeasurementSchema = {
  measurement: 'cdr_batch',
  description:
    'One point per batch the input emits: calls_before = calls it had counted when the batch began (by its checkpoint), calls = calls in the batch. A batch read again after a crash repeats its calls_before, which lets a sink that adds calls up (the traffic profile) take the repeated batch out before counting it again.',
  tags: ['source'],
  fields: { calls_before: 'integer', calls: 'integer' },
};

export const cdrMeasurements = [cdrCall, cdrDay, cdrDayBreakdown, cdrHour, cdrReconciliation, milestone, cdrRejected, cdrBatch];
