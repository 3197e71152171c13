// CISCO-RTTMON-MIB IP SLA entries: latest RTT for every entry; for jitter entries also jitter
// both ways, loss, one-way delay, and MOS/ICPIF — the router's own where it reports them,
// else MOS from the E-model (IOS before the 2003 MIB revision has no MOS columns).
import { codecFromRttMon, eModelMos } from '../emodel.js';
import type { IpSlaSample } from '../poll-result.js';
import type { Varbind } from '../session.js';
import { num, str, walkColumns, type Profile, type ProfileOutput } from './profile.js';

const RTT = '1.3.6.1.4.1.9.9.42.1';
export const IPSLA_COLUMNS = {
  tag: `${RTT}.2.1.1.3`,
  rttType: `${RTT}.2.1.1.4`,
  targetAddress: `${RTT}.2.2.1.2`,
  status: `${RTT}.2.1.1.9`,
  codec: `${RTT}.2.2.1.27`,
  completionTime: `${RTT}.2.10.1.1`,
  sense: `${RTT}.2.10.1.2`,
} as const;
const JIT = `${RTT}.5.2.1`;
export const JITTER_COLUMNS = {
  numOfRtt: `${JIT}.1`,
  rttSum: `${JIT}.2`,
  lossSd: `${JIT}.26`,
  lossDs: `${JIT}.27`,
  mos: `${JIT}.42`,
  icpif: `${JIT}.43`,
  avgSdJitter: `${JIT}.47`,
  avgDsJitter: `${JIT}.48`,
  oneWaySd: `${JIT}.49`,
  oneWayDs: `${JIT}.50`,
} as const;

/** RttMonRttType names, as LibreNMS and IOS print them. */
export const RTT_TYPES = ['', 'echo', 'pathEcho', 'fileIO', 'script', 'udpEcho', 'tcpConnect', 'http', 'dns', 'jitter', 'dlsw', 'dhcp', 'ftp', 'voip', 'rtp', 'lspGroup', 'icmpjitter', 'lspPing', 'lspTrace', 'ethernetPing', 'ethernetJitter', 'lspPingPseudowire', 'video', 'y1731Delay', 'y1731Loss', 'mcastJitter', 'fabricPathEcho'];

const JITTER_TYPES = new Set(['jitter', 'icmpjitter', 'voip', 'rtp', 'ethernetJitter', 'mcastJitter']);

/** rttMonEchoAdminTargetAddress is raw bytes: 4 of them are an IPv4 address. */
function targetText(vb: Varbind | undefined): string {
  const text = str(vb) ?? '';
  // Four printable bytes come back as text ("dfK\n" is 100.102.75.10).
  if (text.length === 4) return [...text].map((c) => c.charCodeAt(0)).join('.');
  return /^[0-9a-f]{8}$/.test(text) ? (text.match(/../g) ?? []).map((h) => parseInt(h, 16)).join('.') : text;
}

export const ciscoIpslaProfile: Profile = {
  name: 'cisco-ipsla',
  description: 'Cisco IP SLA (CISCO-RTTMON-MIB) echo and jitter entries: RTT, jitter, loss, one-way delay, MOS and ICPIF.',
  appliesTo: (d) => d.vendor === 'cisco',
  async poll(reader): Promise<ProfileOutput> {
    const entries = await walkColumns(reader, IPSLA_COLUMNS, 30);
    if (entries.size === 0) return { ipsla: [] };
    const jitter = await walkColumns(reader, JITTER_COLUMNS, 30);
    const ipsla: IpSlaSample[] = [];
    for (const [index, row] of entries) {
      if (!row.has('rttType')) continue;
      const type = RTT_TYPES[num(row.get('rttType')) ?? 0] ?? `type${num(row.get('rttType'))}`;
      // Only jitter operations have meaningful jitter rows (some NX-OS fill them for echo too).
      const j = JITTER_TYPES.has(type) ? jitter.get(index) : undefined;
      const base: IpSlaSample = {
        index: Number(index),
        // An untagged entry is known by its target, as IOS's `show ip sla summary` shows it.
        tag: str(row.get('tag')) || targetText(row.get('targetAddress')),
        type,
        adminStatus: num(row.get('status')) ?? 0,
        rttMs: num(row.get('completionTime')),
        sense: num(row.get('sense')),
      };
      if (!j) {
        ipsla.push(base);
        continue;
      }
      const numRtt = num(j.get('numOfRtt')) ?? 0;
      const lossSd = num(j.get('lossSd')) ?? 0;
      const lossDs = num(j.get('lossDs')) ?? 0;
      const sent = numRtt + lossSd + lossDs;
      const lossPct = sent > 0 ? (100 * (lossSd + lossDs)) / sent : undefined;
      const rttAvg = numRtt > 0 ? (num(j.get('rttSum')) ?? 0) / numRtt : undefined;
      const jitterSd = num(j.get('avgSdJitter'));
      const jitterDs = num(j.get('avgDsJitter'));
      const oneWaySd = num(j.get('oneWaySd'));
      const oneWayDs = num(j.get('oneWayDs'));
      // MOS is "in hundreds"; 0 means not computed (no codec or the operation failed).
      const deviceMos = num(j.get('mos'));
      const oneWay = oneWaySd !== undefined && oneWaySd > 0 ? Math.max(oneWaySd, oneWayDs ?? 0) : rttAvg !== undefined ? rttAvg / 2 : undefined;
      const computed = deviceMos === undefined || deviceMos === 0;
      const mos = !computed
        ? deviceMos / 100
        : oneWay !== undefined && lossPct !== undefined
          ? eModelMos(oneWay, Math.max(jitterSd ?? 0, jitterDs ?? 0), lossPct, codecFromRttMon(num(row.get('codec'))))
          : undefined;
      ipsla.push({
        ...base,
        ...(rttAvg !== undefined ? { rttMs: rttAvg } : {}),
        jitterSdMs: jitterSd,
        jitterDsMs: jitterDs,
        oneWaySdMs: oneWaySd,
        oneWayDsMs: oneWayDs,
        lossSd,
        lossDs,
        lossPct,
        mos,
        icpif: computed ? undefined : num(j.get('icpif')),
        mosSource: mos === undefined ? undefined : computed ? 'e-model' : 'device',
      });
    }
    ipsla.sort((a, b) => a.index - b.index);
    return { ipsla };
  },
};
