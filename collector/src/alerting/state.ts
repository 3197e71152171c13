import type { Labels } from './matchers.js';

export type AlertState = 'inactive' | 'pending' | 'firing' | 'resolved';

/** One alert instance (a rule applied to one link, series or input). Persisted while not inactive. */
export interface AlertRecord {
  fingerprint: string;
  rule: string;
  labels: Labels;
  annotations: Record<string, string>;
  state: AlertState;
  value?: number;
  detail?: string;
  /** Since when the condition has held (pending and firing). */
  activeSince?: number;
  firingSince?: number;
  /** Since when a firing alert's condition has been clear (flap damping). */
  clearSince?: number;
  resolvedAt?: number;
  /** Last time the rule reported this instance; an instance unreported for long is taken as clear. */
  seen: number;
  /** Why notifications about it are held back now: inhibited by another alert, a silence, a maintenance window. */
  suppressedBy?: string;
}

export interface Timing {
  forMs: number;
  resolveAfterMs: number;
}

/**
 * inactive → pending → firing → resolved. A pending alert whose condition clears goes back to
 * inactive; a firing one resolves only after its condition has stayed clear for `resolveAfterMs`,
 * so a link flapping faster than that stays one alert (one page) instead of many.
 * Returns the new state when it changed.
 */
export function step(record: AlertRecord, active: boolean, now: number, timing: Timing): AlertState | undefined {
  const before = record.state;
  if (active) {
    record.clearSince = undefined;
    if (before === 'inactive' || before === 'resolved') {
      record.activeSince = now;
      record.resolvedAt = undefined;
      record.state = 'pending';
    }
    if (record.state === 'pending' && now - record.activeSince! >= timing.forMs) {
      record.state = 'firing';
      record.firingSince = now;
    }
  } else if (before === 'pending') {
    record.state = 'inactive';
    record.activeSince = undefined;
  } else if (before === 'firing') {
    record.clearSince ??= now;
    if (now - record.clearSince >= timing.resolveAfterMs) {
      record.state = 'resolved';
      record.resolvedAt = now;
      record.activeSince = undefined;
    }
  }
  return record.state === before ? undefined : record.state;
}
