// SNMPv3 timeliness for notifications (RFC 3414 §3.2 step 7), which net-snmp's receiver does not
// check: without it a captured authPriv trap or inform, replayed later, authenticates and is
// applied. Pure: the receiver reads the USM header of each datagram, asks check() once net-snmp
// has authenticated it, and calls accept() for what was applied. The clock is the caller's.
import { PDU, Reader, TAG, encodeInt, encodeOid, encodePdu, encodeUnsigned, tlv, varbind } from '../snmp/sim/ber.js';

/** RFC 3414 §2.2.3: a message more than 150 s from the engine's time is not timely. */
export const TIME_WINDOW_S = 150;
/** snmpEngineBoots latched at its maximum: the engine must be re-keyed (RFC 3414 §2.2.2). */
export const MAX_BOOTS = 2147483647;

/** The plaintext USM header of an SNMPv3 message (before net-snmp authenticates it). */
export interface UsmHeader {
  readonly msgId: number;
  /** msgFlags: 1 auth, 2 priv, 4 reportable. */
  readonly flags: number;
  /** msgAuthoritativeEngineID, hex. */
  readonly engineId: string;
  readonly boots: number;
  readonly time: number;
  readonly user: string;
  /** msgAuthenticationParameters: the MAC over the whole message, so it tells two messages apart. */
  readonly mac: string;
}

export type ReplayVerdict = 'ok' | 'not_in_time_window' | 'replayed' | 'unknown_engine_id';

/** The USM header of a v3 message, or undefined for v1/v2c and for what does not decode. */
export function readUsmHeader(datagram: Buffer): UsmHeader | undefined {
  try {
    const r = new Reader(datagram);
    r.header(TAG.sequence);
    if (r.int() !== 3) return undefined;
    r.header(TAG.sequence); // msgGlobalData
    const msgId = r.int();
    r.int(); // msgMaxSize
    const flags = r.octets()[0] ?? 0;
    r.int(); // msgSecurityModel
    r.header(TAG.octets);
    r.header(TAG.sequence);
    const engineId = r.octets().toString('hex');
    const boots = r.int();
    const time = r.int();
    const user = r.octets().toString('utf8');
    const mac = r.octets().toString('latin1');
    return { msgId, flags, engineId, boots, time, user, mac };
  } catch {
    return undefined;
  }
}

/** msgFlags bit: the sender expects a Report when its message is refused. */
export const FLAG_REPORTABLE = 4;
const USM_STATS_NOT_IN_TIME_WINDOWS = '1.3.6.1.6.3.15.1.1.2.0';

/**
 * The Report that answers an untimely inform to our engine (RFC 3414 §3.2 step 7a): it carries our
 * boots and time, so a sender configured with our engine ID (which skips discovery and starts at
 * boots 0, time 0) learns them and sends again. Unauthenticated, as net-snmp's own discovery reports.
 */
export function notInTimeWindowReport(
  request: UsmHeader,
  requestId: number,
  engine: { readonly id: string; readonly boots: number; readonly time: number },
  count: number,
): Buffer {
  const octets = (b: Buffer) => tlv(TAG.octets, b);
  const engineId = Buffer.from(engine.id, 'hex');
  const empty = Buffer.alloc(0);
  const stat = varbind(encodeOid(USM_STATS_NOT_IN_TIME_WINDOWS), encodeUnsigned(TAG.counter32, BigInt(count)));
  const scopedPdu = tlv(TAG.sequence, Buffer.concat([octets(engineId), octets(empty), encodePdu(PDU.report, requestId, [stat])]));
  const usm = Buffer.concat([
    octets(engineId),
    encodeInt(TAG.integer, engine.boots),
    encodeInt(TAG.integer, engine.time),
    octets(empty),
    octets(empty),
    octets(empty),
  ]);
  const globalData = Buffer.concat([
    encodeInt(TAG.integer, request.msgId),
    encodeInt(TAG.integer, 65507),
    octets(Buffer.from([0])),
    encodeInt(TAG.integer, 3),
  ]);
  return tlv(
    TAG.sequence,
    Buffer.concat([encodeInt(TAG.integer, 3), tlv(TAG.sequence, globalData), octets(tlv(TAG.sequence, usm)), scopedPdu]),
  );
}

export interface ReplayGuardOptions {
  /** Our own engine (the authoritative side of informs). */
  readonly localEngineId: string;
  readonly localBoots: number;
  /** Clock value (ms) at which our snmpEngineTime was 0. */
  readonly startedAtMs: number;
  /** Sender engines (per user) remembered; the least recently accepted one is forgotten beyond this. */
  readonly maxEngines: number;
  /** Accepted messages remembered per engine and user while still inside the window. */
  readonly maxRecentPerEngine: number;
}

