// The only module that imports net-snmp for notifications: its Receiver decodes v1/v2c traps,
// acknowledges informs, and authenticates and decrypts v3 (USM keys are localized to the sender's
// engine ID, so no per-device engine configuration is needed). Everything leaves here as plain
// data (ReceivedTrap) or as a counted rejection.
//
// net-snmp handles each datagram inside the socket's 'message' listener; an exception there that it
// does not catch itself would be an uncaught exception. The sockets are created here (net-snmp's
// `dgramModule` option) so that listener is guarded: a hostile packet is counted, never fatal.
//
// net-snmp checks no SNMPv3 timeliness and acknowledges an inform before its callback sees it. So
// the guard also reads each datagram's USM header, holds back what net-snmp sends while handling it,
// and its callback judges the authenticated message (ReplayGuard, RFC 3414 §3.2 step 7) and whether
// the input accepts it: a refused inform is never acknowledged. Our engine's boots and time are set
// on net-snmp's engine, so discovery tells senders the time we judge their informs by.
import dgram from 'node:dgram';
import snmp from 'net-snmp';
import { SnmpError, convertVarbind } from '../snmp/session.js';
import {
  FLAG_REPORTABLE,
  ReplayGuard,
  TIME_WINDOW_S,
  notInTimeWindowReport,
  readUsmHeader,
  type ReplayVerdict,
  type UsmHeader,
} from './replay.js';
import type { ReceivedTrap, TrapVarbind } from './translate.js';

export interface TrapUser {
  readonly user: string;
  readonly level: 'authNoPriv' | 'authPriv';
  readonly authProtocol: 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  readonly authKey: string;
  readonly privProtocol?: 'des' | 'aes' | 'aes256b' | 'aes256r';
  readonly privKey?: string;
}

export interface TrapReceiverOptions {
  readonly host: string;
  readonly port: number;
  readonly communities: readonly string[];
  readonly users: readonly TrapUser[];
  /** Kernel receive buffer: a storm arrives faster than one event-loop turn drains it. */
  readonly receiveBufferBytes: number;
  /** Our SNMPv3 engine ID (hex), for senders that must be configured with it; default: a random one per start. */
  readonly engineId?: string;
  /** Monotonic milliseconds (tests move it instead of waiting out the 150 s window). */
  readonly clock?: () => number;
  /** Bounds of the replay guard's memory (defaults: REPLAY_LIMITS). */
  readonly replayLimits?: { readonly maxEngines: number; readonly maxRecentPerEngine: number };
}

/** 60,000 IADs with an engine each fit; beyond, the least recently heard engine is forgotten. */
export const REPLAY_LIMITS = { maxEngines: 200_000, maxRecentPerEngine: 1_000 } as const;

/** Why a datagram was not a notification we accept. */
export type RejectReason = 'malformed' | 'unauthorized' | 'auth_failed' | 'unsupported' | Exclude<ReplayVerdict, 'ok'>;

/**
 * Which credentials a notification carried: `community:<n>` (n: index in the options' communities)
 * or `user:<name>` — never the community itself.
 */
export type CredentialKey = `community:${number}` | `user:${string}`;

export interface TrapHandlers {
  /** Returns whether the notification is accepted: an inform that is not is left unacknowledged. */
  onTrap(trap: ReceivedTrap, credential: CredentialKey): boolean;
  onReject(reason: RejectReason, source: string | undefined, detail: string): void;
  /** Socket-level failures (not a packet's fault). */
  onSocketError(error: Error): void;
  /** Every datagram read from the socket, before it is decoded (a v3 discovery or report exchange included). */
  onDatagram(): void;
}

// The typings lag the library: protocols are looked up by name, as net-snmp's constant objects allow.
const lib = snmp as unknown as {
  AuthProtocols: Record<string, number>;
  PrivProtocols: Record<string, number>;
  SecurityLevel: Record<string, number>;
  PduType: Record<string, number>;
};

interface RawPdu {
  type: number;
  varbinds?: { oid: string; type: number; value: unknown }[];
  enterprise?: string;
  agentAddr?: string;
  generic?: number;
  specific?: number;
  upTime?: number;
  /** request-id */
  id?: number;
  /** Set by net-snmp's includeAuthentication: which of the two tells v2c from v3. */
  community?: string;
  user?: string;
}

interface NetSnmpReceiver {
  getAuthorizer(): { addCommunity(c: string): void; addUser(u: object): void };
  close(callback?: () => void): void;
  /** Our engine, as net-snmp's discovery reports state it. */
  engine: { engineID: Buffer; engineBoots: number; engineTime: number };
}

/** The datagram being handled: its USM header, and what net-snmp sends in answer, held until it is accepted. */
interface Packet {
  readonly usm: UsmHeader | undefined;
  acknowledge: boolean;
  readonly replies: unknown[][];
  /** Sends to the datagram's sender at once. */
  readonly answer: (message: Buffer) => void;
}

