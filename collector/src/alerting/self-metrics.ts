import { Counter, Gauge, type Registry } from 'prom-client';
import type { AlertRecord } from './state.js';
import type { LogEntry } from './store.js';

/** Prometheus figures of the alerting itself on /metrics: alerts by state, and every delivery outcome. */
export function alertingSelfMetrics(registry: Registry, alerts: () => Iterable<AlertRecord>) {
  new Gauge({
    name: 'callboard_alerts',
    help: 'Alerts by state and whether something (inhibition, silence, maintenance) holds back their notifications',
    labelNames: ['state', 'suppressed'],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of alerts()) if (a.state !== 'inactive') this.inc({ state: a.state, suppressed: a.suppressedBy ? 'yes' : 'no' });
    },
  });
  const outcomes = new Counter({
    name: 'callboard_notifications_total',
    help: 'Notification log entries: queued, sent, retry, failed per notifier; suppressed per alert',
    labelNames: ['status', 'notifier'],
    registers: [registry],
  });
  return (entry: LogEntry) => outcomes.inc({ status: entry.status, notifier: entry.notifier ?? '' });
}
