import { createConnection, type Socket } from 'node:net';

/** A dialog event relayed by Kamailio's evapi module (see collector/src/devstack/kamailio/kamailio.cfg). */
export interface CallEvent {
  event: 'call_attempt' | 'call_answered' | 'call_ended' | 'call_failed';
  /** Seconds since the epoch, microsecond precision, as Kamailio saw the event. */
  ts: number;
  callid?: string;
  gw?: string;
  code?: number;
}

const EVENTS = new Set<CallEvent['event']>(['call_attempt', 'call_answered', 'call_ended', 'call_failed']);

/**
 * Incremental netstring decoder ("<len>:<bytes>,"), evapi's default framing. Bytes arrive in
 * arbitrary chunks; a frame is returned only when complete.
 */
export class NetstringDecoder {
  #buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrameBytes = 64 * 1024) {}

  push(chunk: Buffer): string[] {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    const frames: string[] = [];
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) {
        if (this.#buffer.length > 12) throw new Error('netstring: length prefix too long or missing ":"');
        break;
      }
      const lengthText = this.#buffer.subarray(0, colon).toString('latin1');
      if (!/^\d+$/.test(lengthText)) throw new Error(`netstring: bad length prefix "${lengthText.slice(0, 12)}"`);
      const length = Number(lengthText);
      if (length > this.maxFrameBytes) throw new Error(`netstring: frame of ${length} bytes exceeds ${this.maxFrameBytes}`);
      const end = colon + 1 + length;
      if (this.#buffer.length < end + 1) break;
      if (this.#buffer[end] !== 0x2c) throw new Error('netstring: frame not terminated by ","');
      frames.push(this.#buffer.subarray(colon + 1, end).toString('utf8'));
      this.#buffer = this.#buffer.subarray(end + 1);
    }
    return frames;
  }
}

/** Parses one evapi payload; returns undefined (to be counted) for anything that is not a call event. */
export function parseCallEvent(payload: string): CallEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const ts = typeof v.ts === 'string' ? Number(v.ts) : v.ts;
  if (typeof v.event !== 'string' || !EVENTS.has(v.event as CallEvent['event']) || typeof ts !== 'number' || !Number.isFinite(ts)) return undefined;
  const code = typeof v.code === 'string' ? Number(v.code) : v.code;
  return {
    event: v.event as CallEvent['event'],
    ts,
    ...(typeof v.callid === 'string' ? { callid: v.callid } : {}),
    ...(typeof v.gw === 'string' && v.gw ? { gw: v.gw } : {}),
    ...(typeof code === 'number' && Number.isFinite(code) ? { code } : {}),
  };
}

export interface EvapiHandlers {
  onEvent(event: CallEvent): void;
  onMalformed(reason: string): void;
  onConnected(): void;
  onDisconnected(reason: string): void;
}

/** Keeps one TCP connection to Kamailio's evapi, reconnecting with capped exponential backoff. */
export class EvapiSubscriber {
  #socket: Socket | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #backoffMs: number;
  #stopped = false;
  #connected = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly handlers: EvapiHandlers,
    private readonly backoff = { initialMs: 200, maxMs: 5000 },
  ) {
    this.#backoffMs = backoff.initialMs;
  }

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#socket?.destroy();
    this.#socket = undefined;
  }

  #connect(): void {
    const decoder = new NetstringDecoder();
    const socket = createConnection({ host: this.host, port: this.port });
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.once('connect', () => {
      this.#backoffMs = this.backoff.initialMs;
      this.#connected = true;
      this.handlers.onConnected();
    });
    socket.on('data', (chunk: Buffer) => {
      let frames: string[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        // A broken stream cannot be resynchronised: drop the connection and start clean.
        this.handlers.onMalformed((error as Error).message);
        socket.destroy();
        return;
      }
      for (const frame of frames) {
        const event = parseCallEvent(frame);
        if (event) this.handlers.onEvent(event);
        else this.handlers.onMalformed(`not a call event: ${frame.slice(0, 80)}`);
      }
    });
    socket.once('error', () => {}); // 'close' follows and carries the reconnect
    socket.once('close', (hadError) => {
      if (this.#socket === socket) this.#socket = undefined;
      if (this.#stopped) return;
      // Report losing the connection once, not every failed retry of an outage.
      if (this.#connected) this.handlers.onDisconnected(hadError ? 'connection error' : 'closed by peer');
      this.#connected = false;
      this.#retryTimer = setTimeout(() => this.#connect(), this.#backoffMs);
      this.#backoffMs = Math.min(this.#backoffMs * 2, this.backoff.maxMs);
    });
  }
}