/**
 * snmpEngineBoots must grow at every start for an engine ID that is kept (RFC 3414 §2.2.2); seconds
 * since this epoch do, without a file to persist a counter in (and stay below 2^31 until 2091).
 */
const BOOTS_EPOCH_S = 1_700_000_000;

export function classify(error: Error): RejectReason {
  const text = error.message ?? '';
  if (error.name === 'ProcessingError') return 'malformed';
  if (error.name === 'RequestInvalidError') return 'unsupported';
  if (/digest|decrypt/i.test(text)) return 'auth_failed';
  if (/community|user|requires (authentication|privacy)/i.test(text)) return 'unauthorized';
  return 'malformed';
}

/** net-snmp's decoded PDU as a ReceivedTrap; throws SnmpError for a varbind of no known type. */
export function toReceivedTrap(pdu: RawPdu, source: string): ReceivedTrap {
  const varbinds: TrapVarbind[] = [];
  for (const raw of pdu.varbinds ?? []) {
    const vb = convertVarbind(raw, source);
    if (vb) varbinds.push(vb);
  }
  const isV1 = pdu.type === lib.PduType.Trap;
  return {
    version: isV1 ? '1' : pdu.user !== undefined ? '3' : '2c',
    pdu: pdu.type === lib.PduType.InformRequest ? 'inform' : 'trap',
    source,
    ...(isV1
      ? {
          v1: {
            enterprise: String(pdu.enterprise ?? ''),
            generic: Number(pdu.generic),
            specific: Number(pdu.specific),
            agentAddr: String(pdu.agentAddr ?? ''),
            uptime: Number(pdu.upTime ?? 0),
          },
        }
      : {}),
    varbinds,
  };
}

function replayDetail(verdict: Exclude<ReplayVerdict, 'ok'>, usm: UsmHeader, localEngineId: string): string {
  const at = `engine ${usm.engineId} boots ${usm.boots} time ${usm.time}`;
  if (verdict === 'replayed') return `${at}: the same message was accepted before (a replay)`;
  if (verdict === 'unknown_engine_id') return `inform to engine ${usm.engineId}, not to this receiver's engine ${localEngineId}`;
  return `${at}: not within ${TIME_WINDOW_S} s of the engine's time (a replay, or a sender whose boots went back)`;
}

export class TrapReceiver {
  #receiver: NetSnmpReceiver | undefined;
  readonly #sockets: dgram.Socket[] = [];
  #replay: ReplayGuard | undefined;
  #packet: Packet | undefined;
  /** usmStatsNotInTimeWindows, as our reports state it. */
  #notInTimeWindows = 0;

  constructor(
    private readonly options: TrapReceiverOptions,
    private readonly handlers: TrapHandlers,
  ) {}

