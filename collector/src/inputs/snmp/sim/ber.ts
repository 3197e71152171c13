// Just enough BER for an SNMP agent: decode GET/GETNEXT/GETBULK requests, encode responses
// (v1/v2c here; the SNMPv3 message and USM around the same PDUs are in usm.ts). Hand-written because net-snmp does not export its message codec and its Agent
// serves one MIB for all communities, while the simulator serves a recording per community;
// a plain codec also keeps the simulator's CPU per request small (it shares the machine with
// the collector in the bench).

export const PDU = { get: 0xa0, getNext: 0xa1, response: 0xa2, getBulk: 0xa5, report: 0xa8 } as const;
export const TAG = {
  integer: 0x02,
  octets: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
  ip: 0x40,
  counter32: 0x41,
  gauge32: 0x42,
  timeticks: 0x43,
  opaque: 0x44,
  counter64: 0x46,
  noSuchObject: 0x80,
  noSuchInstance: 0x81,
  endOfMibView: 0x82,
} as const;

export interface RequestPdu {
  pduType: number;
  requestId: number;
  nonRepeaters: number;
  maxRepetitions: number;
  oids: string[];
}

export interface SnmpRequest extends RequestPdu {
  version: number;
  community: string;
}

/**
 * Reads BER from a datagram that anyone can send: every read is bounds-checked, and anything
 * malformed throws a plain Error whose message starts with "BER: " (never a TypeError from
 * reading past the end, never a silently wrong value).
 */
export class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  #byte(): number {
    if (this.pos >= this.buf.length) throw new Error('BER: truncated');
    return this.buf[this.pos++]!;
  }
  header(expected?: number): { tag: number; len: number } {
    const tag = this.#byte();
    if (expected !== undefined && tag !== expected)
      throw new Error(`BER: expected tag 0x${expected.toString(16)}, got 0x${tag.toString(16)}`);
    let len = this.#byte();
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n > 4) throw new Error('BER: length too long');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + this.#byte();
    }
    if (this.pos + len > this.buf.length) throw new Error('BER: truncated');
    return { tag, len };
  }
  /** SNMP's INTEGERs are 32-bit; six bytes still read exactly, more would lose precision. */
  int(): number {
    const { len } = this.header(TAG.integer);
    if (len === 0 || len > 6) throw new Error(`BER: integer of ${len} bytes`);
    let v = this.buf[this.pos]! & 0x80 ? -1 : 0;
    for (let i = 0; i < len; i++) v = v * 256 + this.buf[this.pos++]!;
    return v;
  }
  octets(): Buffer {
    const { len } = this.header(TAG.octets);
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  oid(): string {
    const { len } = this.header(TAG.oid);
    if (len === 0) throw new Error('BER: empty OID');
    const end = this.pos + len;
    const first = this.buf[this.pos++]!;
    const parts = [Math.floor(first / 40), first % 40];
    let v = 0;
    let open = false;
    while (this.pos < end) {
      const b = this.buf[this.pos++]!;
      v = v * 128 + (b & 0x7f);
      // Sub-identifiers are 32-bit (RFC 2578 §7.1.3).
      if (v > 0xffffffff) throw new Error('BER: OID sub-identifier too large');
      open = (b & 0x80) !== 0;
      if (!open) {
        parts.push(v);
        v = 0;
      }
    }
    if (open) throw new Error('BER: OID sub-identifier cut short');
    return parts.join('.');
  }
  skip(): void {
    const { len } = this.header();
    this.pos += len;
  }
}

/** The PDU at the reader's position (GET, GETNEXT, GETBULK, …): its type, ids and OIDs. */
export function decodePdu(r: Reader): RequestPdu {
  const { tag: pduType } = r.header();
  const requestId = r.int();
  const nonRepeaters = r.int();
  const maxRepetitions = r.int();
  const { len } = r.header(TAG.sequence);
  const end = r.pos + len;
  const oids: string[] = [];
  while (r.pos < end) {
    r.header(TAG.sequence);
    oids.push(r.oid());
    r.skip();
  }
  return { pduType, requestId, nonRepeaters, maxRepetitions, oids };
}

/** The message's SNMP version (0 = v1, 1 = v2c, 3 = v3), without decoding the rest. */
export function messageVersion(buf: Buffer): number {
  const r = new Reader(buf);
  r.header(TAG.sequence);
  return r.int();
}

export function decodeRequest(buf: Buffer): SnmpRequest {
  const r = new Reader(buf);
  r.header(TAG.sequence);
  const version = r.int();
  const community = r.octets().toString('latin1');
  return { version, community, ...decodePdu(r) };
}

function lengthBytes(len: number): Buffer {
  if (len < 0x80) return Buffer.from([len]);
  const bytes: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

export function encodeInt(tag: number, value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(((v % 256) + 256) % 256);
    v = Math.floor(v / 256);
  } while (v !== 0 && v !== -1);
  if (value >= 0 && bytes[0]! & 0x80) bytes.unshift(0);
  if (value < 0 && !(bytes[0]! & 0x80)) bytes.unshift(0xff);
  return tlv(tag, Buffer.from(bytes));
}

/** Unsigned (Counter32, Gauge32, TimeTicks, Counter64) of any size. */
export function encodeUnsigned(tag: number, value: bigint): Buffer {
  const bytes: number[] = [];
  let v = value < 0n ? 0n : value;
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(tag, Buffer.from(bytes));
}

export function encodeOid(oid: string): Buffer {
  const parts = oid.split('.').map(Number);
  const bytes: number[] = [40 * (parts[0] ?? 1) + (parts[1] ?? 3)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(TAG.oid, Buffer.from(bytes));
}

/** A response (or report) PDU. */
export function encodePdu(pduType: number, requestId: number, varbinds: readonly Buffer[], errorStatus = 0, errorIndex = 0): Buffer {
  return tlv(
    pduType,
    Buffer.concat([
      encodeInt(TAG.integer, requestId),
      encodeInt(TAG.integer, errorStatus),
      encodeInt(TAG.integer, errorIndex),
      tlv(TAG.sequence, Buffer.concat(varbinds)),
    ]),
  );
}

/** A v1/v2c message around a PDU. */
export function encodeCommunityMessage(version: number, community: string, pdu: Buffer): Buffer {
  return tlv(TAG.sequence, Buffer.concat([encodeInt(TAG.integer, version), tlv(TAG.octets, Buffer.from(community, 'latin1')), pdu]));
}

export function encodeResponse(request: SnmpRequest, varbinds: readonly Buffer[], errorStatus = 0, errorIndex = 0): Buffer {
  return encodeCommunityMessage(
    request.version,
    request.community,
    encodePdu(PDU.response, request.requestId, varbinds, errorStatus, errorIndex),
  );
}

export const varbind = (oidBer: Buffer, valueBer: Buffer) => tlv(TAG.sequence, Buffer.concat([oidBer, valueBer]));
