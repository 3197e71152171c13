// The only module that imports net-snmp for notifications: its Receiver decodes v1/v2c traps,
// acknowledges informs, and authenticates and decrypts v3 (USM keys are localized to the sender's
// engine ID, so no per-device engine configuration is needed). Everything leaves here as plain
// data (ReceivedTrap) or as a counted rejection.
//
// net-snmp handles each datagram inside the socket's 'message' listener; an exception there that it
// does not catch itself would be an uncaught exception. The sockets are created here (net-snmp's
// `dgramModule` option) so that listener is guarded: a hostile packet is counted, never fatal.
import dgram from 'node:dgram';
import snmp from 'net-snmp';
import { SnmpError, convertVarbind } from '../snmp/session.js';
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
}

/** Why a datagram was not a notification we accept. */
export type RejectReason = 'malformed' | 'unauthorized' | 'auth_failed' | 'unsupported';

export interface TrapHandlers {
  onTrap(trap: ReceivedTrap): void;
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
  /** Set by net-snmp's includeAuthentication: which of the two tells v2c from v3. */
  community?: string;
  user?: string;
}

interface NetSnmpReceiver {
  getAuthorizer(): { addCommunity(c: string): void; addUser(u: object): void };
  close(callback?: () => void): void;
}

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

export class TrapReceiver {
  #receiver: NetSnmpReceiver | undefined;
  readonly #sockets: dgram.Socket[] = [];

  constructor(
    private readonly options: TrapReceiverOptions,
    private readonly handlers: TrapHandlers,
  ) {}

  async start(): Promise<void> {
    const { options, handlers } = this;
    const transport = options.host.includes(':') ? 'udp6' : 'udp4';
    const userNames = new Set(options.users.map((u) => u.user));
    const dgramModule = {
      createSocket: (type: 'udp4' | 'udp6') => {
        const socket = dgram.createSocket({ type, recvBufferSize: options.receiveBufferBytes });
        const on = socket.on.bind(socket) as (event: string, listener: (...args: unknown[]) => void) => dgram.Socket;
        (socket as unknown as { on: typeof on }).on = (event, listener) =>
          on(
            event,
            event !== 'message'
              ? listener
              : (...args: unknown[]) => {
                  handlers.onDatagram();
                  try {
                    listener(...args);
                  } catch (error) {
                    const rinfo = args[1] as dgram.RemoteInfo | undefined; // ('message', msg, rinfo)
                    handlers.onReject('malformed', rinfo?.address, error instanceof Error ? error.message : String(error));
                  }
                },
          );
        this.#sockets.push(socket);
        return socket;
      },
    };
    const receiver = snmp.createReceiver(
      { address: options.host, port: options.port, transport, dgramModule, includeAuthentication: true },
      (error: (Error & { rinfo?: dgram.RemoteInfo }) | null, data?: { pdu: RawPdu; rinfo: dgram.RemoteInfo }) => {
        if (error) {
          if (error.rinfo) handlers.onReject(classify(error), error.rinfo.address, error.message);
          else handlers.onSocketError(error);
          return;
        }
        if (!data) return;
        // net-snmp lets a v3 message with an empty user name and no authentication through (it is
        // how engine discovery works): as a notification it is unauthenticated, so it is refused.
        if (data.pdu.user !== undefined && !userNames.has(data.pdu.user)) {
          handlers.onReject('unauthorized', data.rinfo.address, 'SNMPv3 notification without a configured user');
          return;
        }
        try {
          handlers.onTrap(toReceivedTrap(data.pdu, data.rinfo.address));
        } catch (failure) {
          if (failure instanceof SnmpError) handlers.onReject('malformed', data.rinfo.address, failure.message);
          else throw failure;
        }
      },
    ) as NetSnmpReceiver;
    this.#receiver = receiver;
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
