// The only module that imports net-snmp: a promise API over it, with values converted to plain
// TypeScript (Counter64 → bigint, OctetString → text or hex) and every varbind checked.
//
// Scale: net-snmp gives each Session its own UDP socket and a fixed target. 60,000 IADs with a
// session each would hold 60,000 sockets (file descriptors, kernel buffers), so v1/v2c requests
// share a small pool of sessions: the target, port, community and timeout are set on the session
// immediately before each request, which net-snmp reads synchronously when it builds and sends
// the packet; responses are matched by request id. net-snmp's own retries are off (a retry would
// re-read the session's *current* target): retries are done here, per request. SNMPv3 keeps one
// session per target because USM state (engine id, boots, time) belongs to the target; the pool
// key holds everything the session authenticates with (see v3PoolKey), so a target with a wrong
// key never borrows the session of a target with the right one.
import { createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import snmp from 'net-snmp';

export type SnmpVersion = '1' | '2c' | '3';

export interface V3Credentials {
  readonly user: string;
  readonly level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  readonly authProtocol?: 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  readonly authKey?: string;
  readonly privProtocol?: 'des' | 'aes' | 'aes256b' | 'aes256r';
  readonly privKey?: string;
  readonly context?: string;
}

export interface SnmpTarget {
  readonly host: string;
  readonly port: number;
  readonly version: SnmpVersion;
  readonly community?: string;
  readonly v3?: V3Credentials;
  readonly timeoutMs: number;
  readonly retries: number;
}

export type SnmpValue = number | bigint | string;
export type SnmpType =
  'integer' | 'octets' | 'oid' | 'ip' | 'counter32' | 'gauge32' | 'timeticks' | 'counter64' | 'opaque' | 'null' | 'boolean';

export interface Varbind {
  readonly oid: string;
  readonly type: SnmpType;
  readonly value: SnmpValue;
}

/** `auth`: the agent's USM refused us (wrong key, unknown user, unsupported level, decryption error). */
export type SnmpErrorKind = 'timeout' | 'agent' | 'invalid' | 'transport' | 'auth';

/** Every failure names the target and the OID it was about. */
export class SnmpError extends Error {
  constructor(
    readonly kind: SnmpErrorKind,
    readonly target: string,
    readonly oid: string,
    detail: string,
  ) {
    super(`SNMP ${kind} from ${target} for ${oid}: ${detail}`);
    this.name = 'SnmpError';
  }
}

const TYPES: Record<number, SnmpType> = {
  1: 'boolean',
  2: 'integer',
  4: 'octets',
  5: 'null',
  6: 'oid',
  64: 'ip',
  65: 'counter32',
  66: 'gauge32',
  67: 'timeticks',
  68: 'opaque',
  70: 'counter64',
};
/** noSuchObject, noSuchInstance, endOfMibView: "nothing here", not a value. */
const EXCEPTIONS = new Set([128, 129, 130]);
const END_OF_MIB_VIEW = 130;

/** Printable text stays text; anything else (MAC addresses, binary) becomes lowercase hex. */
export function octetsToString(bytes: Buffer): string {
  for (const byte of bytes) {
    if ((byte < 0x20 || byte > 0x7e) && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) {
      // A trailing NUL is common in C-string agents; the rest must still be printable.
      if (byte === 0 && bytes.indexOf(0) === bytes.length - 1) continue;
      return bytes.toString('hex');
    }
  }
  return bytes.toString('latin1').replace(/\0$/, '');
}

export function bufferToBigint(bytes: Buffer): bigint {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
}

interface RawVarbind {
  oid: string;
  type: number;
  value: unknown;
}

/** Converts one varbind; undefined for the three "no such" exceptions. Throws on nonsense. */
export function convertVarbind(raw: RawVarbind, where: string): Varbind | undefined {
  if (EXCEPTIONS.has(raw.type)) return undefined;
  const type = TYPES[raw.type];
  if (!type) throw new SnmpError('invalid', where, raw.oid, `unknown ASN.1 type ${raw.type}`);
  const v = raw.value;
  switch (type) {
    case 'octets':
    case 'opaque':
      return { oid: raw.oid, type, value: Buffer.isBuffer(v) ? octetsToString(v) : String(v ?? '') };
    case 'counter64':
      if (Buffer.isBuffer(v)) return { oid: raw.oid, type, value: bufferToBigint(v) };
      if (typeof v === 'number' || typeof v === 'bigint') return { oid: raw.oid, type, value: BigInt(v) };
      throw new SnmpError('invalid', where, raw.oid, 'Counter64 without a value');
    case 'integer':
    case 'counter32':
    case 'gauge32':
    case 'timeticks':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new SnmpError('invalid', where, raw.oid, `${type} is not a number`);
      return { oid: raw.oid, type, value: v };
    case 'boolean':
      return { oid: raw.oid, type: 'integer', value: v ? 1 : 0 };
    case 'null':
      return undefined;
    default:
      return { oid: raw.oid, type, value: String(v) };
  }
}

// The typings (3.23) lag the library (3.29): newer protocols and error classes are looked up by name.
const lib = snmp as unknown as {
  AuthProtocols: Record<string, number>;
  PrivProtocols: Record<string, number>;
  RequestTimedOutError: new () => Error;
  ResponseInvalidCode: Record<string, number>;
};
/** net-snmp's code on the error for a USM REPORT (usmStatsWrongDigests, …) answering a request. */
const AUTH_FAILURE = lib.ResponseInvalidCode.EAuthFailure;
const AUTH: Record<string, number> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha224: lib.AuthProtocols.sha224!,
  sha256: lib.AuthProtocols.sha256!,
  sha384: lib.AuthProtocols.sha384!,
  sha512: lib.AuthProtocols.sha512!,
};
const PRIV: Record<string, number> = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes256b: lib.PrivProtocols.aes256b!,
  aes256r: lib.PrivProtocols.aes256r!,
};
const LEVEL = {
  noAuthNoPriv: snmp.SecurityLevel.noAuthNoPriv,
  authNoPriv: snmp.SecurityLevel.authNoPriv,
  authPriv: snmp.SecurityLevel.authPriv,
};

