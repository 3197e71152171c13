// The demo network's routers, polled once through the simulator with the real SNMP poller and judged
// by the health model with the demo's config: the recordings' unused ports (admin up, no cable) are
// not links, so no interface is down on the wall; the same polls without the exclusions show them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthConfigSchema } from '../health/config.js';
import { HealthEngine } from '../health/engine.js';
import type { Metric } from '../pipeline/metric.js';
import { pollDevice } from '../inputs/snmp/poll-device.js';
import { SnmpClient } from '../inputs/snmp/session.js';
import { newRateState, pollMetrics } from '../inputs/snmp/to-metrics.js';
import { startSimNetwork, type SimNetwork } from './sim-network.js';

interface CoreInput {
  credentials: Record<string, { community: { env: string } }>;
  targets: { device: string; address: string; credentials: string; site: string; region: string; role: string }[];
}

let network: SimNetwork;
const polled: Metric[] = [];

beforeAll(async () => {
  network = await startSimNetwork({ routers: 8, iads: 0, pendingIads: 0, routerInterval: '10s', iadInterval: '60s' });
  const core = network.inputs.find((i) => i.name === 'core') as unknown as CoreInput;
  const client = new SnmpClient(4);
  try {
    for (const t of core.targets) {
      const [host, port] = t.address.split(':') as [string, string];
      const community = process.env[core.credentials[t.credentials]!.community.env]!;
      const target = { host, port: Number(port), version: '2c', community, timeoutMs: 5000, retries: 1 } as const;
      const { result } = await pollDevice(client, target, ['auto'], { profileState: {} });
      const { device, site, region, role } = t;
      polled.push(...pollMetrics(result, newRateState(), { device, site, region, role }, Date.now(), 0));
    }
  } finally {
    client.close();
  }
}, 60_000);

afterAll(async () => {
  await network?.stop();
});

/** The interface links of the polls, judged with `health.interfaces` set to this. */
const interfaceLinks = (interfaces: object) => {
  const health = new HealthEngine({ holdMs: 0, staleAfterMs: 60_000, ...healthConfigSchema.parse({ interfaces }) });
  health.observe(polled);
  return health.links().filter((l) => l.kind === 'interface');
};
const downInterfaces = (interfaces: object) =>
  interfaceLinks(interfaces)
    .filter((l) => l.state === 'down')
    .map((l) => l.id.replace(/^interface:/, ''));

describe('demo network', () => {
  it('excludes the recordings’ unused ports, so no interface link is down; without the exclusions 28 are', () => {
    expect(network.interfaceExclusions).toEqual({
      'edge1-lax': { exclude: ['Gi0/2/'] },
      'agg1-chi': { exclude: ['Gi0/0/3(\\.|$)'] },
      'sbc1-nyc': { exclude: ['Ethernet [23]$'] },
    });
    const without = downInterfaces({});
    expect(without).toHaveLength(28);
    expect(without.filter((id) => id.startsWith('edge1-lax/Gi0/2/'))).toHaveLength(24);
    expect(without).toEqual(
      expect.arrayContaining(['agg1-chi/Gi0/0/3', 'agg1-chi/Gi0/0/3.SI.1', 'sbc1-nyc/Ethernet 2', 'sbc1-nyc/Ethernet 3']),
    );
    expect(downInterfaces({ devices: network.interfaceExclusions })).toEqual([]);
  });

  it('takes nothing else: the ports that are up stay links', () => {
    const links = (interfaces: object) => interfaceLinks(interfaces).filter((l) => l.state !== 'down');
    const all = links({});
    expect(all.length).toBeGreaterThan(10);
    expect(links({ devices: network.interfaceExclusions })).toEqual(all);
  });
});
