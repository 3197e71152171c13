/**
 * The alerting the demo stack runs (no notifiers: it only shows alerts). Its SIP trunk without a
 * gateway and its planned IADs that never answer fire within seconds, so the triage dashboard's
 * alerts table and the API have something real to show.
 */
export const demoAlerting = {
  groupBy: ['alertname', 'site'],
  groupWait: '5s',
  rules: [
    {
      name: 'trunk-down',
      kind: 'link',
      match: ['kind=sip-trunk'],
      for: '10s',
      severity: 'critical',
      groupBy: ['alertname', 'group'],
      annotations: { summary: 'SIP trunk {{labels.link}} is {{detail}}' },
    },
    {
      name: 'router-down',
      kind: 'threshold',
      measurement: 'snmp_device',
      where: ['role!=iad'],
      when: ['up < 1'],
      for: '10s',
      severity: 'critical',
      annotations: { summary: '{{labels.device}} ({{labels.role}}) at {{labels.site}} does not answer SNMP' },
    },
    {
      name: 'iad-down',
      kind: 'threshold',
      measurement: 'snmp_device',
      where: ['role=iad'],
      when: ['up < 1'],
      for: '10s',
      severity: 'minor',
      annotations: { summary: 'IAD {{labels.device}} ({{labels.customer}}) does not answer' },
    },
    { name: 'mos-low', kind: 'threshold', measurement: 'snmp_ipsla', when: ['mos < 3.6'], for: '30s', severity: 'minor' },
    { name: 'milestone', kind: 'milestone', annotations: { summary: '{{detail}}' } },
  ],
  inhibit: [{ source: ['alertname=router-down'], target: ['alertname=~"iad-down|mos-low"'], equal: ['site'] }],
};