/** The mutable parts of a net-snmp Session we set per request (see the header comment). */
interface PooledSession {
  target: string;
  port: number;
  community: string;
  version: number;
  timeout: number;
  retries: number;
  get(oids: string[], cb: (error: Error | null, varbinds?: RawVarbind[]) => void): void;
  getNext(oids: string[], cb: (error: Error | null, varbinds?: RawVarbind[]) => void): void;
  getBulk(
    oids: string[],
    nonRepeaters: number,
    maxRepetitions: number,
    cb: (error: Error | null, varbinds?: (RawVarbind | RawVarbind[])[]) => void,
  ): void;
  close(): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
}

/**
 * A shared socket carries thousands of targets' answers: a pause of the event loop (a major GC)
 * must not overflow the kernel's default ~200 kB receive buffer, or answers are dropped and
 * polls wait for their timeout. 4 MB is the usual net.core.rmem_max; the kernel caps it there.
 */
const ROOMY_SOCKETS = {
  createSocket: (type: 'udp4' | 'udp6') => dgram.createSocket({ type, recvBufferSize: 4 << 20, sendBufferSize: 1 << 20 }),
};

export const targetName = (t: Pick<SnmpTarget, 'host' | 'port'>) => `${t.host}:${t.port}`;

export class SnmpClient {
  readonly #shared: PooledSession[] = [];
  readonly #v3 = new Map<string, PooledSession>();
  #next = 0;
  #closed = false;

  /** @param sockets v1/v2c sessions (UDP sockets) shared by all targets */
  constructor(private readonly sockets = 4) {}

