// kill -9 of a real collector while an alert is firing: after the restart there is no second
// trigger, and the resolve after recovery is still sent. The router is polled over real SNMP:
// unreachable at first (nothing listens on its port), then answered by `callboard sim snmp`.
// Also: the silences API is admin-only (a read token gets 403); alert events reach /live and the
// InfluxDB `alerts` measurement (queried the way a Grafana annotation query would).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { stringify } from 'yaml';
import { startHttpReceiver, type HttpReceiver } from '../collector/src/alerting/testing/receivers.js';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { freePort } from '../collector/src/devstack/ports.js';
import { queryRows } from './support/influx-query.js';

const ROOT = join(import.meta.dirname, '..');
const SNMPREC = join(ROOT, '../shared/fixtures/snmprec');
const children: ChildProcess[] = [];
const closers: (() => Promise<void>)[] = [];
let influxd: Influxd | undefined;
let dir: string | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(closers.map((c) => c()));
  await influxd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startCollector(configFile: string): ChildProcess {
  const child = spawn(process.execPath, ['collector/bin/callboard.mjs', 'run', '--config', configFile], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      CB_SNMP_COMMUNITY: 'librenms_ios_c3560',
      CB_PD_KEY: 'pd-routing-key-for-test',
      CB_ADMIN: 'admin-token-0123',
      CB_WALL: 'wall-token-0123',
    },
  });
  children.push(child);
  return child;
}

const sentLines = (stateDir: string) => {
  const file = join(stateDir, 'alerting', 'notifications.jsonl');
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { status: string; event?: string; notifier?: string })
    : [];
};

