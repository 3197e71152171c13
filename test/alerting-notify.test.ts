// Alerting end to end inside one process: the real config schema, health model and notifiers,
// delivering to real HTTP receivers and a real SMTP server on loopback; time is a hand-moved clock.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AlertingHarness, removeHarnessDirs, device, trunk } from '../collector/src/alerting/testing/harness.js';
import { startHttpReceiver, startSmtpSink, type HttpReceiver } from '../collector/src/alerting/testing/receivers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});
afterAll(removeHarnessDirs);

async function receiver(clock: () => number, status?: (n: number) => number): Promise<HttpReceiver> {
  const r = await startHttpReceiver(clock, status);
  closers.push(r.close);
  return r;
}

const events = (r: HttpReceiver, event: string) => r.received.filter((x) => x.body.event === event);
const pdActions = (r: HttpReceiver, action: string) => r.received.filter((x) => x.body.event_action === action);

describe('a trunk group whose links go down', () => {
  it('pages once per group on every notifier and resolves once after recovery', async () => {
    let clock = () => 0;
    const hook = await receiver(() => clock());
    const slack = await receiver(() => clock());
    const pd = await receiver(() => clock());
    const smtp = await startSmtpSink();
    closers.push(smtp.close);
    process.env.CB_TEST_PD_KEY = 'R0UTINGKEY0123456789';
    const h = new AlertingHarness({
      groupWait: '10s',
      rules: [
        {
          name: 'trunk-down',
          kind: 'link',
          match: ['kind=sip-trunk'],
          for: '30s',
          resolveAfter: '30s',
          severity: 'critical',
          groupBy: ['alertname', 'group'],
          annotations: {
            summary: 'trunk {{labels.link}} {{detail}}',
            dashboard: '{{grafanaUrl}}/d/callboard-triage?var-group={{labels.group | urlquery}}',
          },
        },
      ],
      grafanaUrl: 'http://grafana.example:3000/',
      notifiers: [
        { name: 'hook', type: 'webhook', url: hook.url },
        { name: 'chat', type: 'slack', url: slack.url },
        { name: 'pager', type: 'pagerduty', routingKey: { env: 'CB_TEST_PD_KEY' }, url: pd.url },
        {
          name: 'mail',
          type: 'email',
          smtp: { host: '127.0.0.1', port: smtp.port },
          from: 'callboard@example.net',
          to: ['noc@example.net'],
        },
      ],
    });
    clock = h.clock.now;
    const start = h.clock.t;
    // nyc: gw1 and gw2 down from 20 s to 140 s; bos: gw3 stays up.
    const poll = (t: number) => {
      const isDown = t - start > 20_000 && t - start <= 140_000;
      return [trunk(t, 'gw1', 'nyc', !isDown), trunk(t, 'gw2', 'nyc', !isDown), trunk(t, 'gw3', 'bos', true)];
    };
    await h.run(400_000, 5_000, poll);

    expect(events(hook, 'trigger')).toHaveLength(1);
    expect(events(hook, 'resolve')).toHaveLength(1);
    expect(events(hook, 'repeat')).toHaveLength(0);
    const [trigger] = events(hook, 'trigger');
    expect(trigger!.body.group.labels).toEqual({ alertname: 'trunk-down', group: 'nyc' });
    expect(trigger!.body.alerts.map((a: { labels: { link: string } }) => a.labels.link).sort()).toEqual(['ss1/gw1', 'ss1/gw2']);
    expect(trigger!.body.alerts[0].annotations.dashboard).toBe('http://grafana.example:3000/d/callboard-triage?var-group=nyc');
    expect(trigger!.body.alerts[0].annotations.summary).toMatch(/^trunk ss1\/gw\d down: gateway not answering OPTIONS$/);
    // Down at 25 s (first poll after 20 s), pending 30 s, then grouped for 10 s.
    expect(trigger!.at - start).toBe(65_000);
    const [resolve] = events(hook, 'resolve');
    expect(resolve!.body.dedupKey).toBe(trigger!.body.dedupKey);
    expect(resolve!.body.alerts.every((a: { state: string; endsAt?: string }) => a.state === 'resolved' && a.endsAt)).toBe(true);
    // Up at 145 s, health hold 30 s, resolveAfter 30 s.
    expect(resolve!.at - start).toBe(205_000);

    expect(slack.received.map((r) => r.body.text.split(' ')[0])).toEqual(['FIRING', 'RESOLVED']);
    expect(pdActions(pd, 'trigger')).toHaveLength(1);
    expect(pdActions(pd, 'resolve')).toHaveLength(1);
    expect(pd.received[0]!.body).toMatchObject({
      routing_key: 'R0UTINGKEY0123456789',
      dedup_key: trigger!.body.dedupKey,
      payload: { severity: 'critical', class: 'trunk-down', source: expect.stringMatching(/^ss1\/gw[12]$/), group: 'nyc' },
    });
    expect(pd.received[1]!.body).toEqual({
      routing_key: 'R0UTINGKEY0123456789',
      event_action: 'resolve',
      dedup_key: trigger!.body.dedupKey,
    });
    expect(smtp.messages.map((m) => m.subject)).toEqual([`[FIRING] ${trigger!.body.title}`, `[RESOLVED] ${resolve!.body.title}`]);
    expect(smtp.messages[0]!.to).toEqual(['noc@example.net']);
    expect(smtp.messages[0]!.headers['x-callboard-dedup-key']).toBe(trigger!.body.dedupKey);
    // The routing key is a secret: never in the log.
    expect(JSON.stringify(h.logger.lines)).not.toContain('R0UTINGKEY0123456789');
    // The alerts measurement: pending, firing, resolved for each link.
    expect(h.points.filter((p) => p.tags.alertname === 'trunk-down').map((p) => p.tags.state)).toEqual([
      'pending',
      'pending',
      'firing',
      'firing',
      'resolved',
      'resolved',
    ]);
  });

  it('a link flapping every few seconds pages at most once (link rule and a zero-`for` threshold rule)', async () => {
    const hook = await receiver(() => 0);
    const h = new AlertingHarness({
      groupWait: '5s',
      rules: [
        { name: 'trunk-down', kind: 'link', match: ['kind=sip-trunk'], for: '20s', resolveAfter: '30s' },
        { name: 'trunk-up-zero', kind: 'threshold', measurement: 'trunk_status', when: ['up < 1'], for: '0s', resolveAfter: '60s' },
      ],
      notifiers: [{ name: 'hook', type: 'webhook', url: hook.url }],
    });
    const start = h.clock.t;
    // Down 3 s, up 3 s, for 5 minutes; then up for good.
    await h.run(600_000, 1_000, (t) => [trunk(t, 'gw1', 'nyc', t - start > 300_000 || Math.floor((t - start) / 3_000) % 2 === 1)]);
    for (const rule of ['trunk-down', 'trunk-up-zero']) {
      const triggers = events(hook, 'trigger').filter((r) => r.body.group.labels.alertname === rule);
      const resolves = events(hook, 'resolve').filter((r) => r.body.group.labels.alertname === rule);
      expect(triggers.length, rule).toBeLessThanOrEqual(1);
      expect(resolves.length, rule).toBe(triggers.length);
    }
    expect(events(hook, 'trigger').length).toBeGreaterThanOrEqual(1);
  });
});

