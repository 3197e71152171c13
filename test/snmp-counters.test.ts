// Counter wrap (32- and 64-bit) and a device reboot in the middle of a run, with the simulator:
// rates stay plausible and never negative; the interval across a reboot has no rate at all.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { pollDevice, type DeviceState } from '../collector/src/inputs/snmp/poll-device.js';
import { SnmpClient } from '../collector/src/inputs/snmp/session.js';
import { plausibleRate } from '../collector/src/inputs/snmp/sim/recording.js';
import { newRateState, pollMetrics } from '../collector/src/inputs/snmp/to-metrics.js';
import { useSnmpSimulator } from './support/snmp-sim.js';

const dir = mkdtempSync(join(tmpdir(), 'callboard-snmp-wrap-'));
const SYSTEM = (name: string) =>
  `1.3.6.1.2.1.1.1.0|4|Test IAD\n1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.1745\n1.3.6.1.2.1.1.3.0|67|100000\n1.3.6.1.2.1.1.5.0|4|${name}\n`;
const IF_TABLE =
  '1.3.6.1.2.1.2.2.1.2.1|4|Dialer1\n1.3.6.1.2.1.2.2.1.3.1|2|23\n1.3.6.1.2.1.2.2.1.5.1|66|100000000\n1.3.6.1.2.1.2.2.1.7.1|2|1\n1.3.6.1.2.1.2.2.1.8.1|2|1\n1.3.6.1.2.1.2.2.1.10.1|65|1000\n1.3.6.1.2.1.2.2.1.16.1|65|1000\n';
const IFX_TABLE =
  '1.3.6.1.2.1.31.1.1.1.1.1|4|Di1\n1.3.6.1.2.1.31.1.1.1.6.1|70|1000\n1.3.6.1.2.1.31.1.1.1.10.1|70|1000\n1.3.6.1.2.1.31.1.1.1.15.1|66|100\n';
writeFileSync(join(dir, 'wrap32.snmprec'), SYSTEM('wrap32') + IF_TABLE);
writeFileSync(join(dir, 'wrap64.snmprec'), SYSTEM('wrap64') + IF_TABLE + IFX_TABLE);

const client = new SnmpClient(1);
const simulator = useSnmpSimulator({ files: [join(dir, 'wrap32.snmprec'), join(dir, 'wrap64.snmprec')] }, () => client.close());
const sim = simulator.sim;

interface Sample {
  inOctets: bigint;
  inBps?: number;
  rebooted: boolean;
}

/** Polls every 250 ms; `events` run before the poll with the same number. */
async function run(community: string, polls: number, events: Record<number, () => void>): Promise<Sample[]> {
  const state: DeviceState = { profileState: {} };
  const rates = newRateState();
  const samples: Sample[] = [];
  for (let i = 0; i < polls; i++) {
    events[i]?.();
    const { result } = await pollDevice(
      client,
      { host: '127.0.0.1', port: simulator.port, version: '2c', community, timeoutMs: 1000, retries: 1 },
      ['if-mib'],
      state,
    );
    const metrics = pollMetrics(result, rates, { device: community }, Date.now(), 1);
    const iface = metrics.find((m) => m.measurement === 'snmp_interface')!;
    const device = metrics.find((m) => m.measurement === 'snmp_device')!;
    samples.push({
      inOctets: result.interfaces[0]!.counters.inOctets!.value,
      inBps: iface.fields.in_bps as number | undefined,
      rebooted: device.fields.rebooted === 1,
    });
    await sleep(250);
  }
  return samples;
}

function check(samples: Sample[], bytesPerSecond: number, width: bigint) {
  // Timestamps are taken here, the counters in the simulator: on a loaded machine the two clocks'
  // sampling points differ by the response time. A spike from a mishandled wrap would be ~10^5× larger.
  const maxBps = bytesPerSecond * 8 * 3;
  for (const s of samples) if (s.inBps !== undefined) (expect(s.inBps).toBeGreaterThanOrEqual(0), expect(s.inBps).toBeLessThan(maxBps));
  // the wrap: the counter went down, and that interval still has a true, plausible rate
  const wrapped = samples.findIndex((s, i) => i > 0 && s.inOctets < samples[i - 1]!.inOctets && !s.rebooted);
  expect(wrapped, 'a poll after the counter wrapped').toBeGreaterThan(0);
  expect(samples[wrapped - 1]!.inOctets).toBeGreaterThan(width - 1_000_000n);
  expect(samples[wrapped]!.inBps).toBeGreaterThan(bytesPerSecond * 8 * 0.3);
  // the reboot: flagged, no rate for that interval, rates again afterwards
  const reboot = samples.findIndex((s) => s.rebooted);
  expect(reboot).toBeGreaterThan(wrapped);
  expect(samples[reboot]!.inBps).toBeUndefined();
  expect(samples[reboot + 1]!.inBps).toBeGreaterThan(0);
  expect(samples.filter((s) => s.rebooted)).toHaveLength(1);
}

describe('counter wraps and reboots (simulator)', () => {
  it('32-bit ifInOctets wraps: plausible rate; reboot: no rate, never negative', async () => {
    const rate = plausibleRate('1.3.6.1.2.1.2.2.1.10.1');
    const samples = await run('wrap32', 9, {
      // 0.45 s before the wrap: the jump up to there is implausible for 100 Mbit/s, so it gets no rate either
      2: () => sim.setCounter('wrap32', '1.3.6.1.2.1.2.2.1.10.1', (1n << 32n) - BigInt(Math.round(rate * 0.45))),
      7: () => sim.reboot('wrap32'),
    });
    check(samples, rate, 1n << 32n);
  });

  it('64-bit ifHCInOctets wraps: plausible rate; reboot: no rate, never negative', async () => {
    const rate = plausibleRate('1.3.6.1.2.1.31.1.1.1.6.1');
    const samples = await run('wrap64', 9, {
      2: () => sim.setCounter('wrap64', '1.3.6.1.2.1.31.1.1.1.6.1', (1n << 64n) - BigInt(Math.round(rate * 0.45))),
      7: () => sim.reboot('wrap64'),
    });
    check(samples, rate, 1n << 64n);
  });
});
