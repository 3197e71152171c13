import { createHash } from 'node:crypto';
import type { Labels } from './matchers.js';
import type { AlertRecord } from './state.js';

/** A notification group: alerts with equal values of the group-by labels, paged as one. Persisted. */
export interface GroupState {
  key: string;
  labels: Labels;
  /** Stable across restarts and incidents of the same group (PagerDuty dedup_key). */
  dedupKey: string;
  /** Event groups (milestones) are notified once and remembered for EVENT_MEMORY_MS, never resolved. */
  event: boolean;
  createdAt: number;
  notified: boolean;
  /** When the group first had an alert to notify; the trigger waits groupWait from here. */
  waitingSince?: number;
  lastNotifiedAt?: number;
  /** Notifiers that got the trigger: the resolve goes to the same ones. */
  notifiers: string[];
  /** Fingerprints of the alerts notified so far. */
  alerts: string[];
  seq: number;
}

export const EVENT_MEMORY_MS = 48 * 3_600_000;

export function groupOf(labels: Labels, groupBy: readonly string[]): { key: string; labels: Labels } {
  const picked: Record<string, string> = {};
  for (const name of [...groupBy].sort()) picked[name] = labels[name] ?? '';
  return {
    key: Object.entries(picked)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(','),
    labels: picked,
  };
}

export const dedupKeyOf = (groupKey: string): string => `callboard-${createHash('sha256').update(groupKey).digest('hex').slice(0, 32)}`;

export function newGroup(key: string, labels: Labels, event: boolean, now: number): GroupState {
  return { key, labels, dedupKey: dedupKeyOf(key), event, createdAt: now, notified: false, notifiers: [], alerts: [], seq: 0 };
}

export type GroupAction = 'trigger' | 'repeat' | 'resolve' | 'drop' | undefined;

/**
 * What a group needs now. Only firing alerts that nothing suppresses are notified; a group is
 * resolved once none of its alerts fires any more (suppressed or not), so every page gets its
 * resolve. New alerts joining a paged group do not page again: they ride on the next repeat.
 */
export function decide(
  group: GroupState,
  members: readonly AlertRecord[],
  now: number,
  timing: { groupWaitMs: number; repeatIntervalMs: number },
): GroupAction {
  const firing = members.filter((r) => r.state === 'firing');
  const notifiable = firing.filter((r) => !r.suppressedBy);
  if (!group.notified) {
    if (notifiable.length === 0) {
      group.waitingSince = undefined;
      return firing.length === 0 ? 'drop' : undefined;
    }
    group.waitingSince ??= now;
    return now - group.waitingSince >= (group.event ? 0 : timing.groupWaitMs) ? 'trigger' : undefined;
  }
  if (group.event) return firing.length === 0 && now - group.createdAt > EVENT_MEMORY_MS ? 'drop' : undefined;
  if (firing.length === 0) return 'resolve';
  if (notifiable.length && now - (group.lastNotifiedAt ?? 0) >= timing.repeatIntervalMs) return 'repeat';
  return undefined;
}
