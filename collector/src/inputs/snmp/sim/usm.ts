// SNMPv3 for the simulator: the message format (RFC 3412) and the User-based Security Model
// (RFC 3414) with HMAC-MD5/SHA-1-96 and the SHA-2 HMACs of RFC 7860, and AES-128-CFB privacy
// (RFC 3826), on node's crypto. Engine discovery and time synchronisation answer with REPORTs
// as an agent does, so net-snmp and Net-SNMP's `snmpget -v3` both work against it; a wrong key
// or an unknown user gets the REPORT an agent sends, and is counted.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { PDU, Reader, TAG, decodePdu, encodeInt, encodeOid, encodePdu, encodeUnsigned, tlv, varbind, type RequestPdu } from './ber.js';

export type V3AuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface V3User {
  readonly name: string;
  readonly authProtocol: V3AuthProtocol;
  /** Passphrase (at least 8 characters, as Net-SNMP requires). */
  readonly authKey: string;
  /** AES-128; without a privacy key the user is authNoPriv only. */
  readonly privProtocol?: 'aes';
  readonly privKey?: string;
}

/** Hash and the length of the truncated MAC in msgAuthenticationParameters. */
const AUTH: Record<V3AuthProtocol, { hash: string; macLength: number }> = {
  md5: { hash: 'md5', macLength: 12 },
  sha: { hash: 'sha1', macLength: 12 },
  sha224: { hash: 'sha224', macLength: 16 },
  sha256: { hash: 'sha256', macLength: 24 },
  sha384: { hash: 'sha384', macLength: 32 },
  sha512: { hash: 'sha512', macLength: 48 },
};

const FLAG_AUTH = 1;
const FLAG_PRIV = 2;
const FLAG_REPORTABLE = 4;
const USM_SECURITY_MODEL = 3;
/** RFC 3414 §3.2 step 7: the time window is 150 s. */
const TIME_WINDOW_S = 150;
const MAX_MESSAGE_SIZE = 65507;

/** usmStats counters: what the REPORTs carry, and what the simulator counts. */
const USM_STATS = {
  unsupportedSecLevels: '1.3.6.1.6.3.15.1.1.1.0',
  notInTimeWindows: '1.3.6.1.6.3.15.1.1.2.0',
  unknownUserNames: '1.3.6.1.6.3.15.1.1.3.0',
  unknownEngineIDs: '1.3.6.1.6.3.15.1.1.4.0',
  wrongDigests: '1.3.6.1.6.3.15.1.1.5.0',
  decryptionErrors: '1.3.6.1.6.3.15.1.1.6.0',
} as const;
export type UsmStat = keyof typeof USM_STATS;

/** RFC 3414 A.2: the passphrase repeated to 1 MB and hashed, then localized to the engine ID. */
export function localizedKey(hash: string, passphrase: string, engineId: Buffer): Buffer {
  if (passphrase.length === 0) throw new Error('SNMPv3 key passphrase is empty');
  const ku = createHash(hash)
    .update(Buffer.alloc(1 << 20, passphrase))
    .digest();
  return createHash(hash).update(ku).update(engineId).update(ku).digest();
}

interface LocalUser {
  readonly user: V3User;
  readonly auth: { hash: string; macLength: number };
  readonly authKey: Buffer;
  readonly privKey?: Buffer;
}

/** A decoded v3 request, ready to be answered. */
export interface V3Request {
  readonly contextName: string;
  readonly pdu: RequestPdu;
}

interface Header {
  msgId: number;
  flags: number;
  engineId: Buffer;
  boots: number;
  time: number;
  userName: string;
  authParams: Buffer;
  /** Where msgAuthenticationParameters' value starts in the message (zeroed to check the MAC). */
  authOffset: number;
  privParams: Buffer;
}

/**
 * One SNMP engine: its ID, boots and time, its users (keys localized once), its counters.
 * handle() answers a v3 datagram: the PDU inside is served by the callback, by context name.
 */
export class UsmEngine {
  readonly engineId: Buffer;
  readonly boots = 1;
  readonly stats: Record<UsmStat, number> = {
    unsupportedSecLevels: 0,
    notInTimeWindows: 0,
    unknownUserNames: 0,
    unknownEngineIDs: 0,
    wrongDigests: 0,
    decryptionErrors: 0,
  };
  readonly #users = new Map<string, LocalUser>();
  readonly #startedMs = Date.now();
  #salt = randomBytes(8).readBigUInt64BE();