  /** GET of up to a PDU's worth of OIDs; a missing object (noSuch*) comes back as undefined. */
  get(target: SnmpTarget, oids: readonly string[]): Promise<(Varbind | undefined)[]> {
    return this.#request(target, oids[0] ?? '', (s, cb) => s.get(oids as string[], cb as never)).then((raw) => {
      const list = raw as RawVarbind[];
      if (list.length !== oids.length)
        throw new SnmpError('invalid', targetName(target), oids[0] ?? '', `asked ${oids.length} OIDs, got ${list.length}`);
      return list.map((vb) => convertVarbind(vb, targetName(target)));
    });
  }

  /**
   * Walks a subtree with GETBULK (GETNEXT for v1). Stops at the end of the subtree, at
   * endOfMibView, or when an agent answers with an OID that does not increase (a broken agent
   * would otherwise loop forever).
   */
  async walk(target: SnmpTarget, root: string, maxRepetitions = 20, maxRows = 100_000): Promise<Varbind[]> {
    const where = targetName(target);
    const prefix = `${root}.`;
    const out: Varbind[] = [];
    let cursor = root;
    for (;;) {
      const batch = await this.#request(target, cursor, (s, cb) => {
        if (target.version === '1') s.getNext([cursor], cb as never);
        else s.getBulk([cursor], 0, maxRepetitions, cb as never);
      });
      const rows = (target.version === '1' ? batch : ((batch[0] as RawVarbind[] | undefined) ?? [])) as RawVarbind[];
      if (rows.length === 0) return out;
      for (const raw of rows) {
        if (raw.type === END_OF_MIB_VIEW || !raw.oid.startsWith(prefix)) return out;
        if (compareOids(raw.oid, cursor) <= 0) throw new SnmpError('invalid', where, raw.oid, `OID does not increase after ${cursor}`);
        cursor = raw.oid;
        const vb = convertVarbind(raw, where);
        if (vb) out.push(vb);
        if (out.length >= maxRows) throw new SnmpError('invalid', where, root, `more than ${maxRows} rows`);
      }
    }
  }

  close(): void {
    this.#closed = true;
    for (const s of [...this.#shared, ...this.#v3.values()]) s.close();
    this.#shared.length = 0;
    this.#v3.clear();
  }

  /**
   * One request with its retries, as one promise and one callback per attempt: thousands are in
   * flight at once, and under load they live long enough to be promoted, so they stay small.
   * net-snmp reads the pooled session's target synchronously in send(), so each attempt sets it again.
   */
  #request(
    target: SnmpTarget,
    oid: string,
    send: (s: PooledSession, cb: (e: Error | null, vb?: unknown[]) => void) => void,
  ): Promise<unknown[]> {
    if (this.#closed) return Promise.reject(new SnmpError('transport', targetName(target), oid, 'client closed'));
    return new Promise<unknown[]>((resolve, reject) => {
      let attempt = 0;
      const once = () =>
        send(this.#sessionFor(target), (error, varbinds) => {
          if (!error) return resolve(varbinds ?? []);
          // Only a timeout is worth asking again; an agent's error answer will not change.
          if (error instanceof lib.RequestTimedOutError && attempt++ < target.retries && !this.#closed) return once();
          reject(this.#failure(target, oid, error));
        });
      once();
    });
  }

  #failure(target: SnmpTarget, oid: string, lastError: unknown): SnmpError {
    const kind: SnmpErrorKind =
      lastError instanceof lib.RequestTimedOutError
        ? 'timeout'
        : lastError instanceof snmp.RequestFailedError
          ? 'agent'
          : lastError instanceof snmp.ResponseInvalidError
            ? (lastError as Error & { code?: number }).code === AUTH_FAILURE
              ? 'auth'
              : 'invalid'
            : 'transport';
    return new SnmpError(kind, targetName(target), oid, lastError instanceof Error ? lastError.message : String(lastError));
  }

  #sessionFor(target: SnmpTarget): PooledSession {
    if (target.version === '3') return this.#v3Session(target);
    // No community means a configuration that was never validated: refused, never guessed as `public`.
    if (target.community === undefined) throw new SnmpError('invalid', targetName(target), '', 'SNMPv1/v2c target without a community');
    if (this.#shared.length < this.sockets) {
      const s = snmp.createSession('127.0.0.1', 'public', {
        version: snmp.Version2c,
        retries: 0,
        dgramModule: ROOMY_SOCKETS,
      } as never) as unknown as PooledSession;
      // A socket error must never crash the collector; the request times out instead.
      s.on('error', () => {});
      this.#shared.push(s);
    }
    const session = this.#shared[this.#next++ % this.#shared.length]!;
    session.target = target.host;
    session.port = target.port;
    session.community = target.community;
    session.version = target.version === '1' ? snmp.Version1 : snmp.Version2c;
    session.timeout = target.timeoutMs;
    session.retries = 0;
    return session;
  }

  #v3Session(target: SnmpTarget): PooledSession {
    const key = v3PoolKey(target);
    let session = this.#v3.get(key);
    if (!session) {
      const v3 = target.v3!;
      const user = {
        name: v3.user,
        level: LEVEL[v3.level],
        ...(v3.level !== 'noAuthNoPriv' ? { authProtocol: AUTH[v3.authProtocol ?? 'sha'], authKey: v3.authKey } : {}),
        ...(v3.level === 'authPriv' ? { privProtocol: PRIV[v3.privProtocol ?? 'aes'], privKey: v3.privKey } : {}),
      };
      session = snmp.createV3Session(
        target.host,
        user as never,
        {
          port: target.port,
          retries: 0,
          timeout: target.timeoutMs,
          context: v3.context ?? '',
        } as never,
      ) as unknown as PooledSession;
      session.on('error', () => {});
      this.#v3.set(key, session);
    }
    session.timeout = target.timeoutMs;
    return session;
  }
}

