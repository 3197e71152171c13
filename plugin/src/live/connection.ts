import { applyLiveMessage, EMPTY_LIVE_STATE, liveSilent, parseLiveMessage, type LiveState } from '../data/live';
import { DEFAULT_BACKOFF, reconnectDelay, type BackoffPolicy } from './backoff';
import { liveProtocols } from './url';

export type LinkStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface LiveConnectionOptions {
  url: string;
  token: string;
  onChange: (state: LiveState, status: LinkStatus) => void;
  backoff?: BackoffPolicy;
  /** Injected for tests; the browser's WebSocket otherwise. */
  WebSocketImpl?: typeof WebSocket;
  now?: () => number;
  random?: () => number;
  /** How often the heartbeat watchdog looks. */
  watchdogMs?: number;
}

/**
 * One /live subscription that never gives up: reconnects with capped, jittered exponential
 * backoff, and treats a socket that went quiet for three heartbeats as dead (a half-open TCP
 * connection can stay "open" for minutes). A snapshot after each reconnect replaces every series.
 */
export class LiveConnection {
  private socket: WebSocket | null = null;
  private state: LiveState = EMPTY_LIVE_STATE;
  private status: LinkStatus = 'connecting';
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: LiveConnectionOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.connect();
    this.watchdog = setInterval(() => this.checkSilence(), this.options.watchdogMs ?? 1000);
  }

  stop(): void {
    this.closed = true;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
    }
    if (this.watchdog) {
      clearInterval(this.watchdog);
    }
    this.dropSocket();
    this.setStatus('closed');
  }

  private connect(): void {
    if (this.closed) {
      return;
    }
    const Impl = this.options.WebSocketImpl ?? WebSocket;
    let socket: WebSocket;
    try {
      socket = new Impl(this.options.url, liveProtocols(this.options.token));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setStatus('open');
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') {
        return;
      }
      const message = parseLiveMessage(event.data);
      if (!message) {
        return;
      }
      this.state = applyLiveMessage(this.state, message, this.now());
      this.options.onChange(this.state, this.status);
    };
    socket.onclose = () => {
      if (this.socket !== socket) {
        return;
      }
      this.socket = null;
      this.markLinkLost();
      this.scheduleReconnect();
    };
    socket.onerror = () => {
      // onclose follows and schedules the reconnect.
    };
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) {
      return;
    }
    this.setStatus('reconnecting');
    const delay = reconnectDelay(this.attempt++, this.options.backoff ?? DEFAULT_BACKOFF, this.options.random);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private checkSilence(): void {
    if (this.status !== 'open' || !this.socket) {
      return;
    }
    // lastMessageAt is null between open and hello: give the server one period like any other.
    const since = this.state.lastMessageAt;
    if (since !== null && liveSilent(this.state, this.now())) {
      this.dropSocket();
      this.markLinkLost();
      this.scheduleReconnect();
    }
  }

  /** Without a feed we cannot vouch for the data any more: views show it STALE until the next message. */
  private markLinkLost(): void {
    this.state = { ...this.state, lastMessageAt: null };
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
  }

  private setStatus(status: LinkStatus): void {
    if (status === this.status) {
      return;
    }
    this.status = status;
    this.options.onChange(this.state, status);
  }
}
