// DS1-MIB (RFC 4805) for T1/E1 spans: the line status bitmap as named alarms, and the current
// 15-minute interval and 24-hour total error counters. Spans are the dsx1ConfigTable rows plus
// any ifType ds1 (18) interface the agent has no DS1-MIB row for (status from IF-MIB only).
import type { FieldValue, MeasurementSchema } from '../../../pipeline/metric.js';
import { INVENTORY_TAGS } from '../measurements.js';
import { num, str, walkColumns, type Profile, type ProfileOutput, type Reader, type Row } from './profile.js';

const DS1 = '1.3.6.1.2.1.10.18';
const IF = '1.3.6.1.2.1.2.2.1';
const IF_TYPE = `${IF}.3`;
const IF_TYPE_DS1 = 18;

export const DS1_COLUMNS = {
  timeElapsed: `${DS1}.6.1.3`,
  validIntervals: `${DS1}.6.1.4`,
  lineType: `${DS1}.6.1.5`,
  circuitId: `${DS1}.6.1.8`,
  lineStatus: `${DS1}.6.1.10`,
} as const;

/** dsx1CurrentTable (.7) and dsx1TotalTable (.9) share their column numbers. */
const ERROR_COLUMNS = { es: 2, ses: 3, sefs: 4, uas: 5, css: 6, bes: 9, dm: 10 } as const;
export type ErrorCounter = keyof typeof ERROR_COLUMNS;
export const ERROR_COUNTERS = Object.keys(ERROR_COLUMNS) as ErrorCounter[];

const tableColumns = (table: number, prefix: string) =>
  Object.fromEntries(ERROR_COUNTERS.map((name) => [`${prefix}${name}`, `${DS1}.${table}.1.${ERROR_COLUMNS[name]}`])) as Record<
    string,
    string
  >;
export const DS1_CURRENT_COLUMNS = tableColumns(7, 'cur_');
export const DS1_TOTAL_COLUMNS = tableColumns(9, 'total_');

/** IF-MIB objects read per span by GET: name, description, status. */
const IF_NAME = '1.3.6.1.2.1.31.1.1.1.1';
const IF_DESCR = `${IF}.2`;
const IF_ADMIN = `${IF}.7`;
const IF_OPER = `${IF}.8`;

/** dsx1LineStatus bits (RFC 4805) and the name each alarm is shown with; dsx1NoAlarm (1) has none. */
export const LINE_STATUS_BITS: readonly (readonly [bit: number, alarm: string])[] = [
  [64, 'LOS'],
  [32, 'LOF'],
  [8, 'AIS'],
  [2, 'RAI'],
  [128, 'loopback'],
  [4, 'sending RAI'],
  [16, 'sending AIS'],
  [256, 'TS16 AIS'],
  [512, 'far-end LOMF'],
  [1024, 'sending LOMF'],
  [2048, 'test code'],
  [4096, 'other failure'],
  [8192, 'unavailable'],
  [16384, 'carrier OOS'],
  [32768, 'payload AIS'],
  [65536, 'DS2 threshold'],
];

/** The named alarms of a dsx1LineStatus value, most severe first; [] for dsx1NoAlarm. */
export function decodeLineStatus(status: number): string[] {
  if (!Number.isInteger(status) || status < 0) return ['other failure'];
  return LINE_STATUS_BITS.filter(([bit]) => (status & bit) !== 0).map(([, alarm]) => alarm);
}

/** dsx1LineType values. */
const LINE_TYPES: Record<number, string> = {
  1: 'other',
  2: 'esf',
  3: 'd4',
  4: 'e1',
  5: 'e1-crc',
  6: 'e1-mf',
  7: 'e1-crc-mf',
  8: 'unframed',
  9: 'e1-unframed',
  10: 'ds2-m12',
  11: 'ds2-c12',
  12: 'j1-esf',
  13: 'j1-d4',
  14: 'j1-unframed',
};

export interface Ds1Sample {
  readonly ifIndex: number;
  /** ifName, else ifDescr, else "ds1 <index>": the `span` tag. */
  readonly span: string;
  readonly adminStatus?: number;
  readonly operStatus?: number;
  /** Absent for an ifType ds1 interface without a DS1-MIB row. */
  readonly lineStatus?: number;
  readonly alarms: readonly string[];
  readonly lineType?: string;
  readonly circuitId?: string;
  /** Seconds into the current 15-minute interval (dsx1TimeElapsed). */
  readonly elapsedS?: number;
  readonly validIntervals?: number;
  /** Current interval (cur_*) and 24-hour total (total_*) counts in seconds (DM: degraded minutes). */
  readonly counts: Readonly<Partial<Record<string, number>>>;
}

/** One span from its DS1-MIB row (may be empty) and its IF-MIB row. Pure: the table tests call it. */
export function ds1FromRows(ifIndex: number, ds1: Row, iface: Row): Ds1Sample {
  const lineStatus = num(ds1.get('lineStatus'));
  const lineType = num(ds1.get('lineType'));
  const counts: Record<string, number> = {};
  for (const name of [...Object.keys(DS1_CURRENT_COLUMNS), ...Object.keys(DS1_TOTAL_COLUMNS)]) {
    const value = num(ds1.get(name));
    if (value !== undefined) counts[name] = value;
  }
  const elapsedS = num(ds1.get('timeElapsed'));
  const validIntervals = num(ds1.get('validIntervals'));
  const circuitId = str(ds1.get('circuitId'));
  const adminStatus = num(iface.get('ifAdminStatus'));
  const operStatus = num(iface.get('ifOperStatus'));
  return {
    ifIndex,
    span: str(iface.get('ifName')) || str(iface.get('ifDescr')) || `ds1 ${ifIndex}`,
    ...(adminStatus !== undefined ? { adminStatus } : {}),
    ...(operStatus !== undefined ? { operStatus } : {}),
    ...(lineStatus !== undefined ? { lineStatus } : {}),
    alarms: lineStatus === undefined ? [] : decodeLineStatus(lineStatus),
    ...(lineType !== undefined ? { lineType: LINE_TYPES[lineType] ?? `type${lineType}` } : {}),
    ...(circuitId ? { circuitId } : {}),
    ...(elapsedS !== undefined ? { elapsedS } : {}),
    ...(validIntervals !== undefined ? { validIntervals } : {}),
    counts,
  };
}

