/** A scriptable stand-in for the browser WebSocket: tests open, feed and close it by hand. */
export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;

  constructor(
    readonly url: string,
    readonly protocols: string[]
  ) {
    FakeWebSocket.instances.push(this);
  }

  static reset(): void {
    FakeWebSocket.instances = [];
  }

  static last(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (!socket) {
      throw new Error('no socket was opened');
    }
    return socket;
  }

  open(): void {
    this.onopen?.(new Event('open'));
  }

  send(message: object): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(message) }));
  }

  /** The server went away. */
  drop(): void {
    this.closed = true;
    this.onclose?.(new CloseEvent('close'));
  }

  close(): void {
    this.closed = true;
  }
}
