// Two SNMPv3 targets at the same address with the same user, one configured with the right keys
// and one with a wrong authentication key, polled by the snmp input against the simulator's USM:
// the wrong one must fail every poll (the agent's usmStatsWrongDigests counted, the collector's
// callboard_snmp_auth_failures_total counted, one warning) and the right one must poll. Before the
// v3 session pool was keyed by the keys, the wrong target borrowed the right one's session.
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { snmpInput, type SnmpInput } from '../collector/src/inputs/snmp/index.js';
import { snmpTargetsReport } from '../collector/src/inputs/snmp/targets-report.js';
import { memoryLogger } from '../collector/src/lib/test-logger.js';
import type { Metric } from '../collector/src/pipeline/metric.js';
import { IAD_RECORDING, useSnmpSimulator } from './support/snmp-sim.js';

const AUTH = 'v3-keys-auth-pass';
const PRIV = 'v3-keys-priv-pass';
const simulator = useSnmpSimulator({
  files: [IAD_RECORDING],
  advance: false,
  v3Users: [{ name: 'noc', authProtocol: 'sha256', authKey: AUTH, privProtocol: 'aes', privKey: PRIV }],
});

describe('snmp input, SNMPv3 targets sharing an address and user', () => {
  it('the wrong-key target fails with an authentication error (counted), the right-key one polls', async () => {
    Object.assign(process.env, {
      CALLBOARD_V3KEYS_AUTH: AUTH,
      CALLBOARD_V3KEYS_PRIV: PRIV,
      CALLBOARD_V3KEYS_BAD_AUTH: 'not-the-auth-pass',
    });
    const v3 = (authEnv: string) => ({
      version: '3',
      v3: { user: 'noc', authProtocol: 'sha256', authKey: { env: authEnv }, privKey: { env: 'CALLBOARD_V3KEYS_PRIV' } },
    });
    const address = `127.0.0.1:${simulator.port}`;
    const config = snmpInput.configSchema.parse({
      type: 'snmp',
      name: 'v3keys',
      interval: '500ms',
      timeout: '400ms',
      retries: 0,
      credentials: { right: v3('CALLBOARD_V3KEYS_AUTH'), wrong: v3('CALLBOARD_V3KEYS_BAD_AUTH') },
      targets: [
        { device: 'rtr-right', address, credentials: 'right', profiles: 'if-mib' },
        { device: 'rtr-wrong', address, credentials: 'wrong', profiles: 'if-mib' },
      ],
    });
    const registry = new Registry();
    const { log, lines } = memoryLogger();
    const input = snmpInput.create(config, { log, stateDir: '/nonexistent', timezone: 'UTC', registry } as never) as SnmpInput;
    const metrics: Metric[] = [];
    const wrongDigestsBefore = simulator.sim.usm!.stats.wrongDigests;
    await input.start((batch) => metrics.push(...batch));
    await sleep(1800);
    const report = snmpTargetsReport(10).inputs.find((i) => i.input === 'v3keys')!;
    const states = new Map(input.scheduler.states);
    await input.stop();

    // The right target polled and its interfaces arrived; the wrong one never polled OK.
    expect(states.get('rtr-right')!.lastOkMs).toBeDefined();
    expect(states.get('rtr-wrong')!.lastOkMs).toBeUndefined();
    expect(states.get('rtr-wrong')!.lastError).toMatch(/^SNMP auth from 127\.0\.0\.1:\d+ for [\d.]+: Wrong Digest/);
    expect(report.polledOk).toBe(1);
    const devices = new Set(metrics.filter((m) => m.measurement === 'snmp_interface').map((m) => m.tags.device));
    expect([...devices]).toEqual(['rtr-right']);

    // Counted on both sides: the collector's counter once per failed poll, the agent's usmStatsWrongDigests.
    const failures = (await registry.getSingleMetric('callboard_snmp_auth_failures_total')!.get()).values.find(
      (v) => v.labels.input === 'v3keys',
    )!.value;
    const errors = (await registry.getSingleMetric('callboard_snmp_polls_total')!.get()).values.find(
      (v) => v.labels.input === 'v3keys' && v.labels.result === 'error',
    )!.value;
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(errors).toBe(failures);
    // A poll sends several requests at once (the profile's walks), each refused: at least one per failed poll.
    expect(simulator.sim.usm!.stats.wrongDigests - wrongDigestsBefore).toBeGreaterThanOrEqual(failures);
    // One warning for the device, however many polls fail, and no key in it.
    const warnings = lines.filter((l) => l.code === 'CALLBOARD_SNMP_AUTH_FAILED');
    expect(warnings.map((w) => w.device)).toEqual(['rtr-wrong']);
    expect(JSON.stringify(lines)).not.toMatch(/v3-keys-|not-the-auth/);
  });
});
