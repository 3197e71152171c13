// snmpsim's recording format: one `OID|TAG|VALUE` per line; TAG is the ASN.1 type number, with
// an `x` suffix when VALUE is hex. Parsed into rows sorted in OID order for GETNEXT.
import { readFileSync } from 'node:fs';

export interface RecordedRow {
  readonly oid: string;
  readonly parts: readonly number[];
  readonly type: number;
  /** Text for OCTET STRING/OID/IpAddress; number or bigint for the numeric types. */
  readonly value: Buffer | string | number | bigint;
}

export function compareParts(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function parseSnmprec(text: string): RecordedRow[] {
  const rows: RecordedRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const first = line.indexOf('|');
    const second = line.indexOf('|', first + 1);
    if (first < 0 || second < 0) continue;
    const oid = line.slice(0, first).replace(/^\./, '');
    const tagText = line.slice(first + 1, second);
    const raw = line.slice(second + 1);
    const hex = tagText.endsWith('x');
    const type = Number.parseInt(tagText, 10);
    if (!/^\d+(\.\d+)+$/.test(oid) || !Number.isInteger(type)) continue;
    let value: RecordedRow['value'];
    switch (type) {
      case 2:
        value = Number(raw);
        break;
      case 65:
      case 66:
      case 67:
        value = hex ? Number.parseInt(raw, 16) : Number(raw);
        break;
      case 70:
        value = hex ? BigInt(`0x${raw || '0'}`) : BigInt(raw || '0');
        break;
      case 4:
      case 68:
        value = hex ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'utf8');
        break;
      case 64:
        value = hex ? [...Buffer.from(raw, 'hex')].join('.') : raw;
        break;
      default:
        value = raw.replace(/^\./, '');
    }
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    rows.push({ oid, parts: oid.split('.').map(Number), type, value });
  }
  rows.sort((a, b) => compareParts(a.parts, b.parts));
  // Recordings occasionally repeat an OID; the agent answers the first.
  return rows.filter((r, i) => i === 0 || r.oid !== rows[i - 1]!.oid);
}

export function readSnmprec(file: string): RecordedRow[] {
  return parseSnmprec(readFileSync(file, 'utf8'));
}
