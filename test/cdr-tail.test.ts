// The cdr input tailing files in-process: rotation by rename and by truncation, a partial last
// line, and garbage lines going to quarantine while the good ones are counted.
import { Registry } from 'prom-client';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cdrConfigSchema } from '../collector/src/inputs/cdr/config.js';
import { CdrInput } from '../collector/src/inputs/cdr/input.js';
import { createLogger } from '../collector/src/lib/log.js';
import type { Metric } from '../collector/src/pipeline/metric.js';

/** A Kamailio acc_cdrs line: one answered call of `seconds` starting at `start` (epoch s). */
const cdr = (start: number, seconds: number, dst = '2125550100') => `${start}|${start + seconds}|${seconds}.000000|3125550100|${dst}|trunk-a\n`;
const T0 = Math.floor(Date.parse('2026-11-24T15:00:00Z') / 1000);

function harness(paths: string[], extra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'callboard-cdr-tail-'));
  const emitted: Metric[] = [];
  let flushes = 0;
  const make = () =>
    new CdrInput(cdrConfigSchema.parse({ type: 'cdr', name: 'ss1', paths, format: 'kamailio', ...extra }), {
      log: createLogger({ level: 'silent' }),
      registry: new Registry(),
      stateDir: join(dir, 'state'),
      timezone: 'America/New_York',
      flush: async () => void (flushes += 1),
    });
  let input = make();
  const start = async () => input.start((m) => void emitted.push(...m));
  const day = () => [...emitted].reverse().find((m) => m.measurement === 'cdr_day' && m.time === Date.parse('2026-11-24T05:00:00Z'))?.fields;
  return {
    dir,
    emitted,
    start,
    poll: () => input.pollOnce(),
    restart: async () => {
      await input.stop();
      input = make();
      await start();
    },
    stop: () => input.stop(),
    day,
    flushes: () => flushes,
  };
}

describe('cdr input: tailing', () => {
  it('follows a file renamed by rotation to its end and picks up the new file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'callboard-cdr-rot-'));
    const file = join(root, 'acc_cdrs_129.log');
    writeFileSync(file, cdr(T0, 60) + cdr(T0 + 1, 30));
    const h = harness([file], { pollInterval: '1h' });
    await h.start();
    expect(h.day()).toMatchObject({ calls: 2, billable_ms: 90_000 });
    appendFileSync(file, cdr(T0 + 2, 10)); // written before the rename, not read yet
    renameSync(file, `${file}.1`);
    appendFileSync(`${file}.1`, cdr(T0 + 3, 5)); // the switch still had the old file open
    writeFileSync(file, cdr(T0 + 4, 100));
    await h.poll();
    await h.poll();
    expect(h.day()).toMatchObject({ calls: 5, billable_ms: 205_000 });
    // A restart reads nothing twice.
    await h.restart();
    appendFileSync(file, cdr(T0 + 5, 1));
    await h.poll();
    expect(h.day()).toMatchObject({ calls: 6, billable_ms: 206_000 });
    await h.stop();
  });

  it('starts over when a file is truncated (copytruncate rotation)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'callboard-cdr-trunc-'));
    const file = join(root, 'acc_cdrs_129.log');
    writeFileSync(file, cdr(T0, 60) + cdr(T0 + 1, 60) + cdr(T0 + 2, 60));
    const h = harness([join(root, 'acc_cdrs_*.log')], { pollInterval: '1h' });
    await h.start();
    expect(h.day()).toMatchObject({ calls: 3 });
    truncateSync(file, 0);
    appendFileSync(file, cdr(T0 + 10, 7));
    await h.poll();
    expect(h.day()).toMatchObject({ calls: 4, billable_ms: 187_000 });
    await h.stop();
  });

  it('does not consume a partial last line until its line break arrives', async () => {
    const root = mkdtempSync(join(tmpdir(), 'callboard-cdr-partial-'));
    const file = join(root, 'acc_cdrs_1.log');
    const line = cdr(T0, 42);
    writeFileSync(file, cdr(T0 - 5, 1) + line.slice(0, 17));
    const h = harness([root], { pollInterval: '1h' });
    await h.start();
    expect(h.day()).toMatchObject({ calls: 1, billable_ms: 1000 });
    await h.restart(); // the half line is not in the checkpoint either
    appendFileSync(file, line.slice(17));
    await h.poll();
    expect(h.day()).toMatchObject({ calls: 2, billable_ms: 43_000 });
    await h.stop();
  });

  it('quarantines garbage lines with file, line number and reason; counts them; keeps the good ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'callboard-cdr-garbage-'));
    const file = join(root, 'acc_cdrs_1.log');
    writeFileSync(file, [cdr(T0, 10), 'this is not a CDR\n', cdr(T0 + 1, 20), '1795621534|oops|4.0|a|b|c\n', '\u0000\u0001\u0002\n', cdr(T0 + 2, 30)].join(''));
    const h = harness([file], { pollInterval: '1h' });
    await h.start();
    expect(h.day()).toMatchObject({ calls: 3, billable_ms: 60_000 });
    const quarantined = readFileSync(join(h.dir, 'state', 'cdr-ss1-quarantine.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(quarantined).toEqual([
      expect.objectContaining({ file, line: 2, reason: 'expected "|"-separated acc fields, got 1 field(s)', text: 'this is not a CDR' }),
      expect.objectContaining({ file, line: 4, reason: 'field 2 (end_time): not a time: "oops"' }),
      expect.objectContaining({ file, line: 5, text: '\u0000\u0001\u0002' }),
    ]);
    const rejected = h.emitted.filter((m) => m.measurement === 'cdr_rejected');
    expect(rejected.at(-1)).toMatchObject({ tags: { source: 'ss1' }, fields: { lines: 3, last_file: file, last_line: 5 } });
    // The count survives a restart.
    appendFileSync(file, 'more garbage\n');
    await h.restart();
    expect(h.emitted.filter((m) => m.measurement === 'cdr_rejected').at(-1)?.fields.lines).toBe(4);
    await h.stop();
  });
});

