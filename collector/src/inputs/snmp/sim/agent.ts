// The SNMP simulator: a UDP responder serving snmprec recordings, the recording chosen by the
// community (the file's base name, snmpsim's convention). Counters advance at plausible rates
// from the moment the device "booted", sysUpTime with them; reboot() and setCounter() exist for
// wrap and restart tests. `devices` clones one recording into N devices with communities
// `<name>-1 … <name>-N` and sysName `<recorded sysName>-<i>`. SNMPv3 (usm.ts) serves the same
// recordings chosen by context name. `--port-per-device` exists for snmp_exporter, which has one community.
import dgram from 'node:dgram';
import {
  PDU,
  TAG,
  decodeRequest,
  encodeCommunityMessage,
  encodeOid,
  encodePdu,
  encodeUnsigned,
  messageVersion,
  tlv,
  varbind,
  type RequestPdu,
  type SnmpRequest,
} from './ber.js';
import { ValueOverrides } from './overrides.js';
import { SYS_NAME, SYS_UPTIME, loadRecording, nextIndex, type Recording } from './recording.js';
import { UsmEngine, type V3Request, type V3User } from './usm.js';

interface SimDevice {
  readonly recording: Recording;
  readonly sysName?: Buffer;
  /** Rates differ a little between clones. */
  readonly rateFactor: number;
  bootMs: number;
  /** After a reboot, counters start from zero and sysUpTime from 0. */
  fresh: boolean;
  overrides?: Map<number, { value: bigint; atMs: number }>;
}

export interface SimulatorOptions {
  files: readonly string[];
  /** Clone the first recording into this many devices. */
  devices?: number;
  /** false: interface counters stay at their recorded values. Default true. */
  advance?: boolean;
  /**
   * Also give each clone a UDP port of its own, answering the recording's base name as
   * community: for pollers with one community for all targets (snmp_exporter 0.21).
   */
  portPerDevice?: boolean;
  /** SNMPv3 users (authNoPriv, or authPriv with a privacy key); none: v3 requests get no answer. */
  v3Users?: readonly V3User[];
}

const MAX_RESPONSE_BYTES = 60_000;
const WRAP32 = 1n << 32n;
const WRAP64 = 1n << 64n;

export class SnmpSimulator {
  readonly #devices = new Map<string, SimDevice>();
  readonly #clones: SimDevice[] = [];
  #socket?: dgram.Socket;
  readonly #deviceSockets: dgram.Socket[] = [];
  /** With portPerDevice: the port of clone i at index i − 1. */
  readonly devicePorts: number[] = [];
  requests = 0;
  port = 0;
  /** Values a test sets at runtime (an alarm, a channel count): see overrides.ts. */
  readonly values = new ValueOverrides((community) => this.#device(community));
  /** The SNMPv3 engine when there are v3 users: its engine ID and usmStats counters (wrong digests, …). */
  readonly usm?: UsmEngine;
  readonly #firstName: string;

  constructor(private readonly options: SimulatorOptions) {
    const recordings = options.files.map((f) => loadRecording(f, options.advance ?? true));
    const started = Date.now();
    for (const recording of recordings) this.#devices.set(recording.name, { recording, rateFactor: 1, bootMs: started, fresh: false });
    this.#firstName = recordings[0]?.name ?? '';
    if (options.v3Users?.length) this.usm = new UsmEngine(options.v3Users);
    const template = recordings[0];
    if (options.devices && template) {
      const sysNameRow = template.byOid.get(SYS_NAME);
      const baseName = sysNameRow === undefined ? template.name : String(template.rows[sysNameRow]!.value);
      for (let i = 1; i <= options.devices; i++) {
        const clone: SimDevice = {
          recording: template,
          sysName: Buffer.from(`${baseName}-${i}`),
          rateFactor: 1 + (i % 7) / 10,
          bootMs: started,
          fresh: false,
        };
        this.#devices.set(`${template.name}-${i}`, clone);
        this.#clones.push(clone);
      }
    }
  }

  get communities(): string[] {
    return [...this.#devices.keys()];
  }

  async start(host = '127.0.0.1', port = 0): Promise<number> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    this.#socket = socket;
    this.port = await this.#listen(socket, host, port, (msg) => this.handle(msg));
    if (this.options.portPerDevice) {
      for (const clone of this.#clones) {
        const own = dgram.createSocket('udp4');
        this.#deviceSockets.push(own);
        this.devicePorts.push(await this.#listen(own, host, 0, (msg) => this.handle(msg, Date.now(), clone)));
      }
    }
    return this.port;
  }

  async #listen(socket: dgram.Socket, host: string, port: number, handle: (msg: Buffer) => Buffer | undefined): Promise<number> {
    socket.on('message', (msg, rinfo) => {
      const response = handle(msg);
      if (response) socket.send(response, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        // A send error (the poller went away) must not stop the simulator.
        socket.on('error', () => {});
        resolve();
      });
    });
    return socket.address().port;
  }

