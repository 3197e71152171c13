// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { Metric } from '../../pipeline/metric.js';
import { MemoryQueue } from './queue.js';

const points = (from: number, n: number): Metric[] =>
  Array.from({ length: n }, (_, i) => ({ measurement: 'm', tags: {}, fields: { v: from + i }, time: from + i }));
const values = (ms: readonly Metric[]) => ms.map((m) => m.fields.v);
/** Peek and ack: what the write loop does with a batch that was written. */
const take = (q: MemoryQueue<Metric>, n: number): Metric[] => {
  const batch = q.peek(n);
  q.ack(batch.length);
  return batch;
};

describe('MemoryQueue', () => {
  it('is FIFO across pushes and acked batches, with sequence numbers', () => {
    const q = new MemoryQueue<Metric>(100);
    q.push(points(0, 3), 10);
    q.push(points(3, 4), 20);
    expect(q.size).toBe(7);
    expect(q.oldestPushedAt()).toBe(10);
    expect(values(take(q, 2))).toEqual([0, 1]);
    expect(q.oldestPushedAt()).toBe(10);
    expect(values(take(q, 2))).toEqual([2, 3]);
    expect(q.oldestPushedAt()).toBe(20);
    expect([q.headSeq, q.tailSeq, q.size]).toEqual([4, 7, 3]);
    expect(values(take(q, Infinity))).toEqual([4, 5, 6]);
    expect(q.oldestPushedAt()).toBeUndefined();
    expect(take(q, 5)).toEqual([]);
  });

  it('drops the oldest points beyond its bound and says how many', () => {
    const q = new MemoryQueue<Metric>(5);
    expect(q.push(points(0, 3), 1)).toBe(0);
    expect(q.push(points(3, 4), 2)).toBe(2);
    expect(values(take(q, 10))).toEqual([2, 3, 4, 5, 6]);
    expect(q.push(points(10, 8), 3)).toBe(3); // a single push larger than the bound keeps its newest
    expect(values(take(q, Infinity))).toEqual([13, 14, 15, 16, 17]);
    expect([q.headSeq, q.tailSeq]).toEqual([15, 15]);
  });

  it('stays correct across many small chunks (compaction)', () => {
    const q = new MemoryQueue<Metric>(1_000_000);
    for (let i = 0; i < 5000; i++) q.push(points(i * 2, 2), i);
    let next = 0;
    for (;;) {
      const batch = take(q, 333);
      if (batch.length === 0) break;
      for (const v of values(batch)) expect(v).toBe(next++);
    }
    expect(next).toBe(10_000);
  });

  it('never drops a peeked batch (being written): the oldest after it go instead', () => {
    const q = new MemoryQueue<Metric>(4);
    q.push(points(0, 3), 1);
    expect(values(q.peek(2))).toEqual([0, 1]);
    expect(q.push(points(3, 3), 2)).toBe(2);
    q.ack(2);
    expect(values(take(q, 10))).toEqual([4, 5]);
    expect([q.headSeq, q.tailSeq, q.durableSeq]).toEqual([6, 6, 6]);
  });

  it('refuses a nonsensical bound', () => {
    expect(() => new MemoryQueue<Metric>(0)).toThrow(RangeError);
  });
});
