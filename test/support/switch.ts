import { startKamailio, type Kamailio } from '../../collector/src/devstack/kamailio.js';
import { startUas, type Uas, type UasOptions } from '../../collector/src/devstack/sipp.js';

export interface TwoTrunkSwitch {
  kamailio: Kamailio;
  /** SIPp answering as trunk-a (duid gw-a) and trunk-b (duid gw-b), both in dispatcher set 1. */
  gatewayA: Uas;
  gatewayB: Uas;
  stop(): Promise<void>;
}

/** Kamailio routing round robin over two SIP trunks answered by SIPp: the softswitch of the e2e tests. `gatewayBOptions` may change how B answers. */
export async function startTwoTrunkSwitch(pingIntervalS: number, gatewayBOptions: UasOptions = {}): Promise<TwoTrunkSwitch> {
  const [gatewayA, gatewayB] = await Promise.all([startUas({ name: 'gw-a' }), startUas({ name: 'gw-b', ...gatewayBOptions })]);
  const kamailio = await startKamailio({
    gateways: [
      { name: 'trunk-a', port: gatewayA.port, duid: 'gw-a' },
      { name: 'trunk-b', port: gatewayB.port, duid: 'gw-b' },
    ],
    pingIntervalS,
  });
  return {
    kamailio,
    gatewayA,
    gatewayB,
    stop: async () => void (await Promise.allSettled([kamailio.stop(), gatewayA.stop(), gatewayB.stop()])),
  };
}

export interface Snapshot {
  measurements: Record<string, { tags: Record<string, string>; fields: Record<string, unknown> }[]>;
}

/** The collector's /api/v1/snapshot, and one trunk's state in it. */
export function snapshotReader(apiUrl: () => string, token: string) {
  const snapshot = async () => (await (await fetch(`${apiUrl()}/api/v1/snapshot`, { headers: { authorization: `Bearer ${token}` } })).json()) as Snapshot;
  const trunkState = async (trunk: string) => (await snapshot()).measurements.trunk_status?.find((s) => s.tags.trunk === trunk)?.fields.state;
  return { snapshot, trunkState };
}
