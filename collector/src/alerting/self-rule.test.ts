// The `self` rule kind over the collector's own state: InfluxDB not taking writes, its spool filling
// up and full. The InfluxDB output's state is the input of influxSelfChecks (a plain object here,
// moved by the test); the engine runs on the harness's hand-moved clock and pages a real HTTP receiver.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { influxSelfChecks } from '../outputs/influx/self-checks.js';
import { parseConfig } from '../config.js';
import { AlertingHarness, removeHarnessDirs } from './testing/harness.js';
import { startHttpReceiver, type HttpReceiver } from './testing/receivers.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => void (await Promise.all(closers.splice(0).map((c) => c()))));
afterAll(removeHarnessDirs);

const MAX = 65_536;

/** What InfluxSink.connectionStatus() and spoolStatus() answer, set by the test. */
function influxState() {
  const state = {
    connection: { reachable: true } as { reachable: boolean; since?: number; error?: string },
    spool: { bytes: 0, maxBytes: MAX, memoryPoints: 0, alarm: 0 } as {
      bytes: number;
      maxBytes: number;
      memoryPoints: number;
      alarm: number;
      diskError?: string;
      oldestPushedAt?: number;
    },
  };
  const sink = { connectionStatus: () => state.connection, spoolStatus: () => state.spool };
  return { state, checks: (now: number) => influxSelfChecks(sink, now) };
}

describe('self checks of the InfluxDB output', () => {
  it('say what is wrong: unreachable (degraded), spool above the alarm ratio (degraded), full or disk failing (failing)', () => {
    const { state, checks } = influxState();
    const t = Date.parse('2026-11-25T12:00:00Z');
    expect(checks(t)).toEqual([
      { name: 'influx_write', status: 'ok' },
      { name: 'influx_spool', status: 'ok', value: 0 },
    ]);
    state.connection = { reachable: false, since: t - 150_000, error: 'no answer from http://cb:s3cret@127.0.0.1:8086/ping: ECONNREFUSED' };
    state.spool = { bytes: 55_000, maxBytes: MAX, memoryPoints: 0, alarm: 1, oldestPushedAt: t - 100_000 };
    const [write, spool] = checks(t);
    expect(write).toEqual({
      name: 'influx_write',
      status: 'degraded',
      since: t - 150_000,
      value: 150,
      reason: 'InfluxDB not taking writes for 2 min (no answer from http://127.0.0.1:8086/ping: ECONNREFUSED); points wait in the spool',
    });
    expect(spool).toEqual({
      name: 'influx_spool',
      status: 'degraded',
      value: 0.839,
      reason: 'InfluxDB spool at 83 % of spool.maxBytes (55000 of 65536 bytes), oldest point unwritten for 100 s',
    });
    state.spool = { bytes: 65_000, maxBytes: MAX, memoryPoints: 3000, alarm: 2 };
    expect(checks(t)[1]).toMatchObject({
      status: 'failing',
      reason: expect.stringMatching(/^InfluxDB spool full at 99 % .*: 3000 points wait in memory/),
    });
    state.spool = { bytes: 0, maxBytes: MAX, memoryPoints: 50, alarm: 2, diskError: 'ENOSPC: no space left on device, write' };
    expect(checks(t)[1]!.reason).toMatch(/^InfluxDB spool disk refuses writes \(ENOSPC: no space left on device, write\): 50 points/);
  });

  it('the config refuses an unknown check or status, naming where', () => {
    const parse = (rule: object) => () => parseConfig({ alerting: { rules: [{ name: 'x', kind: 'self', ...rule }] } });
    expect(parse({ checks: ['influx_spool', 'disk'] })).toThrow(/alerting\.rules\[0\]\.checks\[1\]: Invalid option/);
    expect(parse({ status: 'ok' })).toThrow(/alerting\.rules\[0\]\.status: Invalid option/);
    expect(parse({})().alerting!.rules[0]).toMatchObject({ kind: 'self', checks: [], status: 'degraded' });
    expect(parse({ checks: ['notifier'] })().alerting!.rules[0]).toMatchObject({ checks: ['notifier'] });
  });

  it('retry: defaults (resolves kept 24 h, a notifier failing 5 min raises `notifier`), bad values refused by path', () => {
    const parse = (retry: object) => () => parseConfig({ alerting: { retry } });
    expect(parse({})().alerting!.retry).toEqual({
      initialBackoff: 1000,
      maxBackoff: 300_000,
      resolveMaxAge: 86_400_000,
      failingAfter: 300_000,
    });
    expect(parse({ initialBackoff: '10s', maxBackoff: '5s' })).toThrow(/alerting\.retry\.maxBackoff: must be at least initialBackoff/);
    expect(parse({ resolveMaxAge: 'soon' })).toThrow(/alerting\.retry\.resolveMaxAge: /);
    expect(parse({ attempts: 12 })).toThrow(/alerting\.retry\.attempts: unknown key/); // triggers are no longer given up after N attempts
  });
});