describe('inhibition', () => {
  it('a down router mutes the alerts of its links and IADs at the same site, not elsewhere', async () => {
    const hook = await receiver(() => 0);
    const h = new AlertingHarness({
      groupWait: '10s',
      groupBy: ['alertname', 'site'],
      rules: [
        {
          name: 'router-down',
          kind: 'threshold',
          measurement: 'snmp_device',
          where: ['role=~"core|router"'],
          when: ['up < 1'],
          for: '10s',
          severity: 'critical',
        },
        { name: 'iad-down', kind: 'threshold', measurement: 'snmp_device', where: ['role=iad'], when: ['up < 1'], for: '10s' },
        {
          name: 'interface-down',
          kind: 'threshold',
          measurement: 'snmp_interface',
          where: ['role!=iad'],
          when: ['oper_status != 1'],
          for: '10s',
        },
        // IAD WAN ports as links of the health model, which groups interfaces by site.
        { name: 'wan-link-down', kind: 'link', match: ['kind=interface', 'link=~"iad-.*"'], groupLabel: 'site', for: '10s' },
      ],
      inhibit: [{ source: ['alertname=router-down'], target: ['alertname=~"iad-down|interface-down|wan-link-down"'], equal: ['site'] }],
      notifiers: [{ name: 'hook', type: 'webhook', url: hook.url }],
    });
    const start = h.clock.t;
    const wan = (t: number, name: string, at: Record<string, string>, up: boolean) => ({
      measurement: 'snmp_interface',
      tags: { device: name, ...at, role: 'iad', customer: 'cust-1', ifName: 'Dialer1' },
      time: t,
      fields: { oper_status: up ? 1 : 2, admin_status: 1 },
    });
    const poll = (t: number) => {
      const out = t - start > 15_000;
      const at = (site: string) => ({ site, region: 'east' });
      return [
        device(t, 'core1-nyc', { ...at('nyc'), role: 'core' }, !out),
        device(t, 'iad-nyc-1', { ...at('nyc'), role: 'iad' }, !out),
        device(t, 'iad-nyc-2', { ...at('nyc'), role: 'iad' }, !out),
        {
          measurement: 'snmp_interface',
          tags: { device: 'core1-nyc', ...at('nyc'), role: 'core', customer: '', ifName: 'Gi0/0' },
          time: t,
          fields: { oper_status: out ? 2 : 1 },
        },
        wan(t, 'iad-nyc-1', at('nyc'), !out),
        device(t, 'core1-bos', { ...at('bos'), role: 'core' }, true),
        device(t, 'iad-bos-1', { ...at('bos'), role: 'iad' }, !out),
        wan(t, 'iad-bos-1', at('bos'), !out),
      ];
    };
    await h.run(120_000, 5_000, poll);
    const triggers = events(hook, 'trigger').map((r) => `${r.body.group.labels.alertname}@${r.body.group.labels.site}`);
    expect(triggers.sort()).toEqual(['iad-down@bos', 'router-down@nyc', 'wan-link-down@bos']);
    const suppressed = h.engine.notificationLog(100).filter((e) => e.status === 'suppressed');
    expect(suppressed.map((e) => e.alertname).sort()).toEqual(['iad-down', 'iad-down', 'interface-down', 'wan-link-down']);
    expect(suppressed.every((e) => e.reason!.startsWith('inhibited by router-down'))).toBe(true);
    const api = h.engine.alerts().filter((a) => a.labels.site === 'nyc' && a.rule !== 'router-down');
    expect(api).toHaveLength(4);
    expect(api.every((a) => a.state === 'firing' && a.suppressedBy?.startsWith('inhibited by router-down'))).toBe(true);
  });
});

