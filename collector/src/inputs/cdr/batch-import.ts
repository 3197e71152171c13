import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Metric } from '../../pipeline/metric.js';
import { DialPlan, type DialPlanConfig } from './dialplan.js';
import { CdrEngine } from './engine.js';
import type { CdrFormat } from './formats/index.js';
import type { KamailioLayout } from './formats/kamailio.js';
import type { Mapping } from './formats/mapped.js';
import { FILE_SLOTS } from './point-clock.js';
import { LONG_LINE_HEAD_BYTES, MAX_LINE_BYTES, readCompleteLines } from './read-file.js';
import { CdrFileReader, newReadOutput, type ReadOutput, type RejectedLine } from './reader.js';
import { kpis } from './totals.js';
import { Zone } from './zone.js';

export interface ImportOptions {
  format: CdrFormat | 'auto';
  /** The carrier's zone: days are counted in it. */
  timezone: string;
  /** The zone local times in the files are written in; default the carrier's. */
  sourceTimezone?: string;
  dialPlan: DialPlanConfig;
  trunks?: readonly string[];
  kamailio?: KamailioLayout;
  mapping?: Mapping;
  source?: string;
  /** Also build per-call points (for writing to InfluxDB). */
  perCallPoints?: boolean;
  /** Receives metrics in batches as files are read (per-call points and, at the end, the day totals). */
  onMetrics?: (metrics: Metric[]) => Promise<void> | void;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  onRejected?: (line: RejectedLine) => void;
}

export interface FileSummary {
  file: string;
  format: CdrFormat | null;
  lines: number;
  calls: number;
  rejected: number;
  skipped: number;
}

export interface ImportResult {
  days: Array<{ day: string; hours: number; calls: number; answered: number; minutes: number; billableSeconds: number; asr?: number; acdSeconds?: number; byClass: Record<string, { calls: number; answered: number; minutes: number }> }>;
  rejected: number;
  files: FileSummary[];
}

const LEGS_ALL_IN = Infinity;

/** Reads whole CDR files (the `cdr import` command): every call is complete at the end of its file. */
export async function importCdrFiles(files: readonly string[], options: ImportOptions): Promise<ImportResult> {
  const zone = new Zone(options.timezone);
  const sourceZone = options.sourceTimezone ? new Zone(options.sourceTimezone) : zone;
  const engine = new CdrEngine({
    source: options.source ?? 'import',
    zone,
    dialPlan: new DialPlan(options.dialPlan, options.trunks),
    perCallPoints: options.perCallPoints ?? false,
    keepDays: 0,
  });
  const sizes = files.map((f) => {
    const fd = openSync(f, 'r');
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  });
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  let bytesBefore = 0;
  const summaries: FileSummary[] = [];
  let rejected = 0;
  for (const [i, file] of files.entries()) {
    const reader = new CdrFileReader(file, { format: options.format, sourceZone, kamailio: options.kamailio, mapping: options.mapping }, 120_000, undefined, i % FILE_SLOTS);
    const summary: FileSummary = { file, format: null, lines: 0, calls: 0, rejected: 0, skipped: 0 };
    const pending: Metric[][] = [];
    const take = (final: boolean) => {
      const out = newReadOutput();
      if (final) reader.closeBefore(LEGS_ALL_IN, out);
      return out;
    };
    const account = (out: ReadOutput) => {
      summary.calls += out.calls.length;
      summary.rejected += out.rejected.length;
      summary.skipped += out.skipped;
      for (const r of out.rejected) options.onRejected?.(r);
      const metrics: Metric[] = [];
      engine.add(out.calls, metrics);
      if (metrics.length && options.onMetrics) pending.push(metrics);
    };
    const fd = openSync(file, 'r');
    let consumed: number;
    try {
      const piece = (read: (out: ReadOutput) => void, end: number) => {
        const out = newReadOutput();
        read(out);
        account(out);
        options.onProgress?.(bytesBefore + end, bytesTotal);
      };
      consumed = readCompleteLines(
        fd,
        0,
        (text, end) => piece((out) => reader.feed(text, out), end),
        Infinity,
        // A line too long to read is rejected with its line number, like any bad line; the rest of the file is read.
        (line, end) => piece((out) => reader.skipLongLine(line, out), end),
      );
      // A last line without a line break is complete once the file is closed: read it too.
      const tail = sizes[i]! - consumed;
      if (tail > MAX_LINE_BYTES) {
        // Too long to be a line, like one with a break after it: rejected with its line number, never read whole.
        const head = Buffer.alloc(LONG_LINE_HEAD_BYTES);
        readSync(fd, head, 0, head.length, consumed);
        piece((out) => reader.skipLongLine({ head: head.toString('utf8'), bytes: tail, limit: MAX_LINE_BYTES }, out), sizes[i]!);
      } else if (tail > 0) {
        const buffer = Buffer.alloc(tail);
        readSync(fd, buffer, 0, tail, consumed);
        piece((out) => reader.feed(buffer.toString('utf8'), out), sizes[i]!);
      }
    } finally {
      closeSync(fd);
    }
    account(take(true));
    for (const batch of pending) await options.onMetrics!(batch);
    bytesBefore += sizes[i]!;
    summary.format = reader.format ?? null;
    summary.lines = reader.state().line;
    rejected += summary.rejected;
    summaries.push(summary);
  }
  if (options.onMetrics) {
    const totals: Metric[] = [];
    engine.drainTotals(totals);
    await options.onMetrics(totals);
  }
  return { days: dayReport(engine, zone), rejected, files: summaries };
}

function dayReport(engine: CdrEngine, zone: Zone): ImportResult['days'] {
  return [...engine.totals.days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, entry]) => {
      const byClass: Record<string, { calls: number; answered: number; minutes: number }> = {};
      for (const [key, c] of Object.entries(entry.breakdown)) {
        const cls = key.split('\t')[0]!;
        const slot = (byClass[cls] ??= { calls: 0, answered: 0, minutes: 0 });
        slot.calls += c.calls;
        slot.answered += c.answered;
        slot.minutes += c.billableMs; // summed in ms, converted below: exact
      }
      for (const slot of Object.values(byClass)) slot.minutes /= 60_000;
      const k = kpis(entry.total);
      const { start, end } = zone.dayRange(day);
      return {
        day,
        hours: Math.round((end - start) / 3_600_000),
        calls: entry.total.calls,
        answered: entry.total.answered,
        minutes: k.minutes,
        billableSeconds: entry.total.billableMs / 1000,
        ...(k.asr !== undefined ? { asr: k.asr } : {}),
        ...(k.acd_seconds !== undefined ? { acdSeconds: k.acd_seconds } : {}),
        byClass,
      };
    });
}