/** What we know of one sender engine, as seen by one user (RFC 3414 §2.3's notion of a remote engine). */
interface Notion {
  boots: number;
  /** The engine's time when noted, and when (our clock, ms). */
  time: number;
  notedAtMs: number;
  latestReceivedTime: number;
  /** Messages at or below this time are refused: the record of which of them were accepted was dropped (cap). */
  floor: number;
  /** MAC → engine time of accepted messages, in the order accepted. */
  readonly recent: Map<string, number>;
}

export class ReplayGuard {
  readonly #notions = new Map<string, Notion>();
  readonly #local: Notion;

  constructor(private readonly options: ReplayGuardOptions) {
    this.#local = {
      boots: options.localBoots,
      time: 0,
      notedAtMs: options.startedAtMs,
      latestReceivedTime: 0,
      floor: -1,
      recent: new Map(),
    };
  }

  /** Our snmpEngineTime (seconds since start), as told to senders in discovery reports. */
  localTime(nowMs: number): number {
    return elapsedTime(this.#local, nowMs);
  }

  get localEngineId(): string {
    return this.options.localEngineId;
  }

  get localBoots(): number {
    return this.options.localBoots;
  }

  /** Engines (per user) currently remembered. */
  get size(): number {
    return this.#notions.size;
  }

  /** Whether an authenticated message is timely and new; `inform`: the sender expects us to be authoritative. */
  check(header: UsmHeader, inform: boolean, nowMs: number): ReplayVerdict {
    if (header.boots >= MAX_BOOTS) return 'not_in_time_window';
    if (header.engineId === this.options.localEngineId) {
      // Authoritative (RFC 3414 §3.2 7a): our own boots, our time within the window either way.
      if (header.boots !== this.options.localBoots || Math.abs(header.time - this.localTime(nowMs)) > TIME_WINDOW_S)
        return 'not_in_time_window';
      if (header.time <= this.#local.floor) return 'not_in_time_window';
      return this.#local.recent.has(header.mac) ? 'replayed' : 'ok';
    }
    // An inform is sent to our engine ID (discovered, or configured on the sender); keys localized to any other prove nothing about when.
    if (inform) return 'unknown_engine_id';
    const notion = this.#notions.get(key(header));
    if (!notion || header.boots > notion.boots) return 'ok';
    if (header.boots < notion.boots) return 'not_in_time_window';
    // Same boots. Newer than anything seen moves the notion forward (7b1), so it is timely by definition.
    if (header.time > notion.latestReceivedTime) return 'ok';
    if (header.time < elapsedTime(notion, nowMs) - TIME_WINDOW_S || header.time <= notion.floor) return 'not_in_time_window';
    return notion.recent.has(header.mac) ? 'replayed' : 'ok';
  }

  /** Records an applied message: its time updates the notion of its engine, its MAC is remembered while it could be replayed. */
  accept(header: UsmHeader, nowMs: number): void {
    if (header.engineId === this.options.localEngineId) return this.#remember(this.#local, header, nowMs);
    const id = key(header);
    let notion = this.#notions.get(id);
    if (notion) this.#notions.delete(id); // re-inserted below: the Map's order is least recently accepted first
    if (!notion || header.boots > notion.boots) {
      notion = { boots: header.boots, time: header.time, notedAtMs: nowMs, latestReceivedTime: header.time, floor: -1, recent: new Map() };
    } else if (header.boots === notion.boots && header.time > notion.latestReceivedTime) {
      notion.time = notion.latestReceivedTime = header.time;
      notion.notedAtMs = nowMs;
    }
    this.#notions.set(id, notion);
    if (this.#notions.size > this.options.maxEngines) this.#notions.delete(this.#notions.keys().next().value!);
    this.#remember(notion, header, nowMs);
  }

  #remember(notion: Notion, header: UsmHeader, nowMs: number): void {
    notion.recent.set(header.mac, header.time);
    // Accepted roughly in time order: what is out of the window is at the front.
    const oldest = elapsedTime(notion, nowMs) - TIME_WINDOW_S;
    for (const [m, time] of notion.recent) {
      if (time >= oldest && notion.recent.size <= this.options.maxRecentPerEngine) break;
      notion.recent.delete(m);
      if (time >= oldest) notion.floor = Math.max(notion.floor, time);
    }
  }
}

/** The engine's time now, by our clock, from when it was noted. */
const elapsedTime = (notion: Notion, nowMs: number) => notion.time + Math.floor((nowMs - notion.notedAtMs) / 1000);

/** A sender's notion is per engine and user: one user's messages cannot move the notion another user's are judged by. */
const key = (header: UsmHeader) => `${header.engineId}/${header.user}`;
