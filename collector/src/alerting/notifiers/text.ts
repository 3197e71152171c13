import type { Notification } from './types.js';

/** One line per alert, for chat and mail: what, where, since when, and the summary/dashboard links. */
export function alertLines(n: Notification): string[] {
  return n.alerts.map((a) => {
    const where = Object.entries(a.labels)
      .filter(([k]) => k !== 'alertname' && k !== 'severity')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const extra = Object.entries(a.annotations)
      .map(([k, v]) => `\n    ${k}: ${v}`)
      .join('');
    return `[${a.state}] ${a.alertname} ${where} since ${a.startsAt}${a.endsAt ? ` until ${a.endsAt}` : ''}${extra}`;
  });
}
