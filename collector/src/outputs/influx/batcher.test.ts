// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Metric } from '../../pipeline/metric.js';
import { backoffDelay, Batcher, FlushTimeoutError, Gate, type BatcherListener, type BatchTransport, type WriteOutcome } from './batcher.js';
import { MemoryQueue } from './queue.js';

const points = (from: number, n: number): Metric[] =>
  Array.from({ length: n }, (_, i) => ({ measurement: 'm', tags: {}, fields: { v: from + i }, time: from + i }));
const values = (ms: readonly Metric[]) => ms.map((m) => m.fields.v as number);

interface Call {
  points: readonly Metric[];
  at: number;
  answer: (outcome: WriteOutcome) => void;
}

/** Records every write; answers with `auto` if set, else the test answers by hand. */
class FakeTransport implements BatchTransport<Metric> {
  calls: Call[] = [];
  auto?: (points: readonly Metric[], call: number) => WriteOutcome;
  write(batch: readonly Metric[]): Promise<WriteOutcome> {
    return new Promise((answer) => {
      this.calls.push({ points: batch, at: Date.now(), answer });
      if (this.auto) answer(this.auto(batch, this.calls.length - 1));
    });
  }
}

function recorder() {
  const events: string[] = [];
  const listener: BatcherListener<Metric> = {
    attempted: (_ms, o, n) => events.push(`attempt ${o.kind} ${n}`),
    settled: (ps, o) => events.push(`settled ${ps.length}${o.kind === 'rejected' ? ` rejected ${o.rejected}` : ''}`),
    retrying: (_o, attempt, delay) => events.push(`retry #${attempt} in ${delay}`),
    recovered: (failed) => events.push(`recovered after ${failed}`),
    needsSetup: () => events.push('needs setup'),
  };
  return { events, listener };
}

function setup(options: { batchSize?: number; flushIntervalMs?: number; random?: () => number; gateOpen?: boolean } = {}) {
  const queue = new MemoryQueue<Metric>(1000);
  const transport = new FakeTransport();
  const gate = new Gate();
  if (options.gateOpen !== false) gate.open();
  const { events, listener } = recorder();
  const batcher = new Batcher({
    queue,
    transport,
    listener,
    gate,
    batchSize: options.batchSize ?? 10,
    flushIntervalMs: options.flushIntervalMs ?? 1000,
    retry: { initialMs: 100, maxMs: 1000 },
    random: options.random ?? (() => 1),
  });
  const push = (ps: Metric[]) => {
    queue.push(ps, Date.now());
    batcher.notify();
  };
  batcher.start();
  return { queue, transport, gate, events, batcher, push };
}

const tick = () => vi.advanceTimersByTimeAsync(0);

