// @vitest-environment node
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log.js';
import { DiskSpool, type SpoolOptions } from './spool.js';

const dirs: string[] = [];
const spools: DiskSpool[] = [];
const log = createLogger({ level: 'silent' });
const lines = (from: number, n: number, tag = 'a'): string[] =>
  Array.from({ length: n }, (_, i) => `m,t=${tag} v=${from + i}i ${1_700_000_000_000 + from + i}`);

function open(dir: string, options: Partial<SpoolOptions> = {}, events: SpoolOptions['events'] = {}): DiskSpool {
  const spool = new DiskSpool({
    dir,
    maxBytes: 1 << 20,
    segmentBytes: 4096,
    fsyncIntervalMs: 10_000,
    maxMemoryPoints: 1000,
    log,
    events,
    ...options,
  });
  spools.push(spool);
  return spool;
}

function newDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'callboard-spool-'));
  dirs.push(dir);
  return dir;
}

/** Peek and ack everything, `batch` points at a time, as the write loop does. */
function drain(spool: DiskSpool, batch = 7): string[] {
  const out: string[] = [];
  for (let b = spool.peek(batch); b.length > 0; b = spool.peek(batch)) {
    out.push(...b);
    spool.ack(b.length);
  }
  return out;
}

const segments = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith('seg-'))
    .sort();

afterEach(() => {
  for (const s of spools.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('DiskSpool', () => {
  it('gives back what was pushed, in order, across records split into batches and segment files; acked segments are removed', () => {
    const dir = newDir();
    const spool = open(dir, { segmentBytes: 2048 });
    const pushed: string[] = [];
    for (let i = 0; i < 60; i++) {
      const batch = lines(i * 10, 1 + (i % 10));
      pushed.push(...batch);
      expect(spool.push(batch, 1000 + i)).toBe(0);
    }
    expect(spool.size).toBe(pushed.length);
    expect(segments(dir).length).toBeGreaterThan(3);
    expect(spool.oldestPushedAt()).toBe(1000);
    expect(drain(spool)).toEqual(pushed);
    expect([spool.size, spool.headSeq, spool.tailSeq]).toEqual([0, pushed.length, pushed.length]);
    expect(segments(dir)).toHaveLength(1); // the one being appended to
    expect(statSync(join(dir, 'cursor')).size).toBe(64); // rewritten in place on every ack
  });

  it('replays after a restart from the last ack, including a record that was half acked', () => {
    const dir = newDir();
    const first = open(dir);
    first.push(lines(0, 10), 1);
    first.push(lines(10, 10), 2);
    const b = first.peek(13);
    first.ack(b.length);
    first.push(lines(20, 5), 3);
    // no close(): as after kill -9, only what write() put in the files is there
    const second = open(dir);
    expect(second.size).toBe(12);
    expect(second.oldestPushedAt()).toBe(2);
    expect(drain(second, 5)).toEqual([...lines(10, 10).slice(3), ...lines(20, 5)]);
    second.push(lines(30, 2), 4);
    const third = open(dir);
    expect(drain(third)).toEqual(lines(30, 2));
  });

  it('skips and counts a torn last record (the process died mid-write); the records before it are replayed', () => {
    const dir = newDir();
    const first = open(dir);
    first.push(lines(0, 4), 1);
    first.push(lines(4, 4), 2);
    first.close();
    const [segment] = segments(dir);
    const path = join(dir, segment!);
    truncateSync(path, statSync(path).size - 5);
    const damaged: number[] = [];
    const second = open(dir, {}, { damaged: (records, points) => damaged.push(records, points ?? -1) });
    expect(damaged).toEqual([1, 4]);
    expect(drain(second)).toEqual(lines(0, 4));
    // garbage appended after a good record is also caught by the checksum
    second.push(lines(8, 2), 3);
    second.close();
    appendFileSync(join(dir, segments(dir).at(-1)!), Buffer.from([20, 0, 0, 0, 1, 2, 3, 4, 49, 32, 49, 10, 91, 93]));
    const counted: number[] = [];
    const third = open(dir, {}, { damaged: (records) => counted.push(records) });
    expect(counted).toEqual([1]);
    expect(drain(third)).toEqual(lines(8, 2));
  });

  it('at maxBytes keeps new points in memory (not durable), moves them to disk as room frees, drops the oldest beyond maxMemoryPoints', () => {
    const dir = newDir();
    const dropped: [number, number][] = [];
    const spool = open(dir, { maxBytes: 400, maxMemoryPoints: 12 }, { dropped: (n, below) => dropped.push([n, below]) });
    expect(spool.push(lines(0, 5), 1)).toBe(0);
    expect(spool.memoryPoints).toBe(0);
    expect(spool.push(lines(5, 5), 2)).toBe(0);
    expect(spool.push(lines(10, 5), 3)).toBe(0);
    expect(spool.memoryPoints).toBeGreaterThan(0);
    const durableBefore = spool.durableSeq;
    spool.sync();
    expect(spool.durableSeq).toBeLessThan(spool.tailSeq); // what is in memory is not durable
    expect(spool.durableSeq).toBeGreaterThanOrEqual(durableBefore);
    const memoryBefore = spool.memoryPoints;
    const lost = spool.push(lines(15, 10), 4);
    expect(lost).toBeGreaterThan(0);
    expect(dropped).toEqual([[lost, expect.any(Number)]]);
    expect(spool.memoryPoints).toBe(memoryBefore + 10 - lost);
    const got = drain(spool, 3);
    expect(got.length).toBe(25 - lost);
    expect(got.slice(-10)).toEqual(lines(15, 10)); // the newest survive, in order
    // `below` bounds the sequence numbers of what was dropped, tightly (what a flush's caller is judged by).
    const missing = lines(0, 25).flatMap((line, seq) => (got.includes(line) ? [] : [seq]));
    expect(missing).toHaveLength(lost);
    expect(dropped[0]![1]).toBe(Math.max(...missing) + 1);
    expect(spool.memoryPoints).toBe(0);
  });

  it('never drops the records of a batch being written from memory, however many it spans', () => {
    const dir = newDir();
    symlinkSync('/dev/full', join(dir, 'seg-0000000000000001.log')); // every append fails: all in memory
    const spool = open(dir, { maxMemoryPoints: 6 });
    spool.push(lines(0, 2), 1);
    spool.push(lines(2, 2), 2);
    spool.push(lines(4, 2), 3);
    expect(spool.peek(5)).toEqual(lines(0, 5)); // spans three records
    expect(spool.push(lines(6, 2), 4)).toBe(2); // over the bound, and every older record is in the batch: the new one goes
    spool.ack(5);
    spool.push(lines(8, 1), 5);
    expect(drain(spool)).toEqual([...lines(5, 1), ...lines(8, 1)]);
  });

  it('a disk that refuses writes (ENOSPC from /dev/full): points wait in memory and are still delivered; no exception', () => {
    const dir = newDir();
    // Not a regular file, so not a segment to replay; but it is the name the first new segment gets.
    symlinkSync('/dev/full', join(dir, 'seg-0000000000000001.log'));
    const spool = open(dir);
    expect(spool.push(lines(0, 3), 1)).toBe(0);
    expect(spool.diskError).toMatch(/^ENOSPC/);
    expect(spool.memoryPoints).toBe(3);
    expect(drain(spool)).toEqual(lines(0, 3));
  });
});