describe('a notifier answering 500', () => {
  it('is retried with exponential backoff while the other notifiers deliver at once', async () => {
    let now = () => 0;
    const failing = await receiver(
      () => now(),
      (n) => (n < 3 ? 500 : 200),
    );
    const healthy = await receiver(() => now());
    const h = new AlertingHarness({
      groupWait: '0s',
      retry: { initialBackoff: '1s', maxBackoff: '1m' },
      rules: [{ name: 'iad-down', kind: 'threshold', measurement: 'snmp_device', when: ['up < 1'], resolveAfter: '0s' }],
      notifiers: [
        { name: 'flaky', type: 'webhook', url: failing.url },
        { name: 'steady', type: 'webhook', url: healthy.url },
      ],
    });
    now = h.clock.now;
    const start = h.clock.t;
    await h.run(20_000, 250, (t) => [device(t, 'iad1', { site: 'a' }, t - start > 10_000)]);
    expect(healthy.received.map((r) => [r.body.event, r.at - start])).toEqual([
      ['trigger', 250],
      ['resolve', 10_250],
    ]);
    // flaky: trigger at 250 (500), +1 s (500), +2 s (500), +4 s (200); its resolve waits behind it, then goes.
    expect(failing.received.map((r) => [r.body.event, r.status, r.at - start])).toEqual([
      ['trigger', 500, 250],
      ['trigger', 500, 1_250],
      ['trigger', 500, 3_250],
      ['trigger', 200, 7_250],
      ['resolve', 200, 10_250],
    ]);
    expect(new Set(failing.received.slice(0, 4).map((r) => r.body.id)).size).toBe(1);
    const log = h.engine.notificationLog(100).filter((e) => e.notifier === 'flaky');
    expect(log.map((e) => e.status)).toEqual(['queued', 'retry', 'retry', 'retry', 'sent', 'queued', 'sent']);
  });
});