describe('cdr input: sink outage', () => {
  it('reads nothing more until a failed flush succeeds, then checkpoints', async () => {
    const root = mkdtempSync(join(tmpdir(), 'callboard-cdr-outage-'));
    const file = join(root, 'acc_cdrs_1.log');
    writeFileSync(file, cdr(T0, 10));
    const state = join(root, 'state');
    let down = false;
    const emitted: Metric[] = [];
    const input = new CdrInput(cdrConfigSchema.parse({ type: 'cdr', name: 'ss1', paths: [file], format: 'kamailio', pollInterval: '1h' }), {
      log: createLogger({ level: 'silent' }),
      registry: new Registry(),
      stateDir: state,
      timezone: 'America/New_York',
      flush: async () => {
        if (down) throw new Error('InfluxDB unreachable');
      },
    });
    await input.start((m) => void emitted.push(...m));
    const checkpoint = () => JSON.parse(readFileSync(join(state, 'cdr-ss1.json'), 'utf8')).files[0].offset;
    const firstOffset = checkpoint();
    down = true;
    appendFileSync(file, cdr(T0 + 1, 20));
    await expect(input.pollOnce()).rejects.toThrow('InfluxDB unreachable');
    expect(checkpoint()).toBe(firstOffset);
    appendFileSync(file, cdr(T0 + 2, 30));
    const before = emitted.length;
    await expect(input.pollOnce()).rejects.toThrow('InfluxDB unreachable');
    expect(emitted.length).toBe(before); // nothing new read while the sink is down
    down = false;
    await input.pollOnce();
    const day = [...emitted].reverse().find((m) => m.measurement === 'cdr_day')?.fields;
    expect(day).toMatchObject({ calls: 3, billable_ms: 60_000 });
    expect(checkpoint()).toBe(readFileSync(file).length);
    await input.stop();
  });
});

describe('cdr input: file identity', () => {
  it('reads a file replaced under the same inode from the start, and a growing one only once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'callboard-cdr-inode-'));
    const file = join(root, 'acc_cdrs_1.log');
    writeFileSync(file, cdr(T0, 1));
    const h = harness([file], { pollInterval: '1h' });
    await h.start();
    for (let i = 1; i < 5; i++) {
      appendFileSync(file, cdr(T0 + i, 1)); // the head grows past its first bytes: still the same file
      await h.poll();
    }
    expect(h.day()).toMatchObject({ calls: 5 });
    // Same inode, new content longer than what was read: a different file.
    writeFileSync(file, Array.from({ length: 8 }, (_, i) => cdr(T0 + 100 + i, 2, '6465550100')).join(''));
    await h.poll();
    expect(h.day()).toMatchObject({ calls: 13, billable_ms: 21_000 });
    await h.stop();
  });
});