describe('self rule', () => {
  it('pages when InfluxDB stays unreachable past `for` and when the spool fills, with the reason; resolves after recovery', async () => {
    let clock = () => 0;
    const hook: HttpReceiver = await startHttpReceiver(() => clock());
    closers.push(hook.close);
    const { state, checks } = influxState();
    const h = new AlertingHarness(
      {
        groupWait: '0s',
        rules: [
          {
            name: 'influx-unreachable',
            kind: 'self',
            checks: ['influx_write'],
            for: '1m',
            resolveAfter: '30s',
            annotations: { summary: '{{detail}}' },
          },
          { name: 'influx-spool', kind: 'self', checks: ['influx_spool'], severity: 'warning', annotations: { summary: '{{detail}}' } },
          {
            name: 'influx-spool-full',
            kind: 'self',
            checks: ['influx_spool'],
            status: 'failing',
            severity: 'critical',
            annotations: { summary: '{{detail}}' },
          },
        ],
        notifiers: [{ name: 'hook', type: 'webhook', url: hook.url }],
      },
      { selfChecks: checks },
    );
    clock = h.clock.now;
    const start = h.clock.t;
    const triggers = () => hook.received.filter((r) => r.body.event === 'trigger').map((r) => r.body.group.labels.alertname);

    // InfluxDB goes away at +10 s; a blip shorter than `for` must not page.
    await h.run(10_000, 5_000);
    state.connection = { reachable: false, since: h.clock.t, error: 'ECONNREFUSED' };
    await h.run(30_000, 5_000);
    expect(h.engine.alerts()).toEqual([
      expect.objectContaining({ rule: 'influx-unreachable', state: 'pending', labels: expect.objectContaining({ check: 'influx_write' }) }),
    ]);
    expect(hook.received).toHaveLength(0);
    await h.run(35_000, 5_000); // first seen at the +15 s evaluation, so firing at +75 s
    expect(triggers()).toEqual(['influx-unreachable']);
    const [trigger] = hook.received;
    expect(trigger!.body.alerts[0].annotations.summary).toBe(
      'InfluxDB not taking writes for 65 s (ECONNREFUSED); points wait in the spool',
    );
    expect(trigger!.body.alerts[0].labels).toMatchObject({ check: 'influx_write', alertname: 'influx-unreachable', severity: 'major' });
    expect(trigger!.at - start).toBe(75_000);

    // The spool passes the alarm ratio: a warning; then it is full: critical too.
    state.spool = { bytes: 53_000, maxBytes: MAX, memoryPoints: 0, alarm: 1 };
    await h.run(5_000, 5_000);
    expect(triggers()).toEqual(['influx-unreachable', 'influx-spool']);
    state.spool = { bytes: 65_500, maxBytes: MAX, memoryPoints: 1200, alarm: 2 };
    await h.run(5_000, 5_000);
    expect(triggers()).toEqual(['influx-unreachable', 'influx-spool', 'influx-spool-full']);
    const full = hook.received.at(-1)!.body;
    expect(full.severity).toBe('critical');
    expect(full.alerts[0].annotations.summary).toMatch(
      /^InfluxDB spool full at 99 % of spool\.maxBytes \(65500 of 65536 bytes\): 1200 points wait in memory/,
    );
    expect(full.alerts[0].value).toBe(0.999);

    // InfluxDB back and the spool drained: each alert resolves once, after its resolveAfter.
    state.connection = { reachable: true };
    state.spool = { bytes: 0, maxBytes: MAX, memoryPoints: 0, alarm: 0 };
    await h.run(120_000, 5_000);
    const resolves = hook.received.filter((r) => r.body.event === 'resolve').map((r) => r.body.group.labels.alertname);
    expect(resolves.sort()).toEqual(['influx-spool', 'influx-spool-full', 'influx-unreachable']);
    expect(hook.received).toHaveLength(6);
  });

  it('lists no instance when the collector has no InfluxDB output', async () => {
    const h = new AlertingHarness({ rules: [{ name: 'influx-unreachable', kind: 'self' }] });
    await h.run(10_000, 1_000);
    expect(h.engine.alerts()).toEqual([]);
  });
});
