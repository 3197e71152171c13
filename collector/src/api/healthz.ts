import { overallStatus, type SelfChecks } from '../pipeline/self-checks.js';

/**
 * GET /healthz: always 200 while the process serves HTTP (liveness: restarting the collector
 * would not bring InfluxDB back or free the spool's disk); `status` is the worst of the self
 * checks and `reasons` says why it is not ok, for a NOC or a readiness check that reads the body.
 */
export function healthzBody(checks: SelfChecks | undefined, info: { version: string; startedAt: number }, now: number) {
  const list = checks?.(now) ?? [];
  return {
    status: overallStatus(list),
    version: info.version,
    uptimeS: Math.round((now - info.startedAt) / 1000),
    reasons: list.filter((c) => c.status !== 'ok').map((c) => c.reason ?? c.name),
    checks: list.map((c) => ({
      name: c.name,
      status: c.status,
      ...(c.reason !== undefined ? { reason: c.reason } : {}),
      ...(c.since !== undefined ? { since: new Date(c.since).toISOString() } : {}),
    })),
  };
}