describe('maintenance windows and silences', () => {
  it('a weekly window (Sunday 02:00–04:00 New York, region east) suppresses inside and not outside', async () => {
    const hook = await receiver(() => 0);
    // Sunday 29 Nov 2026 01:50 EST = 06:50 UTC.
    const h = new AlertingHarness(
      {
        groupWait: '0s',
        groupBy: ['alertname', 'region'],
        rules: [{ name: 'iad-down', kind: 'threshold', measurement: 'snmp_device', when: ['up < 1'] }],
        maintenance: [{ name: 'east-sunday', match: ['region=east'], weekly: { days: ['sun'], start: '02:00', end: '04:00' } }],
        notifiers: [{ name: 'hook', type: 'webhook', url: hook.url }],
      },
      { start: Date.parse('2026-11-29T06:50:00Z') },
    );
    let phase: 'before' | 'inside' = 'before';
    const poll = (t: number) =>
      phase === 'before'
        ? [device(t, 'iad-w', { region: 'west' }, true)]
        : [device(t, 'iad-e', { region: 'east' }, false), device(t, 'iad-w', { region: 'west' }, false)];
    await h.run(20 * 60_000, 10_000, poll); // to 02:10 local
    phase = 'inside';
    await h.run(60 * 60_000, 10_000, poll); // 02:10–03:10: both down
    expect(events(hook, 'trigger').map((r) => r.body.group.labels.region)).toEqual(['west']);
    expect(h.engine.maintenanceActive()).toEqual(['east-sunday']);
    const suppressed = h.engine.notificationLog(100).filter((e) => e.status === 'suppressed');
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.reason).toBe('maintenance east-sunday');
    await h.run(60 * 60_000, 10_000, poll); // to 04:10: the window ends with iad-e still down
    const east = events(hook, 'trigger').filter((r) => r.body.group.labels.region === 'east');
    expect(east).toHaveLength(1);
    expect(new Date(east[0]!.body.createdAt).toISOString()).toBe('2026-11-29T09:00:00.000Z'); // 04:00 EST, the first evaluation after the window
  });

  it('a silence mutes matching alerts until it is expired', async () => {
    const hook = await receiver(() => 0);
    const h = new AlertingHarness({
      groupWait: '0s',
      groupBy: ['alertname', 'site'],
      rules: [{ name: 'iad-down', kind: 'threshold', measurement: 'snmp_device', when: ['up < 1'] }],
      notifiers: [{ name: 'hook', type: 'webhook', url: hook.url }],
    });
    const { parseMatcher } = await import('../collector/src/alerting/matchers.js');
    const silence = h.engine.createSilence({
      matchers: [parseMatcher('site=nyc')],
      endsAt: h.clock.t + 3_600_000,
      createdBy: 'test',
      comment: 'IAD swap',
    });
    const poll = (t: number) => [device(t, 'iad1', { site: 'nyc' }, false), device(t, 'iad2', { site: 'bos' }, false)];
    await h.run(60_000, 10_000, poll);
    expect(events(hook, 'trigger').map((r) => r.body.group.labels.site)).toEqual(['bos']);
    expect(h.engine.listSilences()[0]).toMatchObject({ id: silence.id, status: 'active', matcherText: ['site=nyc'] });
    h.engine.expireSilence(silence.id, 'test');
    await h.run(20_000, 10_000, poll);
    expect(events(hook, 'trigger').map((r) => r.body.group.labels.site)).toEqual(['bos', 'nyc']);
    // Silences survive a restart.
    expect(h.restart().listSilences()[0]).toMatchObject({ id: silence.id, status: 'expired' });
  });
});

