// CISCO-POP-MGMT-MIB: DS0 (channel) occupancy of a TDM voice gateway, per DS1 span
// (cpmDS1DS0UsageTable, IOS from 2000 on) and for the whole device (cpmActiveDS0s, ISDN and CAS
// B-channels in use for voice). The per-DS1 table is indexed by slot and port, not ifIndex: a row
// is named after the ds1 interface whose name ends in "<slot>/<port>" where exactly one does.
import type { FieldValue, MeasurementSchema } from '../../../pipeline/metric.js';
import { INVENTORY_TAGS } from '../measurements.js';
import { ds1IfIndexes, interfaceRows } from './ds1.js';
import { num, str, walkColumns, type Profile, type ProfileOutput, type Row } from './profile.js';

const CPM = '1.3.6.1.4.1.9.10.19.1.1';

export const POP_SCALARS = {
  isdnBChannelsInUse: `${CPM}.3.0`,
  activeDs0s: `${CPM}.4.0`,
  activeDs0sHighWaterMark: `${CPM}.8.0`,
  isdnBChannelsVoice: `${CPM}.11.0`,
  casBChannelsVoice: `${CPM}.12.0`,
  isdnActiveDChannels: `${CPM}.13.0`,
} as const;

export const POP_DS1_COLUMNS = {
  activeDs0s: `${CPM}.9.1.3`,
  highWaterMark: `${CPM}.9.1.4`,
  totalCalls: `${CPM}.9.1.9`,
  timeInUseS: `${CPM}.9.1.10`,
  idle: `${CPM}.9.1.11`,
  outOfService: `${CPM}.9.1.12`,
  busyout: `${CPM}.9.1.13`,
} as const;

export interface Ds0SpanSample {
  /** "<slot>/<port>" of cpmDS1DS0UsageTable. */
  readonly slotPort: string;
  /** The ds1 interface's name where it could be matched, else slotPort: the `span` tag. */
  readonly span: string;
  readonly activeDs0s: number;
  /** active + idle + out of service + busied out: the channels the span has. */
  readonly channels?: number;
  readonly idle?: number;
  readonly outOfService?: number;
  readonly busyout?: number;
  readonly highWaterMark?: number;
  readonly totalCalls?: number;
  readonly timeInUseS?: number;
}

export interface Ds0DeviceSample {
  readonly activeDs0s?: number;
  readonly activeDs0sHighWaterMark?: number;
  readonly isdnBChannelsInUse?: number;
  readonly isdnBChannelsVoice?: number;
  readonly casBChannelsVoice?: number;
  readonly isdnActiveDChannels?: number;
}

export interface PopSample {
  readonly device: Ds0DeviceSample;
  readonly spans: readonly Ds0SpanSample[];
}

/** The one span name ending in "<slot>/<port>" (after a space or "/"), or undefined. */
export function matchSpan(slotPort: string, spanNames: readonly string[]): string | undefined {
  const matches = spanNames.filter((name) => name === slotPort || name.endsWith(` ${slotPort}`) || name.endsWith(`/${slotPort}`));
  return matches.length === 1 ? matches[0] : undefined;
}

