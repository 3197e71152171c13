// The light profile for 60,000 customer IADs: one GET of 8 varbinds per poll. The WAN
// interface is given by the inventory (wan_if_index) or found once by walking ifType, then
// remembered: the steady-state poll never walks.
import { SYSTEM_OIDS } from '../detect.js';
import { interfaceFromRow } from './if-mib.js';
import { num, type Profile, type ProfileOutput, type Reader, type Row } from './profile.js';

const IF_TYPE = '1.3.6.1.2.1.2.2.1.3';
/** ethernetCsmacd, ppp, adsl, vdsl, vdsl2, gigabitEthernet, propVirtual-free WAN-ish types, in order of preference. */
const WAN_TYPES = [94, 97, 251, 23, 6, 117];
const LOOPBACK = 24;

export const IAD_OIDS = (ifIndex: number) =>
  ({
    sysUpTime: SYSTEM_OIDS.sysUpTime,
    ifAdminStatus: `1.3.6.1.2.1.2.2.1.7.${ifIndex}`,
    ifOperStatus: `1.3.6.1.2.1.2.2.1.8.${ifIndex}`,
    ifInErrors: `1.3.6.1.2.1.2.2.1.14.${ifIndex}`,
    ifHCInOctets: `1.3.6.1.2.1.31.1.1.1.6.${ifIndex}`,
    ifHCOutOctets: `1.3.6.1.2.1.31.1.1.1.10.${ifIndex}`,
    ifHighSpeed: `1.3.6.1.2.1.31.1.1.1.15.${ifIndex}`,
    /** CISCO-VOICE-DIAL-CONTROL-MIB cvCallVolConnTotalActiveConnections: voice ports in use. */
    activeCalls: '1.3.6.1.4.1.9.9.63.1.3.8.2.0',
  }) as const;

type IadOidName = keyof ReturnType<typeof IAD_OIDS>;
const IAD_REQUESTS = new Map<number, { names: readonly IadOidName[]; oids: readonly string[] }>();

/** The GET's OID list per WAN ifIndex, built once (IADs share a handful of WAN ifIndexes), not per poll. */
function iadRequest(ifIndex: number): { names: readonly IadOidName[]; oids: readonly string[] } {
  let request = IAD_REQUESTS.get(ifIndex);
  if (!request) {
    const oids = IAD_OIDS(ifIndex);
    const names = Object.keys(oids) as IadOidName[];
    request = { names, oids: names.map((n) => oids[n]) };
    if (IAD_REQUESTS.size < 1024) IAD_REQUESTS.set(ifIndex, request);
  }
  return request;
}

export async function findWanIfIndex(reader: Reader): Promise<number | undefined> {
  const types = await reader.walk(IF_TYPE, 30);
  const candidates = types
    .map((vb) => ({ ifIndex: Number(vb.oid.slice(IF_TYPE.length + 1)), type: num(vb) ?? 0 }))
    .filter((c) => Number.isSafeInteger(c.ifIndex) && c.type !== LOOPBACK);
  const rank = (t: number) => (WAN_TYPES.includes(t) ? WAN_TYPES.indexOf(t) : WAN_TYPES.length);
  candidates.sort((a, b) => rank(a.type) - rank(b.type) || a.ifIndex - b.ifIndex);
  return candidates[0]?.ifIndex;
}

export const iadProfile: Profile = {
  name: 'iad',
  description: 'Customer IAD: sysUpTime, WAN interface status and HC octets, voice ports in use; one GET per poll.',
  appliesTo: () => false,
  readsUptime: true,
  async poll(reader, _device, state): Promise<ProfileOutput> {
    if (typeof state.wanIfIndex !== 'number') {
      const found = await findWanIfIndex(reader);
      if (found === undefined) return {};
      state.wanIfIndex = found;
    }
    const ifIndex = state.wanIfIndex as number;
    const { names, oids } = iadRequest(ifIndex);
    const values = await reader.get(oids);
    const row: Row = new Map();
    names.forEach((name, i) => values[i] && row.set(name, values[i]));
    const uptimeTicks = num(row.get('sysUpTime'));
    const calls = num(row.get('activeCalls'));
    const wan = row.has('ifOperStatus') ? interfaceFromRow(String(ifIndex), row) : undefined;
    return {
      ...(uptimeTicks !== undefined ? { uptimeTicks } : {}),
      // The IAD's one interface is always tagged "wan": its name is not fetched (it would cost a varbind).
      interfaces: wan ? [{ ...wan, ifName: 'wan' }] : [],
      ...(calls !== undefined ? { voice: { activeCalls: calls, byProtocol: {}, source: 'cvCallVolConnActiveConnection' as const } } : {}),
    };
  },
};