describe('milestones', () => {
  it('one notification per milestone per day, also when the event is seen again after a restart', async () => {
    const hook = await receiver(() => 0);
    const h = new AlertingHarness(
      {
        rules: [{ name: 'milestone', kind: 'milestone', annotations: { summary: '{{detail}}' } }],
        notifiers: [{ name: 'hook', type: 'webhook', url: hook.url }],
      },
      { start: Date.parse('2026-11-25T15:00:00Z') },
    );
    const passed = (t: number, day: string, target: string, value: number) => ({
      measurement: 'milestone',
      tags: { source: 'cdr1', target },
      time: t,
      fields: { day, threshold: 1_000_000, value, text: `${day}: ${target.replace(/_/g, ' ')} passed 1,000,000` },
    });
    h.feed([passed(h.clock.t, '2026-11-25', 'minutes_per_day', 1_000_012)]);
    await h.run(60_000, 10_000);
    h.feed([passed(h.clock.t, '2026-11-25', 'minutes_per_day', 1_000_900)]); // the same milestone again
    h.feed([passed(h.clock.t, '2026-11-25', 'calls_per_day', 1_000_001)]); // another target, same day
    await h.run(60_000, 10_000);
    h.restart();
    h.feed([passed(h.clock.t, '2026-11-25', 'minutes_per_day', 1_001_000)]); // replayed after a restart
    await h.run(2 * 3_600_000, 60_000);
    h.feed([passed(h.clock.t, '2026-11-26', 'minutes_per_day', 1_000_007)]); // next day
    await h.run(60_000, 10_000);
    expect(hook.received.map((r) => [r.body.event, r.body.alerts[0].labels.target, r.body.alerts[0].labels.day])).toEqual([
      ['trigger', 'minutes_per_day', '2026-11-25'],
      ['trigger', 'calls_per_day', '2026-11-25'],
      ['trigger', 'minutes_per_day', '2026-11-26'],
    ]);
    expect(hook.received[0]!.body.alerts[0].annotations.summary).toBe('2026-11-25: minutes per day passed 1,000,000');
    expect(hook.received[0]!.body.severity).toBe('info');
  });
});

describe('write-ahead', () => {
  it('a notification queued when the process died is sent after the restart with the same id, and only once', async () => {
    let up = false;
    const hook = await receiver(
      () => 0,
      () => (up ? 200 : 503),
    );
    const h = new AlertingHarness({
      groupWait: '0s',
      retry: { initialBackoff: '1s', maxBackoff: '2s' },
      rules: [{ name: 'iad-down', kind: 'threshold', measurement: 'snmp_device', when: ['up < 1'] }],
      notifiers: [{ name: 'hook', type: 'webhook', url: hook.url }],
    });
    await h.run(3_000, 1_000, (t) => [device(t, 'iad1', { site: 'a' }, false)]);
    const attempted = hook.received.length;
    expect(attempted).toBeGreaterThanOrEqual(1);
    up = true;
    h.restart().start();
    await h.engine.idle();
    await h.run(30_000, 1_000, (t) => [device(t, 'iad1', { site: 'a' }, false)]);
    await h.engine.stop();
    const delivered = hook.received.filter((r) => r.status === 200);
    expect(delivered).toHaveLength(1);
    expect(new Set(hook.received.map((r) => r.body.id)).size).toBe(1);
  });
});