/** One cpmDS1DS0UsageTable row. Pure: the table tests call it. A row without ActiveDS0s is no row. */
export function ds0SpanFromRow(index: string, row: Row, spanNames: readonly string[]): Ds0SpanSample | undefined {
  const activeDs0s = num(row.get('activeDs0s'));
  const [slot, port, ...rest] = index.split('.');
  if (activeDs0s === undefined || slot === undefined || port === undefined || rest.length > 0) return undefined;
  const slotPort = `${slot}/${port}`;
  const idle = num(row.get('idle'));
  const outOfService = num(row.get('outOfService'));
  const busyout = num(row.get('busyout'));
  const optional = {
    idle,
    outOfService,
    busyout,
    highWaterMark: num(row.get('highWaterMark')),
    totalCalls: num(row.get('totalCalls')),
    timeInUseS: num(row.get('timeInUseS')),
  };
  return {
    slotPort,
    span: matchSpan(slotPort, spanNames) ?? slotPort,
    activeDs0s,
    ...(idle !== undefined ? { channels: activeDs0s + idle + (outOfService ?? 0) + (busyout ?? 0) } : {}),
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

export const ciscoPopMgmtProfile: Profile = {
  name: 'cisco-pop-mgmt',
  description:
    'CISCO-POP-MGMT-MIB DS0 occupancy: channels in use, idle, out of service and busied out per DS1 span; active DS0s and ISDN/CAS B-channels in use for the device.',
  appliesTo: (d) => d.vendor === 'cisco',
  async poll(reader): Promise<ProfileOutput> {
    const names = Object.keys(POP_SCALARS) as (keyof typeof POP_SCALARS)[];
    const [scalars, active] = await Promise.all([
      reader.get(names.map((n) => POP_SCALARS[n])),
      reader.walk(POP_DS1_COLUMNS.activeDs0s, 24),
    ]);
    // The other six per-DS1 columns only where the table has rows.
    const rows = active.length > 0 ? await walkColumns(reader, POP_DS1_COLUMNS, 24) : new Map<string, Row>();
    const device: Record<string, number> = {};
    names.forEach((n, i) => {
      const value = num(scalars[i]);
      if (value !== undefined) device[n] = value;
    });
    if (Object.keys(device).length === 0 && rows.size === 0) return {};
    let spanNames: string[] = [];
    if (rows.size > 0) {
      const ifIndexes = await ds1IfIndexes(reader);
      const ifRows = await interfaceRows(reader, ifIndexes);
      spanNames = [...ifRows.values()].map((r) => str(r.get('ifName')) || str(r.get('ifDescr')) || '').filter(Boolean);
    }
    const spans = [...rows].map(([index, row]) => ds0SpanFromRow(index, row, spanNames)).filter((s) => s !== undefined);
    return { pop: { device, spans } };
  },
};

export const snmpDs0: MeasurementSchema = {
  measurement: 'snmp_ds0',
  description:
    'DS0 channels of one T1/E1 span (CISCO-POP-MGMT-MIB cpmDS1DS0UsageTable): in use, idle, out of service, busied out; calls and seconds in use since the counters started.',
  tags: [...INVENTORY_TAGS, 'span', 'trunk_group'],
  fields: {
    active: 'integer',
    channels: 'integer',
    idle: 'integer',
    out_of_service: 'integer',
    busyout: 'integer',
    high_water_mark: 'integer',
    total_calls: 'integer',
    time_in_use_s: 'integer',
    occupancy_pct: 'float',
  },
  rollup: { active: 'max', occupancy_pct: 'max', out_of_service: 'max' },
};

export const snmpDs0Device: MeasurementSchema = {
  measurement: 'snmp_ds0_device',
  description:
    'DS0 channels in use on a whole TDM gateway (CISCO-POP-MGMT-MIB): active DS0s and their high-water mark, ISDN B-channels in use (all, voice), CAS channels for voice, active D-channels.',
  tags: [...INVENTORY_TAGS],
  fields: {
    active: 'integer',
    high_water_mark: 'integer',
    isdn_b_in_use: 'integer',
    isdn_b_voice: 'integer',
    cas_voice: 'integer',
    isdn_d_active: 'integer',
  },
  rollup: { active: 'max', isdn_b_in_use: 'max' },
};

export function ds0SpanFields(s: Ds0SpanSample): Record<string, FieldValue> {
  const fields: Record<string, FieldValue | undefined> = {
    active: s.activeDs0s,
    channels: s.channels,
    idle: s.idle,
    out_of_service: s.outOfService,
    busyout: s.busyout,
    high_water_mark: s.highWaterMark,
    total_calls: s.totalCalls,
    time_in_use_s: s.timeInUseS,
    occupancy_pct: s.channels ? (100 * s.activeDs0s) / s.channels : undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, FieldValue>;
}

export function ds0DeviceFields(d: Ds0DeviceSample): Record<string, FieldValue> {
  const fields: Record<string, FieldValue | undefined> = {
    active: d.activeDs0s,
    high_water_mark: d.activeDs0sHighWaterMark,
    isdn_b_in_use: d.isdnBChannelsInUse,
    isdn_b_voice: d.isdnBChannelsVoice,
    cas_voice: d.casBChannelsVoice,
    isdn_d_active: d.isdnActiveDChannels,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, FieldValue>;
}