/** ifIndex → ifName/ifDescr/ifAdminStatus/ifOperStatus for the given interfaces, by GET. */
export async function interfaceRows(reader: Reader, ifIndexes: readonly number[]): Promise<Map<number, Row>> {
  const objects = { ifName: IF_NAME, ifDescr: IF_DESCR, ifAdminStatus: IF_ADMIN, ifOperStatus: IF_OPER } as const;
  const names = Object.keys(objects) as (keyof typeof objects)[];
  const rows = new Map<number, Row>();
  // 4 varbinds per span, 10 spans per GET: well inside one datagram.
  for (let i = 0; i < ifIndexes.length; i += 10) {
    const batch = ifIndexes.slice(i, i + 10);
    const values = await reader.get(batch.flatMap((ifIndex) => names.map((n) => `${objects[n]}.${ifIndex}`)));
    batch.forEach((ifIndex, b) => {
      const row: Row = new Map();
      names.forEach((n, k) => {
        const vb = values[b * names.length + k];
        if (vb) row.set(n, vb);
      });
      rows.set(ifIndex, row);
    });
  }
  return rows;
}

/** ifIndexes whose ifType is ds1 (18). */
export async function ds1IfIndexes(reader: Reader): Promise<number[]> {
  // One datagram holds the ifType of 100 interfaces: a router of ordinary size costs one request.
  const types = await reader.walk(IF_TYPE, 100);
  return types
    .filter((vb) => num(vb) === IF_TYPE_DS1)
    .map((vb) => Number(vb.oid.slice(IF_TYPE.length + 1)))
    .filter(Number.isSafeInteger);
}

export const ds1Profile: Profile = {
  name: 'ds1',
  description:
    'DS1-MIB (RFC 4805) T1/E1 spans: line status as named alarms (LOS, LOF, AIS, RAI, loopback …), current 15-min and 24-h ES/SES/SEFS/UAS/CSS/BES/DM.',
  appliesTo: (d) => d.vendor === 'cisco' || d.vendor === 'sonus',
  async poll(reader): Promise<ProfileOutput> {
    // Most routers have no T1/E1: two cheap requests find that out before 18 more columns are walked.
    const [lineStatus, typed] = await Promise.all([reader.walk(DS1_COLUMNS.lineStatus, 24), ds1IfIndexes(reader)]);
    if (lineStatus.length === 0 && typed.length === 0) return {};
    const noRows = new Map<string, Row>();
    const [config, current, total] =
      lineStatus.length === 0
        ? [noRows, noRows, noRows]
        : await Promise.all([
            walkColumns(reader, DS1_COLUMNS, 24),
            walkColumns(reader, DS1_CURRENT_COLUMNS, 24),
            walkColumns(reader, DS1_TOTAL_COLUMNS, 24),
          ]);
    const indexes = new Set<number>(typed);
    for (const index of [...config.keys(), ...current.keys()]) if (Number.isSafeInteger(Number(index))) indexes.add(Number(index));
    if (indexes.size === 0) return {};
    const sorted = [...indexes].sort((a, b) => a - b);
    const ifRows = await interfaceRows(reader, sorted);
    const ds1 = sorted.map((ifIndex) => {
      const key = String(ifIndex);
      const row: Row = new Map([...(config.get(key) ?? []), ...(current.get(key) ?? []), ...(total.get(key) ?? [])]);
      return ds1FromRows(ifIndex, row, ifRows.get(ifIndex) ?? new Map());
    });
    return { ds1 };
  },
};

export const snmpDs1: MeasurementSchema = {
  measurement: 'snmp_ds1',
  description:
    'Per T1/E1 span (DS1-MIB): line status bitmap and its alarms, interface status, and the error seconds of the current 15-minute interval (cur_*) and the last 24 hours (total_*).',
  tags: [...INVENTORY_TAGS, 'span', 'trunk_group'],
  fields: {
    line_status: 'integer',
    alarms: 'string',
    alarm_count: 'integer',
    admin_status: 'integer',
    oper_status: 'integer',
    line_type: 'string',
    elapsed_s: 'integer',
    valid_intervals: 'integer',
    ...Object.fromEntries([...Object.keys(DS1_CURRENT_COLUMNS), ...Object.keys(DS1_TOTAL_COLUMNS)].map((k) => [k, 'integer' as const])),
  },
  rollup: { alarm_count: 'max', oper_status: 'min', cur_es: 'max', cur_ses: 'max', cur_uas: 'max' },
};

export function ds1Fields(span: Ds1Sample): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {
    alarms: span.alarms.join(','),
    alarm_count: span.alarms.length,
    ...(span.counts as Record<string, number>),
  };
  if (span.lineStatus !== undefined) fields.line_status = span.lineStatus;
  if (span.adminStatus !== undefined) fields.admin_status = span.adminStatus;
  if (span.operStatus !== undefined) fields.oper_status = span.operStatus;
  if (span.lineType !== undefined) fields.line_type = span.lineType;
  if (span.elapsedS !== undefined) fields.elapsed_s = span.elapsedS;
  if (span.validIntervals !== undefined) fields.valid_intervals = span.validIntervals;
  return fields;
}