describe('Batcher', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes as soon as batchSize points are queued, in batches of batchSize', async () => {
    const t = setup();
    t.transport.auto = () => ({ kind: 'written' });
    t.push(points(0, 25));
    await tick();
    expect(t.transport.calls.map((c) => values(c.points))).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
    ]);
    // the last 5 wait for the flush interval, counted from when they were queued
    await vi.advanceTimersByTimeAsync(999);
    expect(t.transport.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(values(t.transport.calls[2]!.points)).toEqual([20, 21, 22, 23, 24]);
    t.batcher.stop();
  });

  it('writes a partial batch once its oldest point has waited flushInterval', async () => {
    const t = setup();
    t.transport.auto = () => ({ kind: 'written' });
    t.push(points(0, 2));
    await vi.advanceTimersByTimeAsync(600);
    t.push(points(2, 2));
    await vi.advanceTimersByTimeAsync(399);
    expect(t.transport.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.transport.calls.map((c) => [c.at - 1_000_000, values(c.points)])).toEqual([[1000, [0, 1, 2, 3]]]);
    t.batcher.stop();
  });

  it('has one write in flight at a time, in order', async () => {
    const t = setup();
    t.push(points(0, 30));
    await tick();
    expect(t.transport.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.transport.calls).toHaveLength(1);
    t.transport.calls[0]!.answer({ kind: 'written' });
    await tick();
    expect(t.transport.calls).toHaveLength(2);
    expect(values(t.transport.calls[1]!.points)[0]).toBe(10);
    t.transport.calls[1]!.answer({ kind: 'written' });
    await tick();
    t.transport.calls[2]!.answer({ kind: 'written' });
    await tick();
    expect(t.events.filter((e) => e.startsWith('settled'))).toEqual(['settled 10', 'settled 10', 'settled 10']);
    t.batcher.stop();
  });

  it('retries the same batch with exponential backoff up to max until it is written', async () => {
    const t = setup();
    t.transport.auto = (_ps, call) => (call < 6 ? { kind: 'retry', message: 'ECONNREFUSED' } : { kind: 'written' });
    t.push(points(0, 10));
    t.push(points(10, 5));
    await vi.advanceTimersByTimeAsync(10_000);
    const first = t.transport.calls[0]!;
    // random() = 1: the full delay, 100 200 400 800 then capped at 1000
    expect(t.transport.calls.slice(0, 7).map((c) => c.at - first.at)).toEqual([0, 100, 300, 700, 1500, 2500, 3500]);
    expect(t.transport.calls.slice(0, 7).every((c) => c.points === first.points)).toBe(true);
    expect(t.events.slice(0, 14)).toEqual([
      'attempt retry 10',
      'retry #1 in 100',
      'attempt retry 10',
      'retry #2 in 200',
      'attempt retry 10',
      'retry #3 in 400',
      'attempt retry 10',
      'retry #4 in 800',
      'attempt retry 10',
      'retry #5 in 1000',
      'attempt retry 10',
      'retry #6 in 1000',
      'attempt written 10',
      'recovered after 6',
    ]);
    expect(values(t.transport.calls[7]!.points)).toEqual([10, 11, 12, 13, 14]);
    t.batcher.stop();
  });

  it('on a 4xx rejection counts the refused points and moves on', async () => {
    const t = setup();
    t.transport.auto = (_ps, call) =>
      call === 0 ? { kind: 'rejected', rejected: 2, status: 400, message: 'partial write: … dropped=2' } : { kind: 'written' };
    t.push(points(0, 20));
    await tick();
    expect(t.events).toEqual(['attempt rejected 10', 'settled 10 rejected 2', 'attempt written 10', 'settled 10']);
    t.batcher.stop();
  });

  it('splits a batch that is too large', async () => {
    const t = setup({ batchSize: 8 });
    t.transport.auto = (ps) => (ps.length > 3 ? { kind: 'too-large', status: 413, message: 'too large' } : { kind: 'written' });
    t.push(points(0, 8));
    await tick();
    expect(t.transport.calls.map((c) => c.points.length)).toEqual([8, 4, 2, 2, 4, 2, 2]);
    expect(t.events.filter((e) => e.startsWith('settled'))).toEqual(['settled 2', 'settled 2', 'settled 2', 'settled 2']);
    t.batcher.stop();
  });

  it('asks for setup when the database is missing, and writes nothing while the gate is closed', async () => {
    const t = setup({ gateOpen: false });
    t.push(points(0, 10));
    await vi.advanceTimersByTimeAsync(5000);
    expect(t.transport.calls).toHaveLength(0);
    t.transport.auto = (_ps, call) =>
      call === 0 ? { kind: 'retry', status: 404, message: 'database not found', needsSetup: true } : { kind: 'written' };
    t.gate.open();
    await tick();
    expect(t.events.slice(0, 2)).toEqual(['attempt retry 10', 'needs setup']);
    await vi.advanceTimersByTimeAsync(100);
    expect(t.events.at(-1)).toBe('settled 10');
    t.batcher.stop();
  });

  it('flush() resolves once everything queued before it is written, at once, without waiting for the interval', async () => {
    const t = setup({ flushIntervalMs: 60_000 });
    await expect(t.batcher.flush(1000)).resolves.toBeUndefined();
    t.push(points(0, 3));
    let flushed = false;
    const flush = t.batcher.flush(1000).then(() => (flushed = true));
    await tick();
    expect(t.transport.calls).toHaveLength(1);
    t.push(points(3, 3)); // after the flush() call: not waited for
    await tick();
    expect(flushed).toBe(false);
    t.transport.calls[0]!.answer({ kind: 'written' });
    await flush;
    expect(t.batcher.pending).toBe(3);
    t.batcher.stop();
  });

  it('flush() rejects after its timeout while InfluxDB is down; the points stay queued and are written later', async () => {
    const t = setup();
    let down = true;
    t.transport.auto = () => (down ? { kind: 'retry', message: 'ECONNREFUSED' } : { kind: 'written' });
    t.push(points(0, 5));
    const flush = t.batcher.flush(3000);
    const outcome = expect(flush).rejects.toThrow(FlushTimeoutError);
    await vi.advanceTimersByTimeAsync(3000);
    await outcome;
    await expect(flush).rejects.toMatchObject({ pending: 5, timeoutMs: 3000 });
    down = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.events.slice(-2)).toEqual(['recovered after 6', 'settled 5']);
    expect(t.batcher.pending).toBe(0);
    t.batcher.stop();
  });

  it('stop() ends the loop and says what was not written (the batch in flight stays queued)', async () => {
    const t = setup();
    t.transport.auto = () => ({ kind: 'retry', message: 'ECONNREFUSED' });
    t.push(points(0, 25));
    const flush = t.batcher.flush(60_000);
    const rejected = expect(flush).rejects.toThrow(/stopped/);
    await vi.advanceTimersByTimeAsync(2000);
    const calls = t.transport.calls.length;
    const result = t.batcher.stop();
    await rejected;
    expect(result.inFlight).toBe(10);
    expect(result.unwritten).toBe(25);
    expect(values(t.queue.peek(100))).toEqual(Array.from({ length: 25 }, (_, i) => i));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.transport.calls).toHaveLength(calls);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially from initial to max, jittered between half and all of it', () => {
    const policy = { initialMs: 250, maxMs: 30_000 };
    expect([0, 1, 2, 3, 6, 7, 20, 1000].map((n) => backoffDelay(n, policy, () => 1))).toEqual([
      250, 500, 1000, 2000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect([0, 1, 7].map((n) => backoffDelay(n, policy, () => 0))).toEqual([125, 250, 15_000]);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(3, policy);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });
});