describe('source and no-data rules, repeat interval', () => {
  it('an unreachable source and a silent series fire, repeat while firing, and resolve when data is back', async () => {
    const hook = await receiver(() => 0);
    const h = new AlertingHarness({
      groupWait: '0s',
      repeatInterval: '10m',
      rules: [
        { name: 'source-unreachable', kind: 'source', for: '30s', resolveAfter: '0s', groupBy: ['alertname', 'input'] },
        {
          name: 'no-calls-data',
          kind: 'no_data',
          measurement: 'softswitch_calls',
          after: '2m',
          resolveAfter: '0s',
          groupBy: ['alertname', 'switch'],
        },
      ],
      notifiers: [{ name: 'hook', type: 'webhook', url: hook.url }],
    });
    const start = h.clock.t;
    const source = (t: number, up: boolean) => ({
      measurement: 'callboard_source',
      tags: { input: 'ss1', type: 'kamailio' },
      time: t,
      fields: { up: up ? 1 : 0, poll_ms: 3 },
    });
    const calls = (t: number) => ({ measurement: 'softswitch_calls', tags: { switch: 'ss1' }, time: t, fields: { attempts: 10, asr: 50 } });
    // Minute 0–1: fine. 1–26: the switch does not answer (source down, no call statistics). Then fine again.
    await h.run(30 * 60_000, 10_000, (t) => {
      const broken = t - start > 60_000 && t - start <= 26 * 60_000;
      return broken ? [source(t, false)] : [source(t, true), calls(t)];
    });
    const byRule = (name: string) => hook.received.filter((r) => r.body.group.labels.alertname === name).map((r) => r.body.event);
    // Fired at 1:40 (30 s pending), repeated every 10 minutes, resolved at 26:10.
    expect(byRule('source-unreachable')).toEqual(['trigger', 'repeat', 'repeat', 'resolve']);
    // Silent from 1:10, fired after 2 minutes, repeated at +10 and +20 min, resolved when data came back.
    expect(byRule('no-calls-data')).toEqual(['trigger', 'repeat', 'repeat', 'resolve']);
    const triggers = hook.received.filter((r) => r.body.event === 'trigger');
    expect(triggers.map((r) => Date.parse(r.body.createdAt) - start)).toEqual([100_000, 190_000]);
  });
});

