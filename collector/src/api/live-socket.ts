import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../lib/log.js';
import type { LiveHub } from '../outputs/live/hub.js';
import type { LiveSeries, LiveStore } from '../outputs/live/store.js';
import type { ApiGuard } from './security.js';
import { parseMeasurementFilter } from './http.js';

export const LIVE_PROTOCOL = 'callboard.v1';
const HEARTBEAT_MS = 5000;
/** A client this far behind is too slow for a live feed; it is dropped and may reconnect for a fresh snapshot. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface LiveSocketOptions {
  store: LiveStore;
  hub: LiveHub;
  log: Logger;
  /** Rate limit, origin allow-list and a read token, checked before the upgrade. */
  guard: Pick<ApiGuard, 'checkUpgrade'>;
  maxUpdatesPerSecond: number;
}

/** The ws endpoint /live. Message schema: collector/src/api/README.md. */
export class LiveSocket {
  readonly #wss: WebSocketServer;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #log: Logger;

  constructor(private readonly options: LiveSocketOptions) {
    this.#log = options.log.child({ component: 'live' });
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: 4096,
      handleProtocols: (protocols) => (protocols.has(LIVE_PROTOCOL) ? LIVE_PROTOCOL : false),
    });
    this.#heartbeat = setInterval(() => this.#beat(), HEARTBEAT_MS).unref();
  }

  get clientCount(): number {
    return this.#wss.clients.size;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refusal = this.options.guard.checkUpgrade(request);
    if (refusal) {
      const body = JSON.stringify({ error: refusal.error, code: refusal.code });
      const headers = Object.entries(refusal.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.end(
        `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n${headers.join('')}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#serve(ws, request));
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    for (const client of this.#wss.clients) client.close(1001, 'collector stopping');
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #serve(ws: WebSocket, request: IncomingMessage): void {
    const filter = parseMeasurementFilter(new URL(request.url ?? '/', 'http://localhost').searchParams.get('measurements') ?? undefined);
    const alive = { value: true };
    ws.on('pong', () => (alive.value = true));
    (ws as WebSocket & { alive?: typeof alive }).alive = alive;
    const send = (message: object) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        this.#log.warn({ code: 'CALLBOARD_SLOW_CLIENT' }, 'live client too slow: disconnected');
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(message));
    };
    send({ type: 'hello', version: 1, serverTime: Date.now(), maxUpdatesPerSecond: this.options.maxUpdatesPerSecond, heartbeatMs: HEARTBEAT_MS });
    send({ type: 'snapshot', serverTime: Date.now(), series: this.options.store.all(filter) });
    const remove = this.options.hub.add((series: LiveSeries) => {
      if (!filter || filter.has(series.measurement)) send({ type: 'update', serverTime: Date.now(), series });
    });
    ws.on('close', remove);
    ws.on('error', () => ws.terminate());
    // The feed is one-way; anything a client sends is ignored.
  }

  #beat(): void {
    const message = JSON.stringify({ type: 'heartbeat', serverTime: Date.now() });
    for (const ws of this.#wss.clients) {
      const alive = (ws as WebSocket & { alive?: { value: boolean } }).alive;
      if (alive && !alive.value) {
        ws.terminate();
        continue;
      }
      if (alive) alive.value = false;
      ws.ping();
      if (ws.readyState === ws.OPEN) ws.send(message);
    }
  }
}