describe('kill -9 while firing', () => {
  it('no second trigger after the restart; the resolve after recovery is still sent', async () => {
    const hook: HttpReceiver = await startHttpReceiver();
    const pd: HttpReceiver = await startHttpReceiver();
    closers.push(hook.close, pd.close);
    influxd = await startInfluxd();
    const snmpPort = await freePort('udp');
    const apiPort = await freePort('tcp');
    dir = mkdtempSync(join(tmpdir(), 'cb-alert-restart-'));
    const stateDir = join(dir, 'state');
    const configFile = join(dir, 'callboard.yaml');
    writeFileSync(
      configFile,
      stringify({
        stateDir,
        log: { level: 'warn' },
        api: {
          host: '127.0.0.1',
          port: apiPort,
          tokens: [
            { name: 'oncall', role: 'admin', token: { env: 'CB_ADMIN' } },
            { name: 'wall', role: 'read', token: { env: 'CB_WALL' } },
          ],
        },
        outputs: { influx: { url: influxd.url, database: 'callboard_alerts', flushInterval: '200ms' } },
        inputs: [
          {
            type: 'snmp',
            name: 'core',
            interval: '1s',
            timeout: '300ms',
            retries: 0,
            unreachableAfter: 1,
            maxBackoff: '1s',
            profiles: ['if-mib'],
            credentials: { default: { version: '2c', community: { env: 'CB_SNMP_COMMUNITY' } } },
            targets: [{ device: 'core1-nyc', address: `127.0.0.1:${snmpPort}`, site: 'nyc-pop1', region: 'east', role: 'core' }],
          },
        ],
        alerting: {
          groupWait: '0s',
          groupBy: ['alertname', 'site'],
          rules: [
            {
              name: 'router-down',
              kind: 'threshold',
              measurement: 'snmp_device',
              where: ['role=core'],
              when: ['up < 1'],
              for: '2s',
              resolveAfter: '3s',
              severity: 'critical',
            },
          ],
          notifiers: [
            { name: 'hook', type: 'webhook', url: hook.url },
            { name: 'pager', type: 'pagerduty', routingKey: { env: 'CB_PD_KEY' }, url: pd.url },
          ],
        },
      }),
    );

    const first = startCollector(configFile);
    await until('the trigger', () => hook.received.length >= 1 && pd.received.length >= 1);
    // The alert is notified once both deliveries are in the log; then the process dies without any cleanup.
    await until('both deliveries logged', () => sentLines(stateDir).filter((l) => l.status === 'sent').length >= 2);
    const annotations = (state: string) =>
      queryRows(
        influxd!.url,
        'callboard_alerts',
        `SELECT "text", "labels", "fingerprint" FROM "alerts" WHERE "state" = '${state}' AND time > now() - 1h`,
      ).catch(() => []);
    let firing: Record<string, unknown>[] = [];
    await until('the firing point in InfluxDB', async () => (firing = await annotations('firing')).length > 0);
    expect(firing[0]).toMatchObject({ text: 'router-down firing', labels: expect.stringContaining('device=core1-nyc') });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    startCollector(configFile);
    const api = `http://127.0.0.1:${apiPort}/api/v1`;
    const auth = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    let alerts: { alerts: { rule: string; state: string }[] } | undefined;
    const deadline = Date.now() + 30_000;
    while (!alerts && Date.now() < deadline) {
      alerts = await fetch(`${api}/alerts`, { headers: auth('wall-token-0123') })
        .then((r) => (r.ok ? (r.json() as Promise<typeof alerts>) : undefined))
        .catch(() => undefined);
      if (!alerts) await new Promise((r) => setTimeout(r, 100));
    }
    expect(alerts!.alerts).toEqual([expect.objectContaining({ rule: 'router-down', state: 'firing' })]);
    // Several polls of the still-unreachable router, well past `for` and groupWait: no second page.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(hook.received.map((r) => r.body.event)).toEqual(['trigger']);
    expect(pd.received.map((r) => r.body.event_action)).toEqual(['trigger']);

    // Silences are admin-only.
    const body = JSON.stringify({ matchers: ['site=other'], duration: '1h', comment: 'test' });
    expect((await fetch(`${api}/silences`, { method: 'POST', headers: auth('wall-token-0123'), body })).status).toBe(403);
    const created = await fetch(`${api}/silences`, { method: 'POST', headers: auth('admin-token-0123'), body });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ createdBy: 'oncall', comment: 'test' });

    // Alert events on /live (read token), pushed as they happen.
    const live: { type: string; series?: { measurement: string; tags: Record<string, string> } }[] = [];
    const socket = new WebSocket(`ws://127.0.0.1:${apiPort}/live?measurements=alerts`, ['callboard.v1', 'bearer.wall-token-0123']);
    socket.on('message', (data) => live.push(JSON.parse(String(data))));
    closers.push(async () => socket.close());
    await until('the live hello', () => live.some((m) => m.type === 'hello'));

    // The router answers again: the restarted collector sends the resolve, to both notifiers.
    const sim = spawn(
      process.execPath,
      ['--import', 'tsx', 'collector/src/bench/snmp-sim-main.ts', '--snmprec', SNMPREC, '--listen', `127.0.0.1:${snmpPort}`, '--frozen'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    children.push(sim);
    await until('the resolve', () => hook.received.length >= 2 && pd.received.length >= 2);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(hook.received.map((r) => r.body.event)).toEqual(['trigger', 'resolve']);
    expect(pd.received.map((r) => r.body.event_action)).toEqual(['trigger', 'resolve']);
    expect(pd.received[1]!.body.dedup_key).toBe(pd.received[0]!.body.dedup_key);
    expect(hook.received[1]!.body.dedupKey).toBe(hook.received[0]!.body.dedupKey);
    let resolved: Record<string, unknown>[] = [];
    await until('the resolved point in InfluxDB', async () => (resolved = await annotations('resolved')).length > 0);
    expect(resolved.map((r) => r.fingerprint)).toEqual([firing[0]!.fingerprint]);
    // Self-metrics of the restarted process: the resolved alert, and the two resolves it sent.
    const metrics = await (await fetch(`http://127.0.0.1:${apiPort}/metrics`)).text();
    expect(metrics).toMatch(/^callboard_alerts\{state="resolved",suppressed="no"\} 1$/m);
    expect(metrics).toMatch(/^callboard_notifications_total\{status="sent",notifier="hook"\} 1$/m);
    expect(metrics).toMatch(/^callboard_notifications_total\{status="sent",notifier="pager"\} 1$/m);
    const alertUpdates = live
      .filter((m) => m.type === 'update')
      .map((m) => [m.series!.measurement, m.series!.tags.alertname, m.series!.tags.state]);
    expect(alertUpdates).toEqual([['alerts', 'router-down', 'resolved']]);
  });
});
