import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveState } from '../data/live';
import { FakeWebSocket } from '../testing/fakeWebSocket';
import { LiveConnection, type LinkStatus } from './connection';

describe('LiveConnection', () => {
  let changes: Array<{ state: LiveState; status: LinkStatus }>;
  let connection: LiveConnection;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    FakeWebSocket.reset();
    changes = [];
    connection = new LiveConnection({
      url: 'ws://collector/live',
      token: 'tok',
      onChange: (state, status) => changes.push({ state, status }),
      WebSocketImpl: FakeWebSocket as unknown as typeof WebSocket,
      random: () => 1,
      backoff: { initialMs: 100, maxMs: 1000 },
    });
  });
  afterEach(() => {
    connection.stop();
    vi.useRealTimers();
  });

  const hello = { type: 'hello', version: 1, serverTime: 1_000_000, maxUpdatesPerSecond: 4, heartbeatMs: 1000 };

  it('connects with the token as subprotocol and folds messages into state', () => {
    connection.start();
    const socket = FakeWebSocket.last();
    expect(socket.protocols).toEqual(['callboard.v1', 'bearer.tok']);
    socket.open();
    socket.send(hello);
    socket.send({
      type: 'update',
      serverTime: 1_000_000,
      series: {
        topic: 'trunk_status,trunk=a',
        measurement: 'trunk_status',
        tags: { trunk: 'a' },
        fields: { state: 'down' },
        time: 999_900,
      },
    });
    const last = changes.at(-1)!;
    expect(last.status).toBe('open');
    expect(last.state.series.get('trunk_status,trunk=a')?.fields.state).toBe('down');
  });

  it('reconnects with growing delays while the collector is away, and resets after success', () => {
    connection.start();
    FakeWebSocket.last().drop();
    expect(changes.at(-1)!.status).toBe('reconnecting');
    vi.advanceTimersByTime(99);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(2);
    FakeWebSocket.last().drop();
    vi.advanceTimersByTime(199);
    expect(FakeWebSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(3);
    FakeWebSocket.last().open();
    FakeWebSocket.last().drop();
    vi.advanceTimersByTime(100);
    expect(FakeWebSocket.instances).toHaveLength(4);
  });

  it('drops a socket that stays open but silent for three heartbeats, and reconnects', () => {
    connection.start();
    const socket = FakeWebSocket.last();
    socket.open();
    socket.send(hello);
    vi.advanceTimersByTime(2500);
    socket.send({ type: 'heartbeat', serverTime: 1_002_500 });
    vi.advanceTimersByTime(3000);
    expect(socket.closed).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(socket.closed).toBe(true);
    expect(changes.at(-1)!.status).toBe('reconnecting');
    vi.advanceTimersByTime(100);
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('stops for good', () => {
    connection.start();
    connection.stop();
    expect(FakeWebSocket.last().closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(changes.at(-1)!.status).toBe('closed');
  });
});

describe('LiveConnection link loss', () => {
  it('reports the link lost (no last message) as soon as the socket closes', () => {
    vi.useFakeTimers({ now: 5000 });
    FakeWebSocket.reset();
    const states: LiveState[] = [];
    const connection = new LiveConnection({
      url: 'ws://c/live',
      token: '',
      onChange: (s) => states.push(s),
      WebSocketImpl: FakeWebSocket as unknown as typeof WebSocket,
    });
    connection.start();
    FakeWebSocket.last().open();
    FakeWebSocket.last().send({ type: 'heartbeat', serverTime: 5000 });
    expect(states.at(-1)!.lastMessageAt).toBe(5000);
    FakeWebSocket.last().drop();
    expect(states.at(-1)!.lastMessageAt).toBeNull();
    connection.stop();
    vi.useRealTimers();
  });
});
