import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Metric } from '../../pipeline/metric.js';
import { DialPlan, dialPlanSchema } from './dialplan.js';
import { CdrEngine } from './engine.js';
import type { CdrFormat } from './formats/index.js';
import { readCompleteLines } from './read-file.js';
import { CdrFileReader, newReadOutput } from './reader.js';
import { simDialPlan, simulateDay } from './sim/generate.js';
import { Random } from './sim/random.js';
import { writeDay, type SimFormat } from './sim/writers.js';
import { Zone } from './zone.js';

export interface CdrThroughput {
  format: string;
  lines: number;
  bytes: number;
  /** Full ingest: read, split, parse, merge legs, classify, count, build per-call points. Per CPU second (one core). */
  ingestLinesPerSecond: number;
  /**
   * The plain read-and-split of the file, the way a Node program reads a file into lines: the faster
   * of `readline` over a read stream and `readFileSync` + `split('\n')`. The reference.
   */
  baselineLinesPerSecond: number;
  /** ingest / baseline (goal ≥ 0.25). */
  ratio: number;
  /**
   * A much faster split than the plain one: the ingest's own reader (4 MB reads, 64 KB pieces) with
   * each piece split into lines and thrown away — about the cost of decoding the bytes. Shown for comparison.
   */
  pieceSplitLinesPerSecond: number;
  /** ingest / pieceSplit. */
  pieceRatio: number;
  /** A second reference: read, split into lines, and each line split into fields on the delimiter. */
  fieldSplitLinesPerSecond: number;
}

function readFirstLine(fd: number): string {
  const buffer = Buffer.alloc(4096);
  const got = readSync(fd, buffer, 0, buffer.length, 0);
  return buffer.toString('utf8', 0, got).split('\n')[0] ?? '';
}

/**
 * The least of RUNS measurements: other work on the machine only ever adds time, so the least is
 * the closest to the code's own cost. Ingest and both references are measured the same way.
 */
const RUNS = 3;
function fastest(measure: () => number): number {
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) best = Math.min(best, measure());
  return best;
}

/**
 * CPU seconds (user + system) of this process spent in `work`: the work is single-threaded, so this
 * is per core (it includes the garbage collector's helper threads, which the work also costs).
 */
function cpuSeconds(work: () => void): number {
  const before = process.cpuUsage();
  work();
  return cpuSince(before);
}

function cpuSince(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

/** Lines per CPU second of the plain ways to read a file into lines (see CdrThroughput.baselineLinesPerSecond); the faster one. */
async function plainReadSplit(file: string): Promise<number> {
  let best = 0;
  for (let i = 0; i < RUNS; i++) {
    let streamed = 0;
    const before = process.cpuUsage();
    for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      if (line !== undefined) streamed += 1;
    }
    const stream = cpuSince(before);
    let split = 0;
    const whole = cpuSeconds(() => {
      split = readFileSync(file, 'utf8').split('\n').length - 1;
    });
    best = Math.max(best, streamed / stream, split / whole);
  }
  return best;
}

/**
 * CDR ingest throughput next to a plain read-and-split of the same file, measured in the same run
 * (for `npm run bench`). Without a file, simulates one day of `calls` calls in `format` and
 * measures its first file (for Kamailio: acc_cdrs, the answered calls).
 */
export async function measureCdrThroughput(
  options: { file?: string; format?: SimFormat; calls?: number; timezone?: string } = {},
): Promise<CdrThroughput> {
  const timezone = options.timezone ?? 'America/New_York';
  const format: CdrFormat | 'auto' = options.file ? 'auto' : (options.format ?? 'asterisk');
  let dir: string | undefined;
  let file = options.file;
  if (!file) {
    dir = mkdtempSync(join(tmpdir(), 'callboard-cdr-bench-'));
    const zone = new Zone(timezone);
    const day = '2026-03-10';
    const calls = simulateDay(
      day,
      { callsPerDay: options.calls ?? 400_000, days: 1, startDay: day, timezone, seed: 7, meanHoldingSeconds: 150 },
      new Random(7),
      0,
    );
    file = writeDay(dir, day, calls, (options.format ?? 'asterisk') as SimFormat, zone)[0]!;
  }
  try {
    const fd = openSync(file, 'r');
    try {
      let pieceLines = 0;
      let bytes = 0;
      const pieceSplit = fastest(() =>
        cpuSeconds(() => {
          pieceLines = 0;
          bytes = readCompleteLines(fd, 0, (text) => {
            pieceLines += text.split('\n').length - 1;
          });
        }),
      );
      const delimiter = /\|/.test(readFirstLine(fd)) && !readFirstLine(fd).includes(',') ? '|' : ',';
      let fieldLines = 0;
      const fieldSplit = fastest(() =>
        cpuSeconds(() => {
          fieldLines = 0;
          readCompleteLines(fd, 0, (text) => {
            for (const line of text.split('\n')) if (line.split(delimiter).length > 0) fieldLines += 1;
          });
        }),
      );
      const zone = new Zone(timezone);
      const plan = simDialPlan();
      let points = 0;
      let lines = 0;
      let detected = 'unknown';
      const run = () => {
        const engine = new CdrEngine({
          source: 'bench',
          zone,
          dialPlan: new DialPlan(dialPlanSchema.parse(plan.dialPlan), plan.trunks),
          perCallPoints: true,
          keepDays: 0,
        });
        const reader = new CdrFileReader(file, { format, sourceZone: zone }, 120_000);
        points = 0;
        const seconds = cpuSeconds(() => {
          // As `cdr import` reads a file (batch-import.ts): each piece of text is parsed, its calls counted and their points built.
          readCompleteLines(fd, 0, (text) => {
            const out = newReadOutput();
            reader.feed(text, out);
            const metrics: Metric[] = [];
            engine.add(out.calls, metrics);
            points += metrics.length;
          });
          const out = newReadOutput();
          reader.closeBefore(Infinity, out);
          engine.add(out.calls, []);
        });
        lines = reader.state().line;
        detected = reader.format ?? 'unknown';
        return seconds;
      };
      // The first pass warms the JIT (a collector runs for days); the fastest of the next ones is kept.
      run();
      const ingest = fastest(run);
      if (points === 0 && lines > 0) throw new Error(`${file}: no calls parsed; is it a CDR file?`);
      const ingestLinesPerSecond = lines / ingest;
      const baselineLinesPerSecond = await plainReadSplit(file);
      const pieceSplitLinesPerSecond = pieceLines / pieceSplit;
      return {
        format: detected,
        lines,
        bytes,
        ingestLinesPerSecond,
        baselineLinesPerSecond,
        ratio: ingestLinesPerSecond / baselineLinesPerSecond,
        pieceSplitLinesPerSecond,
        pieceRatio: ingestLinesPerSecond / pieceSplitLinesPerSecond,
        fieldSplitLinesPerSecond: fieldLines / fieldSplit,
      };
    } finally {
      closeSync(fd);
    }
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
