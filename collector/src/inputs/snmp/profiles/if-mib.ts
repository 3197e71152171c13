// IF-MIB ifTable + ifXTable: names, status, speed and traffic counters of every interface.
import { COUNTER_NAMES, type CounterName, type InterfaceSample, } from '../poll-result.js';
import { counter, num, str, walkColumns, type Profile, type ProfileOutput, type Row } from './profile.js';

const IF = '1.3.6.1.2.1.2.2.1';
const IFX = '1.3.6.1.2.1.31.1.1.1';

export const IF_MIB_COLUMNS = {
  ifDescr: `${IF}.2`,
  ifType: `${IF}.3`,
  ifSpeed: `${IF}.5`,
  ifAdminStatus: `${IF}.7`,
  ifOperStatus: `${IF}.8`,
  ifInOctets: `${IF}.10`,
  ifInUcastPkts: `${IF}.11`,
  ifInDiscards: `${IF}.13`,
  ifInErrors: `${IF}.14`,
  ifOutOctets: `${IF}.16`,
  ifOutUcastPkts: `${IF}.17`,
  ifOutDiscards: `${IF}.19`,
  ifOutErrors: `${IF}.20`,
  ifName: `${IFX}.1`,
  ifHCInOctets: `${IFX}.6`,
  ifHCInUcastPkts: `${IFX}.7`,
  ifHCInMulticastPkts: `${IFX}.8`,
  ifHCInBroadcastPkts: `${IFX}.9`,
  ifHCOutOctets: `${IFX}.10`,
  ifHCOutUcastPkts: `${IFX}.11`,
  ifHCOutMulticastPkts: `${IFX}.12`,
  ifHCOutBroadcastPkts: `${IFX}.13`,
  ifHighSpeed: `${IFX}.15`,
  ifAlias: `${IFX}.18`,
  ifCounterDiscontinuityTime: `${IFX}.19`,
} as const;

/** Each counter: the 64-bit column first, the 32-bit fallback second. */
const COUNTER_COLUMNS: Record<CounterName, readonly (keyof typeof IF_MIB_COLUMNS)[]> = {
  inOctets: ['ifHCInOctets', 'ifInOctets'],
  outOctets: ['ifHCOutOctets', 'ifOutOctets'],
  inUcastPkts: ['ifHCInUcastPkts', 'ifInUcastPkts'],
  outUcastPkts: ['ifHCOutUcastPkts', 'ifOutUcastPkts'],
  inMulticastPkts: ['ifHCInMulticastPkts'],
  outMulticastPkts: ['ifHCOutMulticastPkts'],
  inBroadcastPkts: ['ifHCInBroadcastPkts'],
  outBroadcastPkts: ['ifHCOutBroadcastPkts'],
  inErrors: ['ifInErrors'],
  outErrors: ['ifOutErrors'],
  inDiscards: ['ifInDiscards'],
  outDiscards: ['ifOutDiscards'],
};

export function interfaceFromRow(index: string, row: Row): InterfaceSample | undefined {
  const ifIndex = Number(index);
  if (!Number.isSafeInteger(ifIndex)) return undefined;
  const counters: Partial<Record<CounterName, { value: bigint; bits: 32 | 64 }>> = {};
  for (const name of COUNTER_NAMES) {
    for (const column of COUNTER_COLUMNS[name]) {
      const c = counter(row.get(column));
      if (c) {
        counters[name] = c;
        break;
      }
    }
  }
  const descr = str(row.get('ifDescr')) ?? '';
  const highSpeed = num(row.get('ifHighSpeed'));
  const discontinuity = num(row.get('ifCounterDiscontinuityTime'));
  return {
    ifIndex,
    ifName: str(row.get('ifName')) || descr || `ifIndex ${ifIndex}`,
    ifDescr: descr,
    ifAlias: str(row.get('ifAlias')) ?? '',
    ifType: num(row.get('ifType')) ?? 1,
    adminStatus: num(row.get('ifAdminStatus')) ?? 0,
    operStatus: num(row.get('ifOperStatus')) ?? 0,
    speedBps: highSpeed !== undefined && highSpeed > 0 ? highSpeed * 1e6 : (num(row.get('ifSpeed')) ?? 0),
    ...(discontinuity !== undefined ? { discontinuityTime: discontinuity } : {}),
    counters,
  };
}

export const ifMibProfile: Profile = {
  name: 'if-mib',
  description: 'IF-MIB ifTable/ifXTable: every interface with names, status, speed, HC counters, errors, discards.',
  appliesTo: () => true,
  async poll(reader): Promise<ProfileOutput> {
    const rows = await walkColumns(reader, IF_MIB_COLUMNS, 40);
    const interfaces: InterfaceSample[] = [];
    for (const [index, row] of rows) {
      // A row is an interface only if ifTable knows it (ifXTable alone can hold stale rows).
      if (!row.has('ifDescr') && !row.has('ifOperStatus') && !row.has('ifName')) continue;
      const sample = interfaceFromRow(index, row);
      if (sample) interfaces.push(sample);
    }
    interfaces.sort((a, b) => a.ifIndex - b.ifIndex);
    return { interfaces };
  },
};
