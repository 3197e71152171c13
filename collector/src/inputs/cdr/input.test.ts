// The live cdr input when reading stops partway through a file: an over-long line is quarantined and
// skipped, and any other error leaves nothing counted that the next poll would count again.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../lib/log.js';
import type { Metric } from '../../pipeline/metric.js';
import { cdrConfigSchema } from './config.js';
import { PointsLostError } from '../../pipeline/sink.js';
import { CdrInput } from './input.js';

/** Pieces of text handed over before the injected read error; undefined: no error. */
const failAfterPieces = vi.hoisted(() => ({ value: undefined as number | undefined }));

vi.mock('./read-file.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./read-file.js')>();
  return {
    ...real,
    readCompleteLines: (...args: Parameters<typeof real.readCompleteLines>) => {
      const [fd, offset, onText, ...rest] = args;
      let pieces = 0;
      return real.readCompleteLines(
        fd,
        offset,
        (text, end) => {
          if (failAfterPieces.value !== undefined && pieces === failAfterPieces.value) throw new Error('EIO: i/o error, read');
          pieces += 1;
          onText(text, end);
        },
        ...rest,
      );
    },
  };
});

/** A Kamailio acc_cdrs line: one answered call of `seconds` starting at `start` (epoch s). */
const cdr = (start: number, seconds: number) => `${start}|${start + seconds}|${seconds}.000000|3125550100|2125550100|trunk-a\n`;
const T0 = Math.floor(Date.parse('2026-11-24T15:00:00Z') / 1000);
const DAY = '2026-11-24';

let dir: string | undefined;
afterEach(() => {
  failAfterPieces.value = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function harness(flush: () => Promise<void> = async () => {}) {
  dir = mkdtempSync(join(tmpdir(), 'callboard-cdr-input-'));
  const file = join(dir, 'acc_cdrs.log');
  const state = join(dir, 'state');
  const emitted: Metric[] = [];
  const config = cdrConfigSchema.parse({ type: 'cdr', name: 'ss1', paths: [file], format: 'kamailio', pollInterval: '1h' });
  const make = () =>
    new CdrInput(config, {
      log: createLogger({ level: 'silent' }),
      registry: new Registry(),
      stateDir: state,
      timezone: 'America/New_York',
      flush,
    });
  const dayCalls = () =>
    [...emitted].reverse().find((m) => m.measurement === 'cdr_day' && m.time === Date.parse('2026-11-24T05:00:00Z'))?.fields.calls;
  const quarantined = () =>
    readFileSync(join(state, 'cdr-ss1-quarantine.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; line: number; reason: string; text: string });
  return { file, emitted, make, dayCalls, quarantined };
}

const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => cdr(T0 + from + i, 60)).join('');

describe('cdr input: reading stops partway through a file', () => {
  it('quarantines a line over the line limit and counts the good lines around it once', async () => {
    const h = harness();
    const longLine = `${T0}|${'9'.repeat(5 * 1024 * 1024)}\n`; // over the 4 MB read chunk
    writeFileSync(h.file, lines(0, 100) + longLine + lines(1000, 50));
    const input = h.make();
    await input.start((m) => void h.emitted.push(...m));
    await input.stop();
    expect(h.dayCalls()).toBe(150);
    expect(input.milestones.summary(DAY)?.calls).toBe(150);
    const [rejected, ...more] = h.quarantined();
    expect(more).toEqual([]);
    expect(rejected).toMatchObject({ file: h.file, line: 101, reason: 'line longer than 4194304 bytes' });
    expect(rejected!.text.startsWith(`${T0}|999`)).toBe(true);

    // Ingest goes on past it: the next lines are numbered after it, nothing is read twice.
    appendFileSync(h.file, lines(2000, 10) + 'not a cdr line\n');
    await input.pollOnce();
    expect(h.dayCalls()).toBe(160);
    expect(input.milestones.summary(DAY)?.calls).toBe(160);
    expect(h.quarantined().map((r) => r.line)).toEqual([101, 162]);
  });

  it('after a read error mid-file, the next successful poll leaves the totals equal to the file', async () => {
    const h = harness();
    const calls = 6000; // ~370 KB: several 64 KB pieces
    writeFileSync(h.file, lines(0, calls));
    failAfterPieces.value = 2;
    const input = h.make();
    await input.start((m) => void h.emitted.push(...m)); // the failed first poll is logged, not thrown
    expect(h.emitted).toEqual([]);
    await expect(input.pollOnce()).rejects.toThrow('EIO');

    failAfterPieces.value = undefined;
    await input.pollOnce();
    expect(h.dayCalls()).toBe(calls);
    expect(input.milestones.summary(DAY)?.calls).toBe(calls);
    await input.pollOnce(); // nothing new: nothing more counted
    expect(input.milestones.summary(DAY)?.calls).toBe(calls);

    // An error after a checkpoint rolls back to that checkpoint only.
    appendFileSync(h.file, lines(calls, calls));
    failAfterPieces.value = 3;
    await expect(input.pollOnce()).rejects.toThrow('EIO');
    expect(input.milestones.summary(DAY)?.calls).toBe(calls);
    failAfterPieces.value = undefined;
    await input.pollOnce();
    await input.stop();
    expect(h.dayCalls()).toBe(2 * calls);
    expect(input.milestones.summary(DAY)?.calls).toBe(2 * calls);
    const batches = h.emitted.filter((m) => m.measurement === 'cdr_batch').map((m) => m.fields.calls);
    expect(batches).toEqual([calls, calls]);

    // A restart from the checkpoint agrees.
    const again = h.make();
    const emitted: Metric[] = [];
    await again.start((m) => void emitted.push(...m));
    await again.stop();
    expect(emitted).toEqual([]);
    expect(again.milestones.summary(DAY)?.calls).toBe(2 * calls);
  });

  it('a rejected line of a batch a sink lost is quarantined once when the batch is read again', async () => {
    let lose = false;
    const h = harness(async () => {
      if (!lose) return;
      lose = false;
      throw new PointsLostError('spool and memory full: points dropped');
    });
    writeFileSync(h.file, lines(0, 100) + 'not a cdr line\n');
    const input = h.make();
    await input.start((m) => void h.emitted.push(...m));
    expect(h.quarantined().map((r) => r.line)).toEqual([101]);

    appendFileSync(h.file, lines(1000, 100) + 'still not a cdr line\n' + lines(2000, 10));
    lose = true;
    await expect(input.pollOnce()).rejects.toThrow(PointsLostError);
    // Quarantined before the flush failed, then cut by the rollback: the checkpoint does not cover it.
    expect(h.quarantined().map((r) => r.line)).toEqual([101]);
    await input.pollOnce(); // waits for the sink, then reads the batch again
    await input.stop();
    expect(h.quarantined().map((r) => r.line)).toEqual([101, 202]);
    expect(h.dayCalls()).toBe(210);

    // A crash after quarantining but before the checkpoint: the restart cuts what the checkpoint does not cover.
    appendFileSync(join(dir!, 'state', 'cdr-ss1-quarantine.jsonl'), JSON.stringify({ line: 999 }) + '\n');
    const again = h.make();
    await again.start((m) => void h.emitted.push(...m));
    await again.stop();
    expect(h.quarantined().map((r) => r.line)).toEqual([101, 202]);
  });
});