  async start(): Promise<void> {
    const { options, handlers } = this;
    const transport = options.host.includes(':') ? 'udp6' : 'udp4';
    const clock = options.clock ?? (() => performance.now());
    const userNames = new Set(options.users.map((u) => u.user));
    const communityKeys = new Map(options.communities.map((c, i) => [c, `community:${i}` as const]));
    const dgramModule = {
      createSocket: (type: 'udp4' | 'udp6') => {
        const socket = dgram.createSocket({ type, recvBufferSize: options.receiveBufferBytes });
        const on = socket.on.bind(socket) as (event: string, listener: (...args: unknown[]) => void) => dgram.Socket;
        const send = socket.send.bind(socket) as (...args: unknown[]) => void;
        (socket as unknown as { send: typeof send }).send = (...args) =>
          this.#packet ? void this.#packet.replies.push(args) : send(...args);
        (socket as unknown as { on: typeof on }).on = (event, listener) =>
          on(
            event,
            event !== 'message'
              ? listener
              : (...args: unknown[]) => {
                  handlers.onDatagram();
                  const rinfo = args[1] as dgram.RemoteInfo; // ('message', msg, rinfo)
                  const packet: Packet = {
                    usm: readUsmHeader(args[0] as Buffer),
                    acknowledge: true,
                    replies: [],
                    answer: (message) => send(message, 0, message.length, rinfo.port, rinfo.address),
                  };
                  this.#packet = packet;
                  try {
                    listener(...args);
                  } catch (error) {
                    packet.acknowledge = false;
                    handlers.onReject('malformed', rinfo?.address, error instanceof Error ? error.message : String(error));
                  } finally {
                    this.#packet = undefined;
                  }
                  if (packet.acknowledge) for (const reply of packet.replies) send(...reply);
                },
          );
        this.#sockets.push(socket);
        return socket;
      },
    };
    const unanswered = () => void (this.#packet && (this.#packet.acknowledge = false));
    const refuse = (reason: RejectReason, source: string, detail: string) => {
      unanswered();
      handlers.onReject(reason, source, detail);
    };
    const receiver = snmp.createReceiver(
      {
        address: options.host,
        port: options.port,
        transport,
        dgramModule,
        includeAuthentication: true,
        ...(options.engineId ? { engineID: options.engineId } : {}),
      },
      (error: (Error & { rinfo?: dgram.RemoteInfo }) | null, data?: { pdu: RawPdu; rinfo: dgram.RemoteInfo }) => {
        if (error) {
          if (error.rinfo) handlers.onReject(classify(error), error.rinfo.address, error.message);
          else handlers.onSocketError(error);
          return;
        }
        if (!data) return;
        const { pdu, rinfo } = data;
        // net-snmp lets a v3 message with an empty user name and no authentication through (it is
        // how engine discovery works): as a notification it is unauthenticated, so it is refused.
        if (pdu.user !== undefined && !userNames.has(pdu.user)) {
          return refuse('unauthorized', rinfo.address, 'SNMPv3 notification without a configured user');
        }
        const credential = pdu.user !== undefined ? (`user:${pdu.user}` as const) : communityKeys.get(pdu.community ?? '');
        if (!credential) return refuse('unauthorized', rinfo.address, 'notification without a configured community');
        const usm = pdu.user !== undefined ? this.#packet?.usm : undefined;
        if (pdu.user !== undefined) {
          if (!usm) return refuse('malformed', rinfo.address, 'SNMPv3 notification whose USM header does not decode');
          const verdict = this.#timeliness(usm, pdu, clock());
          if (verdict === 'time_sync') return unanswered();
          if (verdict !== 'ok') return refuse(verdict, rinfo.address, replayDetail(verdict, usm, this.#replay!.localEngineId));
        }
        let trap: ReceivedTrap;
        try {
          trap = toReceivedTrap(pdu, rinfo.address);
        } catch (failure) {
          if (failure instanceof SnmpError) return refuse('malformed', rinfo.address, failure.message);
          throw failure;
        }
        if (!handlers.onTrap(trap, credential)) unanswered();
        else if (usm) this.#replay!.accept(usm, clock());
      },
    ) as NetSnmpReceiver;
    this.#receiver = receiver;
    const engine = receiver.engine;
    const replay = new ReplayGuard({
      localEngineId: engine.engineID.toString('hex'),
      localBoots: Math.max(1, Math.floor(Date.now() / 1000) - BOOTS_EPOCH_S),
      startedAtMs: clock(),
      ...(options.replayLimits ?? REPLAY_LIMITS),
    });
    this.#replay = replay;
    engine.engineBoots = replay.localBoots;
    Object.defineProperty(engine, 'engineTime', { get: () => replay.localTime(clock()), configurable: true });
    const authorizer = receiver.getAuthorizer();
    for (const community of options.communities) authorizer.addCommunity(community);
    for (const u of options.users) {
      authorizer.addUser({
        name: u.user,
        level: lib.SecurityLevel[u.level],
        authProtocol: lib.AuthProtocols[u.authProtocol],
        authKey: u.authKey,
        ...(u.level === 'authPriv' ? { privProtocol: lib.PrivProtocols[u.privProtocol ?? 'aes'], privKey: u.privKey } : {}),
      });
    }
    const socket = this.#sockets[0];
    if (!socket) throw new Error('net-snmp created no socket');
    await new Promise<void>((resolve, reject) => {
      const failed = (error: Error) =>
        reject(Object.assign(error, { message: `cannot listen for traps on ${options.host}:${options.port}: ${error.message}` }));
      socket.once('error', failed);
      socket.once('listening', () => {
        socket.off('error', failed);
        resolve();
      });
    });
  }

  /** RFC 3414 §3.2 step 7 for an authenticated v3 notification; 'time_sync': a sender asking for our time, answered. */
  #timeliness(usm: UsmHeader, pdu: RawPdu, now: number): ReplayVerdict | 'time_sync' {
    const replay = this.#replay!;
    const verdict = replay.check(usm, pdu.type === lib.PduType.InformRequest, now);
    if (verdict !== 'not_in_time_window' || usm.engineId !== replay.localEngineId || !(usm.flags & FLAG_REPORTABLE)) return verdict;
    // Untimely to our engine: a Report of our boots and time lets the sender resend in time (step 7a, §4).
    const engine = { id: replay.localEngineId, boots: replay.localBoots, time: replay.localTime(now) };
    this.#packet?.answer(notInTimeWindowReport(usm, Number(pdu.id ?? 0), engine, ++this.#notInTimeWindows));
    // Boots and time 0 is how a sender configured with our engine ID asks for our time: not a refusal to count.
    return usm.boots === 0 && usm.time === 0 ? 'time_sync' : verdict;
  }

  async stop(): Promise<void> {
    const receiver = this.#receiver;
    this.#receiver = undefined;
    if (!receiver) return;
    await Promise.all(
      this.#sockets.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            s.once('close', () => resolve());
            try {
              s.close();
            } catch {
              resolve(); // never bound
            }
          }),
      ),
    );
  }
}