/**
 * Keys of the key material: an HMAC under a secret made when the process starts, so the pool's
 * keys say whether two targets' keys are equal without holding, or being a reusable digest of, them.
 */
const POOL_SECRET = randomBytes(32);
const keyDigests = new WeakMap<V3Credentials, string>();

function keyDigest(v3: V3Credentials): string {
  let digest = keyDigests.get(v3);
  if (digest === undefined) {
    // Length-prefixed, so that the boundary between the two keys is part of what is hashed.
    const material = [v3.authKey ?? '', v3.privKey ?? ''].map((k) => `${Buffer.byteLength(k)}:${k}`).join('');
    digest = createHmac('sha256', POOL_SECRET).update(material).digest('base64url');
    // Targets of one credentials entry share its object: one HMAC per entry, not per request.
    keyDigests.set(v3, digest);
  }
  return digest;
}

/**
 * The SNMPv3 session pool's key: everything a session authenticates with — address, user,
 * context, security level, protocols and (a digest of) the keys. Throws for a target whose level
 * needs a key it does not have (net-snmp would send an empty one).
 */
export function v3PoolKey(target: SnmpTarget): string {
  const v3 = target.v3;
  const where = targetName(target);
  if (!v3) throw new SnmpError('invalid', where, '', 'SNMPv3 target without v3 credentials');
  const auth = v3.level !== 'noAuthNoPriv';
  const priv = v3.level === 'authPriv';
  if (auth && !v3.authKey) throw new SnmpError('invalid', where, '', `SNMPv3 ${v3.level} without an authentication key`);
  if (priv && !v3.privKey) throw new SnmpError('invalid', where, '', 'SNMPv3 authPriv without a privacy key');
  return JSON.stringify([
    target.host,
    target.port,
    v3.user,
    v3.context ?? '',
    v3.level,
    auth ? (v3.authProtocol ?? 'sha') : '',
    priv ? (v3.privProtocol ?? 'aes') : '',
    auth ? keyDigest(v3) : '',
  ]);
}

/** Numeric OID order, as agents walk. */
export function compareOids(a: string, b: string): number {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