  async stop(): Promise<void> {
    const sockets = [this.#socket, ...this.#deviceSockets.splice(0)].filter((s) => s !== undefined);
    this.#socket = undefined;
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  /** The device restarts: sysUpTime from 0, counters from 0. */
  reboot(community: string, atMs = Date.now()): void {
    const device = this.#device(community);
    device.bootMs = atMs;
    device.fresh = true;
    device.overrides = undefined;
  }

  /** Sets a counter to a value now (it keeps advancing from there): for wrap tests. */
  setCounter(community: string, oid: string, value: bigint, atMs = Date.now()): void {
    const device = this.#device(community);
    const index = device.recording.byOid.get(oid.replace(/^\./, ''));
    if (index === undefined) throw new Error(`${community} has no ${oid}`);
    (device.overrides ??= new Map()).set(index, { value, atMs });
  }

  /** Answers one datagram; undefined for anything it cannot or should not answer. */
  handle(msg: Buffer, now = Date.now(), portDevice?: SimDevice): Buffer | undefined {
    let version: number;
    try {
      version = messageVersion(msg);
    } catch {
      return undefined;
    }
    if (version === 3) return this.usm?.handle(msg, (request) => this.#serveV3(request, now, portDevice), now);
    let request: SnmpRequest;
    try {
      request = decodeRequest(msg);
    } catch {
      return undefined;
    }
    if (request.version > 1) return undefined;
    const device = portDevice && request.community === portDevice.recording.name ? portDevice : this.#devices.get(request.community);
    if (!device) return undefined; // a wrong community gets no answer, as with a real agent
    this.requests++;
    const pdu = this.#answer(device, request, request.version, now);
    return pdu && encodeCommunityMessage(request.version, request.community, pdu);
  }

  /** The v3 context name chooses the recording as the community does for v2c (snmpsim's convention); '' the first one. */
  #serveV3({ contextName, pdu }: V3Request, now: number, portDevice?: SimDevice): Buffer | undefined {
    const device =
      portDevice && (contextName === '' || contextName === portDevice.recording.name)
        ? portDevice
        : this.#devices.get(contextName || this.#firstName);
    if (!device) return undefined;
    this.requests++;
    return this.#answer(device, pdu, 1, now);
  }

  /** The response PDU to a request PDU; version 0 answers as SNMPv1 (noSuchName errors instead of exceptions). */
  #answer(device: SimDevice, request: RequestPdu, version: number, now: number): Buffer | undefined {
    const out: Buffer[] = [];
    const empty = (tag: number) => tlv(tag, Buffer.alloc(0));
    // SNMPv1 has no exceptions in varbinds: a missing object is a noSuchName (2) error.
    const v1Error = (position: number) =>
      encodePdu(
        PDU.response,
        request.requestId,
        request.oids.map((o) => varbind(encodeOidCached(o), empty(TAG.null))),
        2,
        position,
      );
    if (request.pduType === PDU.get) {
      for (const [k, oid] of request.oids.entries()) {
        const index = device.recording.byOid.get(oid);
        if (index !== undefined) out.push(this.#varbind(device, index, now));
        else if (version === 0) return v1Error(k + 1);
        else out.push(varbind(encodeOidCached(oid), empty(TAG.noSuchObject)));
      }
    } else if (request.pduType === PDU.getNext || request.pduType === PDU.getBulk) {
      const bulk = request.pduType === PDU.getBulk;
      const nonRepeaters = bulk ? Math.max(0, request.nonRepeaters) : request.oids.length;
      const repetitions = bulk ? Math.max(0, Math.min(request.maxRepetitions, 200)) : 1;
      let bytes = 0;
      for (const [k, oid] of request.oids.entries()) {
        const count = k < nonRepeaters ? 1 : repetitions;
        let index = nextIndex(device.recording, oid.split('.').map(Number));
        for (let i = 0; i < count && bytes < MAX_RESPONSE_BYTES; i++, index++) {
          if (index >= device.recording.rows.length) {
            if (version === 0) return v1Error(k + 1);
            out.push(varbind(encodeOidCached(oid), empty(TAG.endOfMibView)));
            break;
          }
          const vb = this.#varbind(device, index, now);
          out.push(vb);
          bytes += vb.length;
        }
      }
    } else {
      return undefined;
    }
    return encodePdu(PDU.response, request.requestId, out);
  }

  #device(community: string): SimDevice {
    const device = this.#devices.get(community);
    if (!device) throw new Error(`no simulated device with community ${community}`);
    return device;
  }

  #varbind(device: SimDevice, index: number, now: number): Buffer {
    const rec = device.recording;
    const forced = this.values.active ? this.values.lookup(device, index) : undefined;
    if (forced) return varbind(rec.oidBer[index]!, forced);
    const staticValue = rec.staticBer[index];
    if (staticValue) return varbind(rec.oidBer[index]!, staticValue);
    const row = rec.rows[index]!;
    const elapsedMs = Math.max(0, now - device.bootMs);
    let value: Buffer;
    if (row.oid === SYS_NAME) value = tlv(TAG.octets, device.sysName ?? (row.value as Buffer));
    else if (row.oid === SYS_UPTIME)
      value = encodeUnsigned(TAG.timeticks, BigInt((device.fresh ? 0 : Number(row.value)) + Math.floor(elapsedMs / 10)) % WRAP32);
    else {
      const override = device.overrides?.get(index);
      const rate = rec.ratePerSecond[index]! * device.rateFactor;
      const base = override ? override.value : device.fresh ? 0n : BigInt(row.value as number | bigint);
      const since = override ? Math.max(0, now - override.atMs) : elapsedMs;
      const raw = base + BigInt(Math.floor((rate * since) / 1000));
      value = encodeUnsigned(row.type === 70 ? TAG.counter64 : TAG.counter32, raw % (row.type === 70 ? WRAP64 : WRAP32));
    }
    return varbind(rec.oidBer[index]!, value);
  }
}

const oidCache = new Map<string, Buffer>();
function encodeOidCached(oid: string): Buffer {
  let ber = oidCache.get(oid);
  if (!ber) {
    if (oidCache.size > 10_000) oidCache.clear();
    oidCache.set(oid, (ber = encodeOid(oid)));
  }
  return ber;
}
