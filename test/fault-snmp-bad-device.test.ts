// Devices that answer badly: random bytes, truncated responses, and responses that come after
// the timeout (test/support/bad-snmp-agent.ts, a proxy in front of the SNMP simulator). Polled
// by the snmp input beside a healthy device: nothing crashes, every poll of a bad device is
// counted as a timeout or an error, and the healthy device is polled fine on every cycle.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snmpInput } from '../collector/src/inputs/snmp/index.js';
import { SnmpSimulator } from '../collector/src/inputs/snmp/sim/agent.js';
import { memoryLogger } from '../collector/src/lib/test-logger.js';
import type { Metric } from '../collector/src/pipeline/metric.js';
import { startBadAgent, type BadAgent } from './support/bad-snmp-agent.js';
import { metricValue } from './support/prom-text.js';

const RECORDING = join(import.meta.dirname, '../../shared/fixtures/snmprec/librenms_ios_c3560.snmprec');
const TIMEOUT_MS = 300;
const sim = new SnmpSimulator({ files: [RECORDING] });
let simPort = 0;
const agents: Record<string, BadAgent> = {};

beforeAll(async () => {
  simPort = await sim.start('127.0.0.1', 0);
  agents.garbage = await startBadAgent('garbage', simPort);
  agents.truncated = await startBadAgent('truncated', simPort);
  agents.slow = await startBadAgent('slow', simPort, TIMEOUT_MS + 150);
});

afterAll(async () => {
  for (const a of Object.values(agents)) await a.stop();
  await sim.stop();
});

describe('fault: SNMP devices answering malformed, truncated or late', () => {
  it('polls do not crash, bad answers are counted, the healthy device is unaffected', { timeout: 30_000 }, async () => {
    process.env.CALLBOARD_FAULT_COMMUNITY = 'librenms_ios_c3560';
    const targets = [
      { device: 'good', address: `127.0.0.1:${simPort}` },
      ...Object.entries(agents).map(([mode, agent]) => ({ device: mode, address: `127.0.0.1:${agent.port}` })),
    ].map((t) => ({ ...t, region: 'east', role: 'router', profiles: 'if-mib' }));
    const config = snmpInput.configSchema.parse({
      type: 'snmp',
      name: 'faulty',
      interval: '1s',
      timeout: TIMEOUT_MS,
      retries: 0,
      unreachableAfter: 1000, // keep polling the bad ones every cycle
      credentials: { default: { community: { env: 'CALLBOARD_FAULT_COMMUNITY' } } },
      targets,
    });
    const registry = new Registry();
    const { log } = memoryLogger();
    const input = snmpInput.create(config, { log, stateDir: '/nonexistent', timezone: 'UTC', registry } as never);
    const metrics: Metric[] = [];
    await input.start!((batch) => metrics.push(...batch));
    await sleep(4500);
    await input.stop!();

    const cycles = metrics.filter((m) => m.measurement === 'snmp_cycle').map((m) => m.fields);
    expect(cycles.length).toBeGreaterThanOrEqual(3);
    for (const c of cycles) expect(c).toMatchObject({ targets: 4, polled: 4, ok: 1 });
    const up = (device: string) =>
      metrics.filter((m) => m.measurement === 'snmp_device' && m.tags.device === device).map((m) => m.fields.up);
    expect(up('good').length).toBeGreaterThanOrEqual(cycles.length);
    expect(new Set(up('good'))).toEqual(new Set([1]));
    for (const mode of Object.keys(agents)) {
      expect(up(mode).length).toBeGreaterThanOrEqual(cycles.length);
      expect(new Set(up(mode))).toEqual(new Set([0]));
      // the damaged answers really went out, one per request
      expect(agents[mode]!.counts().requests).toBeGreaterThanOrEqual(cycles.length);
    }
    expect(agents.garbage!.counts().answers).toBe(agents.garbage!.counts().requests);
    expect(agents.truncated!.counts().answers).toBe(agents.truncated!.counts().requests);
    expect(metrics.some((m) => m.measurement === 'snmp_interface' && m.tags.device === 'good')).toBe(true);
    expect(metrics.some((m) => m.measurement === 'snmp_interface' && m.tags.device !== 'good')).toBe(false);

    // Exact counts: every poll finished was counted once, the bad ones never as ok.
    const text = await registry.metrics();
    const count = (result: string) => metricValue(text, `callboard_snmp_polls_total{input="faulty",result="${result}"}`, 0);
    const sum = (k: 'ok' | 'timeouts' | 'errors') => cycles.reduce((a, c) => a + (c[k] as number), 0);
    expect(count('ok')).toBeGreaterThanOrEqual(sum('ok'));
    expect(count('ok')).toBe(up('good').length);
    expect(count('timeout') + count('error')).toBe(up('garbage').length + up('truncated').length + up('slow').length);
    expect(sum('timeouts') + sum('errors')).toBe(3 * cycles.length);
  });
});
