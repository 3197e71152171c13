// @vitest-environment node
// A collector whose InfluxDB is down (nothing listens on its port) and whose spool is tiny (4 KiB):
// its own polls fill the spool, the `self` rules page a real HTTP receiver (InfluxDB unreachable,
// then the spool full), and /healthz stays 200 (liveness) while saying `failing` and why.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type HttpReceiver } from '../collector/src/alerting/testing/receivers.js';
import { Collector } from '../collector/src/app.js';
import { parseConfig } from '../collector/src/config.js';
import { freePort } from '../collector/src/devstack/ports.js';
import { waitFor } from '../collector/src/devstack/process.js';
import { createLogger } from '../collector/src/lib/log.js';
import { metricValue } from './support/prom-text.js';

const dir = mkdtempSync(join(tmpdir(), 'callboard-self-alert-'));
let collector: Collector | undefined;
let hook: HttpReceiver | undefined;

afterAll(async () => {
  await collector?.stop();
  await hook?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Healthz {
  status: string;
  reasons: string[];
  checks: { name: string; status: string; reason?: string; since?: string }[];
}

describe('self alerts: InfluxDB down, spool full', () => {
  it('pages InfluxDB unreachable and the spool full to a real receiver; /healthz says failing and why', { timeout: 60_000 }, async () => {
    hook = await startHttpReceiver();
    const influxPort = await freePort('tcp'); // nothing listens: connections are refused, as with influxd down
    const snmpPort = await freePort('udp'); // nor here: every poll fails and reports it (points for the spool)
    process.env.CB_SELF_ALERT_COMMUNITY = 'public-self-alert';
    const config = parseConfig({
      timezone: 'UTC',
      stateDir: join(dir, 'state'),
      log: { level: 'warn' },
      api: { port: 0 },
      outputs: {
        influx: {
          url: `http://127.0.0.1:${influxPort}`,
          flushInterval: '100ms',
          timeout: '500ms',
          retry: { initial: '100ms', max: '500ms' },
          maxQueuedPoints: 100_000,
          spool: { maxBytes: 4096, segmentBytes: 1024 },
        },
      },
      inputs: [
        {
          type: 'snmp',
          name: 'core',
          interval: '200ms',
          timeout: '100ms',
          retries: 0,
          unreachableAfter: 1,
          maxBackoff: '200ms',
          profiles: ['if-mib'],
          credentials: { default: { version: '2c', community: { env: 'CB_SELF_ALERT_COMMUNITY' } } },
          targets: Array.from({ length: 5 }, (_, i) => ({
            device: `core${i}`,
            address: `127.0.0.1:${snmpPort}`,
            site: 'nyc',
            role: 'core',
          })),
        },
      ],
      alerting: {
        evaluationInterval: '200ms',
        groupWait: '0s',
        groupBy: ['alertname', 'check'],
        rules: [
          { name: 'influx-unreachable', kind: 'self', checks: ['influx_write'], for: '1s', annotations: { summary: '{{detail}}' } },
          {
            name: 'influx-spool-full',
            kind: 'self',
            checks: ['influx_spool'],
            status: 'failing',
            severity: 'critical',
            annotations: { summary: '{{detail}}' },
          },
        ],
        notifiers: [{ name: 'noc', type: 'webhook', url: hook.url }],
      },
    });
    collector = new Collector(config, createLogger({ level: 'silent' }));
    await collector.start();
    const api = collector.api.url;
    const triggered = (name: string) => hook!.received.find((r) => r.body.event === 'trigger' && r.body.group.labels.alertname === name);

    const unreachable = await waitFor(() => triggered('influx-unreachable'), { timeoutMs: 30_000, what: 'the influx-unreachable page' });
    expect(unreachable.body.alerts[0].labels).toMatchObject({ check: 'influx_write', alertname: 'influx-unreachable' });
    expect(unreachable.body.alerts[0].annotations.summary).toMatch(
      new RegExp(`^InfluxDB not taking writes for \\d+ s \\(.*127\\.0\\.0\\.1:${influxPort}.*ECONNREFUSED.*\\); points wait in the spool$`),
    );

    const full = await waitFor(() => triggered('influx-spool-full'), { timeoutMs: 40_000, what: 'the influx-spool-full page' });
    expect(full.body.severity).toBe('critical');
    expect(full.body.alerts[0].annotations.summary).toMatch(
      /^InfluxDB spool full at \d+ % of spool\.maxBytes \(\d+ of 4096 bytes\): \d+ points wait in memory/,
    );

    const response = await fetch(`${api}/healthz`);
    console.log(`/healthz with InfluxDB down and a 4 KiB spool: ${JSON.stringify(await response.clone().json())}`);
    expect(response.status).toBe(200); // liveness: a restart would not bring InfluxDB back
    const health = (await response.json()) as Healthz;
    expect(health.status).toBe('failing');
    expect(health.reasons).toEqual([
      expect.stringMatching(/^InfluxDB not taking writes for/),
      expect.stringMatching(/^InfluxDB spool full at/),
    ]);
    expect(health.checks.map((c) => [c.name, c.status])).toEqual([
      ['influx_write', 'degraded'],
      ['influx_spool', 'failing'],
    ]);
    expect(Date.parse(health.checks[0]!.since!)).toBeLessThanOrEqual(Date.now());
    // The same state as the self-metrics say.
    const metrics = await (await fetch(`${api}/metrics`)).text();
    expect(metricValue(metrics, 'callboard_influx_spool_alarm')).toBe(2);
    expect(metricValue(metrics, 'callboard_influx_up')).toBe(0);
    // One page per alert, whatever number of evaluations while it fires.
    expect(hook.received.filter((r) => r.body.event === 'trigger')).toHaveLength(2);
    // The community string is a secret: not in /healthz, not in the pages.
    expect(JSON.stringify(health) + JSON.stringify(hook.received.map((r) => r.body))).not.toContain('public-self-alert');
  });
});
