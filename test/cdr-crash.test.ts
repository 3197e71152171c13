// kill -9 of the collector's cdr input in the middle of a large file, and again just after a
// rename-and-reopen rotation: after each restart the totals are exact (nothing lost, nothing
// counted twice). The input runs in a child process with a sink that fsyncs a JSON-lines file
// on flush, standing in for InfluxDB: it keeps the last value of each series and time, as
// InfluxDB does.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callboardJson, ROOT, RUN_INPUT, type SimJson } from '../collector/src/inputs/cdr/testing/e2e-support.js';

const TZ = 'America/New_York';
const children: ChildProcess[] = [];

function startInput(config: object, stateDir: string, out: string): { child: ChildProcess; flushes: () => number } {
  const child = spawn(process.execPath, ['--import', 'tsx', RUN_INPUT, JSON.stringify(config), stateDir, out, TZ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  let flushes = 0;
  child.stdout!.on('data', (chunk: Buffer) => (flushes += chunk.toString().split('flushed').length - 1));
  return { child, flushes: () => flushes };
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

interface Stored {
  days: Map<number, Record<string, number>>;
  callsByDay: Map<number, { calls: number; billableMs: number }>;
  raw: number;
}

/** What InfluxDB would hold: the last write of each series+time wins. */
function stored(out: string, dayStarts: number[]): Stored {
  const points = new Map<string, { measurement: string; time: number; fields: Record<string, number> }>();
  let raw = 0;
  if (existsSync(out)) {
    const text = readFileSync(out, 'utf8');
    // Up to the last line break: a line being written (or torn by the kill) is not stored yet.
    for (const line of text.slice(0, text.lastIndexOf('\n') + 1).split('\n')) {
      if (!line) continue;
      const m = JSON.parse(line);
      raw += m.measurement === 'cdr_call' ? 1 : 0;
      points.set(`${m.measurement}|${JSON.stringify(m.tags)}|${m.time}`, m);
    }
  }
  const days = new Map<number, Record<string, number>>();
  const callsByDay = new Map<number, { calls: number; billableMs: number }>();
  for (const p of points.values()) {
    if (p.measurement === 'cdr_day') days.set(p.time, p.fields);
    if (p.measurement !== 'cdr_call') continue;
    const day = dayStarts.findLast((s) => s <= p.time)!;
    const entry = callsByDay.get(day) ?? { calls: 0, billableMs: 0 };
    entry.calls += p.fields.calls!;
    entry.billableMs += p.fields.billable_ms!;
    callsByDay.set(day, entry);
  }
  return { days, callsByDay, raw };
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('cdr input: crash and restart', () => {
  it('kill -9 mid-file and after a rename rotation: totals exact after restarts', async () => {
    const work = mkdtempSync(join(tmpdir(), 'callboard-cdr-crash-'));
    const sim = callboardJson<SimJson>('sim', 'cdr', '--calls-per-day', '60000', '--days', '2', '--start', '2026-11-20', '--format', 'asterisk', '--tz', TZ, '--out', join(work, 'sim'), '--json');
    const dialPlan = JSON.parse(JSON.stringify((await import('yaml')).parse(readFileSync(sim.dialPlan, 'utf8'))));
    const watched = join(work, 'cdr');
    mkdirSync(watched);
    const master = join(watched, 'Master.csv');
    copyFileSync(sim.files[0]!, master);
    const config = { type: 'cdr', name: 'pbx1', paths: [master], format: 'asterisk', pollInterval: 10, maxBatchBytes: 65_536, ...dialPlan };
    const state = join(work, 'state');
    const out = join(work, 'points.jsonl');
    const dayStarts = ['2026-11-20T05:00:00Z', '2026-11-21T05:00:00Z', '2026-11-22T05:00:00Z'].map(Date.parse);

    // 1. Killed in the middle of the first day's file.
    let run = startInput(config, state, out);
    await until('a few batches', () => run.flushes() >= 15);
    await kill9(run.child);
    const partial = stored(out, dayStarts).days.get(dayStarts[0]!)?.calls ?? 0;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(60_000);

    // 2. Rotation while it is down: the old file is renamed, the second day's file takes its name.
    renameSync(master, `${master}.1`);
    copyFileSync(sim.files[1]!, master);
    run = startInput(config, state, out);
    // Both files are read a batch (64 KiB) at a time: stop a third of the way through.
    await until('batches after the rotation', () => run.flushes() >= 100);
    await kill9(run.child);
    const second = stored(out, dayStarts).days.get(dayStarts[1]!)?.calls ?? 0;
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThan(60_000);

    // 3. Restart and let it catch up.
    run = startInput(config, state, out);
    const [dayOne, dayTwo] = sim.days;
    await until('both days complete', () => {
      const s = stored(out, dayStarts);
      return s.days.get(dayStarts[0]!)?.calls === dayOne!.calls && s.days.get(dayStarts[1]!)?.calls === dayTwo!.calls;
    });
    await new Promise((r) => setTimeout(r, 300)); // anything counted twice would show up now
    await kill9(run.child);

    const s = stored(out, dayStarts);
    for (const [i, expected] of sim.days.entries()) {
      expect(s.days.get(dayStarts[i]!)).toMatchObject({ calls: expected.calls, answered: expected.answered, billable_ms: expected.billableSeconds * 1000 });
    }
    // Per-call points sit at each call's end (some after midnight): over all of them, every call once.
    const perCall = [...s.callsByDay.values()].reduce((a, d) => ({ calls: a.calls + d.calls, billableMs: a.billableMs + d.billableMs }), { calls: 0, billableMs: 0 });
    expect(perCall).toEqual({ calls: dayOne!.calls + dayTwo!.calls, billableMs: (dayOne!.billableSeconds + dayTwo!.billableSeconds) * 1000 });
    // Batches after each crash were written again (at-least-once), and landed on the same points.
    expect(s.raw).toBeGreaterThanOrEqual(120_000);
    rmSync(work, { recursive: true, force: true });
  }, 180_000);
});
