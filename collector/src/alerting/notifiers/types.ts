import type { Severity } from '../config.js';
import type { Labels, Matcher } from '../matchers.js';

/** One alert inside a notification (webhook JSON: collector/src/alerting/README.md). */
export interface NotifiedAlert {
  fingerprint: string;
  alertname: string;
  state: 'firing' | 'resolved';
  severity: string;
  labels: Labels;
  annotations: Record<string, string>;
  value?: number;
  startsAt: string;
  endsAt?: string;
}

/** What every notifier is given: one group of alerts and what happened to it. */
export interface Notification {
  version: '1';
  /** Unique per notification and the same on every retry and after a restart: receivers may drop repeats of an id. */
  id: string;
  event: 'trigger' | 'repeat' | 'resolve';
  status: 'firing' | 'resolved';
  /** Stable for the group across restarts (PagerDuty dedup_key). */
  dedupKey: string;
  group: { key: string; labels: Labels };
  severity: Severity;
  title: string;
  alerts: NotifiedAlert[];
  createdAt: string;
  grafanaUrl?: string;
}

export interface Notifier {
  readonly name: string;
  readonly type: string;
  readonly match: readonly Matcher[];
  readonly sendResolved: boolean;
  send(notification: Notification): Promise<void>;
  close?(): void;
}

/** A failed delivery; `retryable` false when sending the same again cannot succeed (400, bad key). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
