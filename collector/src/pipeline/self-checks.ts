// The collector's own state (is its storage path healthy?), for /healthz and the `self` alert rule kind.

/** ok; degraded: working, attention needed (data safe so far); failing: data at risk now. */
export const CHECK_STATUSES = ['ok', 'degraded', 'failing'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/**
 * influx_write: InfluxDB takes writes; influx_spool: the spool holding points meanwhile has room and a working disk;
 * notifier: every alert notifier delivers (alerting/outbox.ts).
 */
export const SELF_CHECK_NAMES = ['influx_write', 'influx_spool', 'notifier'] as const;

export interface SelfCheck {
  /** One of SELF_CHECK_NAMES: the `check` label of a `self` alert. */
  name: (typeof SELF_CHECK_NAMES)[number];
  status: CheckStatus;
  /** What is wrong, for a person (absent when ok). */
  reason?: string;
  /** When the current non-ok status began (ms), where known. */
  since?: number;
  /** A figure for alert templates ({{value}}): the spool's fill ratio, seconds unreachable. */
  value?: number;
}

/** The checks of this moment; called on every /healthz request and every alert evaluation, so it must be cheap. */
export type SelfChecks = (now: number) => SelfCheck[];

export const statusRank = (status: CheckStatus): number => CHECK_STATUSES.indexOf(status);

/** The worst status of the checks (ok without any). */
export function overallStatus(checks: readonly SelfCheck[]): CheckStatus {
  return checks.reduce<CheckStatus>((worst, c) => (statusRank(c.status) > statusRank(worst) ? c.status : worst), 'ok');
}
