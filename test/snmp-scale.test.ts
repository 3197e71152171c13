// The snmp input's own scheduler against the simulator: 90 IADs answering and 10 dead ones
// (10 %). Every cycle still polls all live devices within its interval; the dead ones are
// flagged unreachable and backed off, and show up in the /api/v1/targets data.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../collector/src/devstack/ports.js';
import { snmpInput } from '../collector/src/inputs/snmp/index.js';
import { snmpTargetsReport } from '../collector/src/inputs/snmp/targets-report.js';
import { memoryLogger } from '../collector/src/lib/test-logger.js';
import type { Metric } from '../collector/src/pipeline/metric.js';
import { IAD_RECORDING, useSnmpSimulator } from './support/snmp-sim.js';

const simulator = useSnmpSimulator({ files: [IAD_RECORDING], devices: 90 });
let deadPort = 0;

beforeAll(async () => {
  deadPort = await freePort('udp'); // nothing listens there: requests time out
});

describe('snmp input at scale (simulator)', () => {
  it('with 10 % of targets dead, each cycle still polls every live device within its interval', async () => {
    process.env.CALLBOARD_TEST_IAD_COMMUNITY = 'unused';
    const targets = [
      ...Array.from({ length: 90 }, (_, i) => ({
        device: `iad-${i + 1}`,
        address: `127.0.0.1:${simulator.port}`,
        credentials: `iad-${i + 1}`,
        region: i % 2 ? 'east' : 'west',
        role: 'iad',
      })),
      ...Array.from({ length: 10 }, (_, i) => ({
        device: `dead-${i + 1}`,
        address: `127.0.0.1:${deadPort}`,
        credentials: 'dead',
        region: 'east',
        role: 'iad',
      })),
    ];
    // The simulator's community is per device; real deployments share one community per credentials entry.
    const credentials: Record<string, unknown> = { dead: { community: { env: 'CALLBOARD_TEST_IAD_COMMUNITY' } } };
    for (let i = 1; i <= 90; i++) {
      process.env[`CALLBOARD_TEST_IAD_${i}`] = `librenms_linux_opensips-${i}`;
      credentials[`iad-${i}`] = { community: { env: `CALLBOARD_TEST_IAD_${i}` } };
    }
    const config = snmpInput.configSchema.parse({
      type: 'snmp',
      name: 'iads',
      interval: '1s',
      timeout: '400ms',
      retries: 1,
      maxInFlight: 16,
      unreachableAfter: 2,
      credentials,
      targets,
    });
    const registry = new Registry();
    const { log } = memoryLogger();
    const input = snmpInput.create(config, { log, stateDir: '/nonexistent', timezone: 'UTC', registry } as never);
    const metrics: Metric[] = [];
    await input.start!((batch) => metrics.push(...batch));
    await sleep(3300);
    const report = snmpTargetsReport(5);
    await input.stop!();

    const cycles = metrics.filter((m) => m.measurement === 'snmp_cycle').map((m) => m.fields);
    expect(cycles.length).toBeGreaterThanOrEqual(3);
    for (const c of cycles) {
      expect(c.ok).toBe(90);
      expect(c.skipped).toBe(0);
      // the answering devices are done within the interval; the last dead device's retries may end after it
      expect(c.answered_ms as number).toBeLessThan(1000);
      expect(c.cycle_ms as number).toBeLessThan(1000 + 2 * 400 + 100);
      expect(c.overrun).toBe(0);
    }
    // dead devices: polled until flagged (2 timeouts), then backed off
    expect(cycles[0]!.timeouts).toBe(10);
    expect(cycles.at(-1)!.unreachable).toBe(10);
    expect(cycles.at(-1)!.timeouts as number).toBeLessThan(10);

    const live = metrics.filter((m) => m.measurement === 'snmp_interface' && m.tags.device === 'iad-7');
    expect(live.length).toBeGreaterThanOrEqual(3);
    expect(live[0]!.tags).toEqual({ device: 'iad-7', ifName: 'wan', region: 'west', role: 'iad' });
    expect(live.some((m) => typeof m.fields.in_bps === 'number' && m.fields.in_bps > 0)).toBe(true);
    const dead = metrics.filter((m) => m.measurement === 'snmp_device' && m.tags.device === 'dead-3');
    expect(dead.at(-1)!.fields).toEqual({ up: 0, unreachable: 1 });

    const regions = metrics.filter(
      (m) => m.measurement === 'snmp_region' && m.time === metrics.filter((x) => x.measurement === 'snmp_region').at(-1)!.time,
    );
    expect(Object.fromEntries(regions.map((m) => [m.tags.region, m.fields]))).toEqual({
      west: { planned: 45, reporting: 45, unreachable: 0 },
      east: { planned: 55, reporting: 45, unreachable: 10 },
    });

    const mine = report.inputs.find((i) => i.input === 'iads')!;
    expect(mine).toMatchObject({ targets: 100, polledOk: 90, unreachableCount: 10 });
    expect(mine.slowest).toHaveLength(5);
    expect(mine.unreachable[0]).toMatchObject({ address: `127.0.0.1:${deadPort}` });
    expect(mine.unreachable[0]!.lastError).toMatch(/timeout/);

    const text = await registry.metrics();
    expect(text).toMatch(/callboard_snmp_polls_total\{input="iads",result="ok"\} \d+/);
    expect(text).toContain('callboard_snmp_unreachable_targets{input="iads"} 10');
  });
});
