// A recording ready to serve: rows in OID order, their OIDs and static values pre-encoded once
// (shared by every clone), and a plausible rate for each counter so that counters advance.
import { basename } from 'node:path';
import { TAG, encodeInt, encodeOid, encodeUnsigned, tlv } from './ber.js';
import { compareParts, readSnmprec, type RecordedRow } from './snmprec.js';

export const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
export const SYS_NAME = '1.3.6.1.2.1.1.5.0';

export interface Recording {
  readonly name: string;
  readonly rows: readonly RecordedRow[];
  readonly byOid: ReadonlyMap<string, number>;
  readonly oidBer: readonly Buffer[];
  /** Encoded value, or undefined for values computed per request (counters, sysUpTime, sysName). */
  readonly staticBer: readonly (Buffer | undefined)[];
  /** Counter increase per second, for counter rows. */
  readonly ratePerSecond: readonly number[];
}

function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const IF_OCTET_COLUMNS = ['1.3.6.1.2.1.2.2.1.10.', '1.3.6.1.2.1.2.2.1.16.', '1.3.6.1.2.1.31.1.1.1.6.', '1.3.6.1.2.1.31.1.1.1.10.'];

/** ifIn/OutDiscards and ifIn/OutErrors: a healthy link has next to none (tests switch errors on with `values`). */
const IF_FAULT_COLUMNS = ['1.3.6.1.2.1.2.2.1.13.', '1.3.6.1.2.1.2.2.1.14.', '1.3.6.1.2.1.2.2.1.19.', '1.3.6.1.2.1.2.2.1.20.'];

/** Octet counters move at 2–200 kB/s (a busy DSL line), errors and discards at under 0.001 per second, other counters at 0–100 per second. */
export function plausibleRate(oid: string): number {
  const h = fnv(oid);
  if (IF_OCTET_COLUMNS.some((c) => oid.startsWith(c))) return 2_000 + (h % 198_000);
  if (IF_FAULT_COLUMNS.some((c) => oid.startsWith(c))) return (h % 10) / 10_000;
  return h % 100;
}

export function encodeValue(row: Pick<RecordedRow, 'type' | 'value'>): Buffer {
  const v = row.value;
  switch (row.type) {
    case 2:
      return encodeInt(TAG.integer, Number(v));
    case 4:
    case 68:
      return tlv(row.type === 4 ? TAG.octets : TAG.opaque, Buffer.isBuffer(v) ? v : Buffer.from(String(v)));
    case 5:
      return tlv(TAG.null, Buffer.alloc(0));
    case 6:
      return encodeOid(String(v));
    case 64:
      return tlv(TAG.ip, Buffer.from(String(v).split('.').map((n) => Number(n) & 0xff)));
    case 65:
    case 66:
    case 67:
    case 70:
      return encodeUnsigned(row.type === 70 ? TAG.counter64 : 0x40 + (row.type - 64), BigInt(v as number | bigint));
    default:
      return tlv(TAG.octets, Buffer.from(String(v)));
  }
}

/** Interface counters advance; other Counter64-typed rows in recordings are often gauges (memory). */
const isInterfaceCounter = (row: RecordedRow) => (row.type === 65 || row.type === 70) && (row.oid.startsWith('1.3.6.1.2.1.2.2.1.') || row.oid.startsWith('1.3.6.1.2.1.31.1.1.1.'));
const isDynamic = (row: RecordedRow, advance: boolean) => (advance && isInterfaceCounter(row)) || row.oid === SYS_UPTIME || row.oid === SYS_NAME;

/** advance=false: counters keep their recorded values (for comparing with expected results). */
export function loadRecording(file: string, advance = true): Recording {
  const rows = readSnmprec(file);
  return {
    name: basename(file).replace(/\.snmprec$/, ''),
    rows,
    byOid: new Map(rows.map((r, i) => [r.oid, i])),
    oidBer: rows.map((r) => encodeOid(r.oid)),
    staticBer: rows.map((r) => (isDynamic(r, advance) ? undefined : encodeValue(r))),
    ratePerSecond: rows.map((r) => (r.type === 65 || r.type === 70 ? plausibleRate(r.oid) : 0)),
  };
}

/** Index of the first row after `parts` (GETNEXT), or rows.length. */
export function nextIndex(recording: Recording, parts: readonly number[]): number {
  let lo = 0;
  let hi = recording.rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareParts(recording.rows[mid]!.parts, parts) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
