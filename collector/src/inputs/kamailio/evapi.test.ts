import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EvapiSubscriber, NetstringDecoder, parseCallEvent, type CallEvent } from './evapi.js';

const frame = (s: string) => `${Buffer.byteLength(s)}:${s},`;

describe('NetstringDecoder', () => {
  it('reassembles frames split at any byte and returns several from one chunk', () => {
    const payloads = ['{"event":"call_attempt","ts":1.5}', 'héllo', ''];
    const wire = Buffer.from(payloads.map(frame).join(''));
    for (let cut = 1; cut < wire.length; cut++) {
      const decoder = new NetstringDecoder();
      expect([...decoder.push(wire.subarray(0, cut)), ...decoder.push(wire.subarray(cut))]).toEqual(payloads);
    }
  });

  it('rejects a corrupt stream clearly', () => {
    expect(() => new NetstringDecoder().push(Buffer.from('x1:a,'))).toThrow(/bad length prefix/);
    expect(() => new NetstringDecoder().push(Buffer.from('3:abc;'))).toThrow(/not terminated/);
    expect(() => new NetstringDecoder(10).push(Buffer.from('11:'))).toThrow(/exceeds 10/);
    expect(() => new NetstringDecoder().push(Buffer.from('1234567890123'))).toThrow(/length prefix too long/);
  });
});

describe('parseCallEvent', () => {
  it('accepts the four call events with their details', () => {
    expect(parseCallEvent('{"event":"call_failed","ts":1795624594.571758,"callid":"c1","code":486}')).toEqual({
      event: 'call_failed', ts: 1795624594.571758, callid: 'c1', code: 486,
    });
    expect(parseCallEvent('{"event":"call_answered","ts":"12.5","gw":"sip:127.0.0.1:5070"}')).toEqual({ event: 'call_answered', ts: 12.5, gw: 'sip:127.0.0.1:5070' });
  });

  it.each(['not json', '[]', '{"event":"other","ts":1}', '{"event":"call_ended"}', '{"event":"call_ended","ts":"x"}'])('rejects %s', (payload) => {
    expect(parseCallEvent(payload)).toBeUndefined();
  });
});

describe('EvapiSubscriber', () => {
  let server: Server | undefined;
  let subscriber: EvapiSubscriber | undefined;
  afterEach(async () => {
    subscriber?.stop();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  it('delivers events, drops a corrupt connection and reconnects', async () => {
    const sockets: Socket[] = [];
    server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const events: CallEvent[] = [];
    const malformed: string[] = [];
    let connects = 0;
    subscriber = new EvapiSubscriber('127.0.0.1', port, {
      onEvent: (e) => events.push(e),
      onMalformed: (r) => malformed.push(r),
      onConnected: () => connects++,
      onDisconnected: () => {},
    }, { initialMs: 20, maxMs: 50 });
    subscriber.start();
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(check()).toBe(true);
    };
    await until(() => sockets.length === 1 && connects === 1);
    sockets[0]!.write(frame('{"event":"call_attempt","ts":1}') + frame('{"nope":1}'));
    await until(() => events.length === 1 && malformed.length === 1);
    sockets[0]!.write('x1:a,');
    await until(() => sockets.length === 2 && connects === 2);
    sockets[1]!.write(frame('{"event":"call_answered","ts":2}'));
    await until(() => events.length === 2);
    expect(events.map((e) => e.event)).toEqual(['call_attempt', 'call_answered']);
    for (const s of sockets) s.destroy();
  });
});
