import type { NotifierConfig, Severity } from '../config.js';
import { postJson } from './http-post.js';
import type { Notification, Notifier } from './types.js';

const PD_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical',
  major: 'error',
  minor: 'warning',
  warning: 'warning',
  info: 'info',
};

/** PagerDuty Events API v2: trigger (also for repeats, which PagerDuty folds into the open incident) and resolve, keyed by the group's dedup key. */
export function pagerDutyEvent(n: Notification, routingKey: string) {
  if (n.event === 'resolve') return { routing_key: routingKey, event_action: 'resolve', dedup_key: n.dedupKey };
  const first = n.alerts[0]?.labels;
  const links = [...new Set(n.alerts.flatMap((a) => Object.values(a.annotations).filter((v) => /^https?:\/\//.test(v))))].slice(0, 5);
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: n.dedupKey,
    payload: {
      summary: n.title.slice(0, 1024),
      source: firstSet(first?.site, first?.device, first?.link, first?.input) ?? 'callboard',
      severity: PD_SEVERITY[n.severity],
      timestamp: n.alerts[0]?.startsAt ?? n.createdAt,
      component: firstSet(first?.device, first?.trunk_group, first?.switch),
      group: firstSet(n.group.labels.site, n.group.labels.region, n.group.labels.group),
      class: n.alerts[0]?.alertname,
      custom_details: {
        group: n.group.labels,
        alerts: n.alerts.map((a) => ({
          alertname: a.alertname,
          labels: a.labels,
          annotations: a.annotations,
          value: a.value,
          startsAt: a.startsAt,
        })),
      },
    },
    links: links.map((href) => ({ href, text: 'Callboard dashboard' })),
  };
}

export function pagerDutyNotifier(config: Extract<NotifierConfig, { type: 'pagerduty' }>): Notifier {
  return {
    name: config.name,
    type: config.type,
    match: config.match,
    sendResolved: config.sendResolved,
    send: (notification) => postJson(config.url, pagerDutyEvent(notification, config.routingKey.reveal()), config.timeout),
  };
}

/** PagerDuty rejects an empty source; labels missing from the inventory are empty strings. */
const firstSet = (...values: (string | undefined)[]): string | undefined => values.find((v) => v !== undefined && v !== '');
