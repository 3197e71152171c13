// @vitest-environment node
// coldStart → counter discontinuity for the rate engine, with the SNMP simulator and a real
// snmptrap. Two simulated routers have a 10 Gbit/s interface with 32-bit counters, and both have
// their counters restart at ~4.0e9 → 0 without sysUpTime going back (a line card reload): the
// wrapped delta (~2.9e8 bytes in one interval) is plausible for 10 Gbit/s, so the poller alone
// cannot tell it from a wrap. The router that sends coldStart gets no rate for that interval and
// a normal one after; the one that does not shows the spike the trap prevents.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../collector/src/devstack/ports.js';
import { waitFor } from '../collector/src/devstack/process.js';
import { HealthEngine } from '../collector/src/health/engine.js';
import type { Input, InputContext } from '../collector/src/inputs/input.js';
import { snmpInput } from '../collector/src/inputs/snmp/index.js';
import { SnmpSimulator } from '../collector/src/inputs/snmp/sim/agent.js';
import { snmpTrapInput } from '../collector/src/inputs/snmp-trap/index.js';
import { COMMUNITY, routerRecording, snmpCommand } from '../collector/src/inputs/snmp-trap/testing.js';
import { createLogger } from '../collector/src/lib/log.js';
import type { Metric } from '../collector/src/pipeline/metric.js';

const IF_IN_OCTETS = '1.3.6.1.2.1.2.2.1.10.1';
const routers = [
  { name: 'rtr-trap', host: '127.0.0.4' },
  { name: 'rtr-silent', host: '127.0.0.5' },
];
const seen: Metric[] = [];
const sims = new Map<string, SnmpSimulator>();
let poller: Input;
let traps: Input;
let trapPort = 0;

/** in_bps of every poll of one router's interface, with the poll's time (undefined: no rate that interval). */
const polls = (device: string) =>
  seen
    .filter((m) => m.measurement === 'snmp_interface' && m.tags.device === device)
    .map((m) => ({ time: m.time, inBps: m.fields.in_bps as number | undefined }));

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'callboard-trap-coldstart-'));
  const targets = [];
  for (const r of routers) {
    const file = join(dir, `${r.name}.snmprec`);
    writeFileSync(
      file,
      routerRecording(r.name, [{ ifIndex: 1, ifName: 'Te0/0/0', speedBps: 10e9, counters32Only: true, inOctets: 4_000_000_000 }]),
    );
    const sim = new SnmpSimulator({ files: [file] });
    targets.push({ device: r.name, address: `${r.host}:${await sim.start(r.host, 0)}`, credentials: r.name, profiles: 'if-mib' });
    sims.set(r.name, sim);
    process.env[`CALLBOARD_COLDSTART_${r.name.replace('-', '_').toUpperCase()}`] = r.name;
  }
  process.env.CALLBOARD_COLDSTART_COMMUNITY = COMMUNITY;
  const context: InputContext = {
    log: createLogger({ level: 'warn' }),
    stateDir: join(dir, 'state'),
    timezone: 'UTC',
    registry: new Registry(),
    flush: async () => {},
    health: new HealthEngine({ holdMs: 30_000, staleAfterMs: 45_000 }),
  };
  const credentials = Object.fromEntries(
    routers.map((r) => [r.name, { version: '2c', community: { env: `CALLBOARD_COLDSTART_${r.name.replace('-', '_').toUpperCase()}` } }]),
  );
  poller = snmpInput.create(snmpInput.configSchema.parse({ type: 'snmp', name: 'core', interval: '2s', credentials, targets }), context);
  trapPort = await freePort('udp');
  traps = snmpTrapInput.create(
    snmpTrapInput.configSchema.parse({
      type: 'snmp-trap',
      name: 'traps',
      listen: { port: trapPort },
      communities: [{ env: 'CALLBOARD_COLDSTART_COMMUNITY' }],
    }),
    context,
  );
  const emit = (metrics: readonly Metric[]) => void seen.push(...metrics);
  await traps.start!(emit);
  await poller.start!(emit);
}, 30_000);

afterAll(async () => {
  await poller?.stop?.();
  await traps?.stop?.();
  for (const sim of sims.values()) await sim.stop();
});

describe('coldStart trap and the rate engine (simulator)', () => {
  it('the interval after a coldStart has no rate (no spike); a router without the trap shows the spike', async () => {
    // Steady: both routers have had rates.
    await waitFor(() => routers.every((r) => polls(r.name).filter((p) => p.inBps !== undefined).length >= 2), {
      timeoutMs: 20_000,
      what: 'two rates from each router',
    });
    const normal = Math.max(...routers.flatMap((r) => polls(r.name).map((p) => p.inBps ?? 0)));
    expect(normal).toBeGreaterThan(0);
    expect(normal).toBeLessThan(10e6);

    // Right after a poll of the trap router, so that its next poll is well after the trap.
    const before = polls('rtr-trap').length;
    await waitFor(() => polls('rtr-trap').length > before, { timeoutMs: 5000, what: 'a fresh poll of rtr-trap' });
    for (const r of routers) sims.get(r.name)!.setCounter(r.name, IF_IN_OCTETS, 0n);
    const sent = await snmpCommand('snmptrap', [
      '-v',
      '2c',
      '-c',
      COMMUNITY,
      '--clientaddr=127.0.0.4',
      `127.0.0.1:${trapPort}`,
      '',
      '1.3.6.1.6.3.1.1.5.1',
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    const applied = await waitFor(
      () => seen.find((m) => m.measurement === 'snmp_events' && m.tags.event === 'coldStart' && m.tags.device === 'rtr-trap'),
      { timeoutMs: 1000, what: 'the coldStart applied' },
    );
    const resetAt = applied.time;

    await waitFor(
      () => polls('rtr-trap').filter((p) => p.time > resetAt).length >= 2 && polls('rtr-silent').some((p) => p.time > resetAt),
      { timeoutMs: 10_000, what: 'two polls after the trap' },
    );
    const [skipped, next] = polls('rtr-trap').filter((p) => p.time > resetAt);
    expect(skipped!.inBps, 'the interval across the restart has no rate').toBeUndefined();
    expect(next!.inBps).toBeGreaterThan(0);
    expect(next!.inBps!).toBeLessThan(normal * 3);
    // No reboot seen by the poller itself: the skip is the trap's doing.
    expect(seen.filter((m) => m.measurement === 'snmp_device' && m.tags.device === 'rtr-trap').every((m) => m.fields.rebooted === 0)).toBe(
      true,
    );

    const spike = polls('rtr-silent').find((p) => p.time > resetAt)!;
    console.log(
      `normal ≤ ${(normal / 1e6).toFixed(2)} Mbit/s; without the trap the restart reads as ${(spike.inBps! / 1e9).toFixed(2)} Gbit/s`,
    );
    expect(spike.inBps!).toBeGreaterThan(normal * 100);
  }, 40_000);
});