  constructor(users: readonly V3User[], engineId?: Buffer) {
    // RFC 3411 format 4 (text), enterprise 8072 (net-snmp's), unique per simulator.
    this.engineId =
      engineId ??
      Buffer.concat([Buffer.from([0x80, 0x00, 0x1f, 0x88, 0x04]), Buffer.from(`callboard-sim-${randomBytes(4).toString('hex')}`)]);
    for (const user of users) {
      const auth = AUTH[user.authProtocol];
      if (!auth) throw new Error(`SNMPv3 user ${user.name}: unknown auth protocol ${user.authProtocol}`);
      this.#users.set(user.name, {
        user,
        auth,
        authKey: localizedKey(auth.hash, user.authKey, this.engineId),
        ...(user.privKey ? { privKey: localizedKey(auth.hash, user.privKey, this.engineId).subarray(0, 16) } : {}),
      });
    }
  }

  /** snmpEngineTime: seconds since the engine started. */
  engineTime(now = Date.now()): number {
    return Math.floor((now - this.#startedMs) / 1000);
  }

  /**
   * The answer to one v3 message (a response, or a REPORT), or undefined for one that gets
   * none: undecodable, or its PDU not served (unknown context).
   */
  handle(msg: Buffer, serve: (request: V3Request) => Buffer | undefined, now = Date.now()): Buffer | undefined {
    let header: Header;
    const r = new Reader(msg);
    try {
      header = this.#decodeHeader(r);
    } catch {
      return undefined;
    }
    const reportable = (header.flags & FLAG_REPORTABLE) !== 0;
    const report = (stat: UsmStat, user?: LocalUser) => {
      this.stats[stat]++;
      return reportable ? this.#report(header, plainRequestId(msg, r.pos, header.flags), stat, user, now) : undefined;
    };
    // Discovery: a probe with no (or another) engine ID learns ours, with our boots and time.
    if (!header.engineId.equals(this.engineId)) return report('unknownEngineIDs');
    const user = this.#users.get(header.userName);
    if (!user) return report('unknownUserNames');
    const wantsPriv = (header.flags & FLAG_PRIV) !== 0;
    if (!(header.flags & FLAG_AUTH) || (wantsPriv && !user.privKey)) return report('unsupportedSecLevels');
    if (!this.#authentic(msg, header, user)) return report('wrongDigests');
    const time = this.engineTime(now);
    if (header.boots !== this.boots || Math.abs(header.time - time) > TIME_WINDOW_S) return report('notInTimeWindows', user);
    let scoped: Reader = r;
    if (wantsPriv) {
      try {
        const { len } = r.header(TAG.octets);
        const encrypted = msg.subarray(r.pos, r.pos + len);
        scoped = new Reader(this.#crypt('decrypt', user, header.boots, header.time, header.privParams, encrypted));
      } catch {
        return report('decryptionErrors', user);
      }
    }
    let request: V3Request;
    try {
      scoped.header(TAG.sequence);
      scoped.octets(); // contextEngineID
      const contextName = scoped.octets().toString('utf8');
      request = { contextName, pdu: decodePdu(scoped) };
    } catch {
      // Garbage after a good MAC is a wrong privacy key (or a broken client).
      if (wantsPriv) return report('decryptionErrors', user);
      return undefined;
    }
    const responsePdu = serve(request);
    if (!responsePdu) return undefined;
    return this.#message(
      header.msgId,
      header.flags & (FLAG_AUTH | FLAG_PRIV),
      user,
      header.userName,
      request.contextName,
      responsePdu,
      now,
    );
  }

  #decodeHeader(r: Reader): Header {
    r.header(TAG.sequence);
    if (r.int() !== 3) throw new Error('not SNMPv3');
    r.header(TAG.sequence);
    const msgId = r.int();
    r.int(); // msgMaxSize
    const flags = r.octets()[0] ?? 0;
    if (r.int() !== USM_SECURITY_MODEL) throw new Error('not USM');
    r.header(TAG.octets);
    r.header(TAG.sequence);
    const engineId = Buffer.from(r.octets());
    const boots = r.int();
    const time = r.int();
    const userName = r.octets().toString('utf8');
    const authParams = r.octets();
    const authOffset = r.pos - authParams.length;
    const privParams = r.octets();
    return { msgId, flags, engineId, boots, time, userName, authParams, authOffset, privParams };
  }

  #authentic(msg: Buffer, header: Header, user: LocalUser): boolean {
    if (header.authParams.length !== user.auth.macLength) return false;
    const copy = Buffer.from(msg);
    copy.fill(0, header.authOffset, header.authOffset + user.auth.macLength);
    const mac = createHmac(user.auth.hash, user.authKey).update(copy).digest().subarray(0, user.auth.macLength);
    return timingSafeEqual(mac, header.authParams);
  }

  /** AES-128-CFB; IV = boots ‖ time ‖ salt (RFC 3826 §3.1.2.1). */
  #crypt(direction: 'encrypt' | 'decrypt', user: LocalUser, boots: number, time: number, salt: Buffer, data: Buffer): Buffer {
    if (salt.length !== 8) throw new Error('privacy parameters must be 8 bytes');
    const iv = Buffer.alloc(16);
    iv.writeUInt32BE(boots >>> 0, 0);
    iv.writeUInt32BE(time >>> 0, 4);
    salt.copy(iv, 8);
    const cipher =
      direction === 'encrypt' ? createCipheriv('aes-128-cfb', user.privKey!, iv) : createDecipheriv('aes-128-cfb', user.privKey!, iv);
    return Buffer.concat([cipher.update(data), cipher.final()]);
  }

  /** A REPORT of one usmStats counter: unauthenticated, except notInTimeWindows (which carries our time). */
  #report(header: Header, requestId: number, stat: UsmStat, user: LocalUser | undefined, now: number): Buffer {
    const pdu = encodePdu(PDU.report, requestId, [
      varbind(encodeOid(USM_STATS[stat]), encodeUnsigned(TAG.counter32, BigInt(this.stats[stat]))),
    ]);
    return this.#message(header.msgId, user ? FLAG_AUTH : 0, user, header.userName, '', pdu, now);
  }

  #message(
    msgId: number,
    flags: number,
    user: LocalUser | undefined,
    userName: string,
    contextName: string,
    pdu: Buffer,
    now: number,
  ): Buffer {
    const boots = this.boots;
    const time = this.engineTime(now);
    const scoped = tlv(
      TAG.sequence,
      Buffer.concat([tlv(TAG.octets, this.engineId), tlv(TAG.octets, Buffer.from(contextName, 'utf8')), pdu]),
    );
    let msgData = scoped;
    let privParams = Buffer.alloc(0);
    if (flags & FLAG_PRIV && user?.privKey) {
      this.#salt = (this.#salt + 1n) & 0xffffffffffffffffn;
      privParams = Buffer.alloc(8);
      privParams.writeBigUInt64BE(this.#salt);
      msgData = tlv(TAG.octets, this.#crypt('encrypt', user, boots, time, privParams, scoped));
    }
    const macLength = flags & FLAG_AUTH && user ? user.auth.macLength : 0;
    const beforeAuth = Buffer.concat([
      tlv(TAG.octets, this.engineId),
      encodeInt(TAG.integer, boots),
      encodeInt(TAG.integer, time),
      tlv(TAG.octets, Buffer.from(userName, 'utf8')),
    ]);
    const usmContent = Buffer.concat([beforeAuth, tlv(TAG.octets, Buffer.alloc(macLength)), tlv(TAG.octets, privParams)]);
    const usm = tlv(TAG.sequence, usmContent);
    const securityParameters = tlv(TAG.octets, usm);
    const version = encodeInt(TAG.integer, 3);
    const globalData = tlv(
      TAG.sequence,
      Buffer.concat([
        encodeInt(TAG.integer, msgId),
        encodeInt(TAG.integer, MAX_MESSAGE_SIZE),
        tlv(TAG.octets, Buffer.from([flags])),
        encodeInt(TAG.integer, USM_SECURITY_MODEL),
      ]),
    );
    const body = Buffer.concat([version, globalData, securityParameters, msgData]);
    const message = tlv(TAG.sequence, body);
    if (macLength > 0) {
      // The MAC's place: after the message, security-parameters and USM headers, the fields before it and its own 2-byte header.
      const offset =
        message.length -
        body.length +
        version.length +
        globalData.length +
        (securityParameters.length - usm.length) +
        (usm.length - usmContent.length) +
        beforeAuth.length +
        2;
      const mac = createHmac(user!.auth.hash, user!.authKey).update(message).digest().subarray(0, macLength);
      mac.copy(message, offset);
    }
    return message;
  }
}

/** The request-id of a plaintext scoped PDU starting at `at` (for its REPORT); 0 when encrypted or unreadable. */
function plainRequestId(msg: Buffer, at: number, flags: number): number {
  if (flags & FLAG_PRIV) return 0;
  try {
    const r = new Reader(msg);
    r.pos = at;
    r.header(TAG.sequence);
    r.octets();
    r.octets();
    return decodePdu(r).requestId;
  } catch {
    return 0;
  }
}