describe('a page is never given up while the outage lasts', () => {
  const iadDown = { name: 'iad-down', kind: 'threshold', measurement: 'snmp_device', when: ['up < 1'], resolveAfter: '0s' };

  it('a receiver answering 500 for an hour: the trigger is retried with capped backoff, delivered exactly once, then its resolve', async () => {
    let now = () => 0;
    let start = 0;
    const pager = await receiver(
      () => now(),
      () => (now() - start < 3_600_000 ? 500 : 200),
    );
    const h = new AlertingHarness({
      groupWait: '0s',
      retry: { initialBackoff: '1s', maxBackoff: '5m' },
      rules: [iadDown],
      notifiers: [{ name: 'pager', type: 'webhook', url: pager.url }],
    });
    now = h.clock.now;
    start = h.clock.t;
    await h.run(70 * 60_000, 10_000, (t) => [device(t, 'iad1', { site: 'a' }, t - start > 65 * 60_000)]);
    const delivered = pager.received.filter((r) => r.status === 200);
    expect(delivered.map((r) => r.body.event)).toEqual(['trigger', 'resolve']);
    // At the first attempt after the hour of 500s (attempts at most maxBackoff apart), and the resolve when iad1 is back.
    expect(delivered[0]!.at - start).toBeGreaterThanOrEqual(3_600_000);
    expect(delivered[0]!.at - start).toBeLessThanOrEqual(3_600_000 + 5 * 60_000 + 10_000);
    expect(delivered[1]!.at - start).toBe(65 * 60_000 + 10_000);
    const triggers = pager.received.filter((r) => r.body.event === 'trigger');
    expect(new Set(triggers.map((r) => r.body.id)).size).toBe(1); // the same notification every time
    expect(triggers.length).toBeGreaterThan(12); // the old limit gave up after 12 attempts (~25 min)
    const gaps = triggers.slice(1).map((r, i) => r.at - triggers[i]!.at);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5 * 60_000 + 10_000); // capped at maxBackoff (+ one evaluation step)
    expect(h.engine.notificationLog(1000).filter((e) => e.status === 'failed')).toEqual([]);
  });

  it('a trigger is given up once its alert resolved; a resolve is retried until retry.resolveMaxAge', async () => {
    const pager = await receiver(
      () => 0,
      () => 503,
    );
    const h = new AlertingHarness({
      groupWait: '0s',
      retry: { initialBackoff: '1s', maxBackoff: '1m', resolveMaxAge: '30m' },
      rules: [iadDown],
      notifiers: [{ name: 'pager', type: 'webhook', url: pager.url }],
    });
    const start = h.clock.t;
    await h.run(60 * 60_000, 10_000, (t) => [device(t, 'iad1', { site: 'a' }, t - start > 5 * 60_000)]);
    const log = h.engine.notificationLog(1000);
    const at = (status: string, event: string) => log.find((e) => e.status === status && e.event === event)!.time;
    expect(log.filter((e) => e.status === 'failed').map((e) => e.event)).toEqual(['trigger', 'resolve']);
    // The trigger: at its first attempt after the resolve was queued (attempts at most maxBackoff apart).
    expect(at('failed', 'trigger') - at('queued', 'resolve')).toBeGreaterThanOrEqual(0);
    expect(at('failed', 'trigger') - at('queued', 'resolve')).toBeLessThanOrEqual(60_000 + 10_000);
    // The resolve: at its first attempt 30 min after it was queued.
    expect(at('failed', 'resolve') - at('queued', 'resolve')).toBeGreaterThanOrEqual(30 * 60_000);
    expect(at('failed', 'resolve') - at('queued', 'resolve')).toBeLessThanOrEqual(31 * 60_000 + 10_000);
    expect(log.filter((e) => e.event === 'resolve' && e.status === 'retry').length).toBeGreaterThan(30);
    expect(h.engine.pendingDeliveries()).toEqual([]);
  });

  it('a notifier failing longer than retry.failingAfter raises the self alert, delivered by the other notifier; both in order after', async () => {
    let now = () => 0;
    let broken = true;
    const pager = await receiver(
      () => now(),
      () => (broken ? 500 : 200),
    );
    const chat = await receiver(() => now());
    const h = new AlertingHarness({
      groupWait: '0s',
      retry: { initialBackoff: '1s', maxBackoff: '1m', failingAfter: '2m' },
      rules: [
        iadDown,
        { name: 'notifier-failing', kind: 'self', checks: ['notifier'], resolveAfter: '0s', annotations: { summary: '{{detail}}' } },
      ],
      notifiers: [
        { name: 'pager', type: 'webhook', url: pager.url },
        { name: 'chat', type: 'webhook', url: chat.url },
      ],
    });
    now = h.clock.now;
    const start = h.clock.t;
    const poll = (t: number) => [device(t, 'iad1', { site: 'a' }, false)];
    await h.run(10 * 60_000, 5_000, poll);
    broken = false;
    await h.run(5 * 60_000, 5_000, poll);
    const seen = (r: HttpReceiver) =>
      r.received.filter((x) => x.status < 300).map((x) => [x.body.group.labels.alertname, x.body.event, x.at - start]);
    expect(seen(chat)).toEqual([
      ['iad-down', 'trigger', 5_000],
      ['notifier-failing', 'trigger', 125_000], // 2 min after the first failure, at the next evaluation
      ['notifier-failing', 'resolve', expect.any(Number)],
    ]);
    const selfPage = chat.received.find((x) => x.body.group.labels.alertname === 'notifier-failing')!;
    expect(selfPage.body.alerts[0].annotations.summary).toMatch(/^notifier pager has not delivered for 2 min \(1 waiting\): .*500/);
    // The pager, once back: its queue in order, the iad-down trigger exactly once.
    expect(seen(pager).map(([name, event]) => `${name} ${event}`)).toEqual([
      'iad-down trigger',
      'notifier-failing trigger',
      'notifier-failing resolve',
    ]);
    expect(seen(pager)[0]![2]).toBeGreaterThanOrEqual(10 * 60_000);
  });
});
