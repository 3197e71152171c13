import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { JsonCheckpoint } from '../../lib/checkpoint.js';
import type { Logger } from '../../lib/log.js';
import type { Metric } from '../../pipeline/metric.js';
import { PointsLostError } from '../../pipeline/sink.js';
import type { Emit, Input, InputContext } from '../input.js';
import type { CdrConfig } from './config.js';
import { DialPlan } from './dialplan.js';
import { discover, findRenamed, type FoundFile } from './discover.js';
import { CdrEngine, type EngineState } from './engine.js';
import { cdrBatch, cdrRejected } from './measurements.js';
import { MilestoneBook, type BookState } from './milestones.js';
import { FILE_SLOTS } from './point-clock.js';
import { Quarantine } from './quarantine.js';
import { readCompleteLines } from './read-file.js';
import { CdrFileReader, newReadOutput, type ReadOutput, type ReaderState } from './reader.js';
import { Zone } from './zone.js';


interface FileState {
  path: string;
  id: string;
  offset: number;
  /** First bytes of the file, to tell a new file that reused the inode of a deleted one. */
  head: string;
  reader: ReaderState;
}

interface Checkpoint {
  version: 1;
  files: FileState[];
  engine: EngineState;
  book: BookState;
  rejected: { lines: number; lastFile: string; lastLine: number; lastReason: string };
  /** Size of the quarantine file as of this checkpoint (see Quarantine.cutTo); absent in older checkpoints. */
  quarantineBytes?: number;
}

const HEAD_BYTES = 64;
const NONE_REJECTED: Checkpoint['rejected'] = { lines: 0, lastFile: '', lastLine: 0, lastReason: '' };

/** One poll's reading: the points of the calls counted, how many, whether any file moved on, and the time it was read. */
interface BatchRead {
  counted: Metric[];
  calls: number;
  changed: boolean;
  now: number;
}

interface Tracked {
  state: FileState;
  reader: CdrFileReader;
  /** Read to the end on the last poll: safe to complete calls by the wall clock. */
  caughtUp: boolean;
  /** Size at the previous poll: a rotated-away file that stopped growing is finished. */
  lastSize?: number;
}

export class CdrInput implements Input {
  readonly type = 'cdr';
  readonly name: string;
  readonly milestones: MilestoneBook;
  readonly #log: Logger;
  readonly #checkpoint: JsonCheckpoint<Checkpoint>;
  readonly #quarantine: Quarantine;
  #engine: CdrEngine;
  readonly #zone: Zone;
  readonly #sourceZone: Zone;
  readonly #files = new Map<string, Tracked>();
  readonly #flush: () => Promise<void>;
  #rejected: Checkpoint['rejected'];
  #firstRun: boolean;
  #timer: NodeJS.Timeout | undefined;
  #polling: Promise<void> | undefined;
  #stopped = false;
  #backlog = false;
  /** Emitted, but the flush failed: the checkpoint waits for a successful one. */
  #unflushed = false;
  #emit: Emit | undefined;

  /**
   * Checkpoints are written only after `context.flush` resolves (every sink wrote or durably
   * queued what was emitted), so a crash can only make the input read a batch again, never skip
   * one; its points are cumulative or at fixed times, so writing a batch again changes nothing.
   */
  constructor(private readonly config: CdrConfig, context: InputContext) {
    this.name = config.name;
    this.#log = context.log.child({ input: 'cdr', source: config.name });
    this.#zone = new Zone(context.timezone);
    this.#sourceZone = config.sourceTimezone ? new Zone(config.sourceTimezone) : this.#zone;
    this.#checkpoint = new JsonCheckpoint(join(context.stateDir, `cdr-${config.name}.json`));
    this.#quarantine = new Quarantine(config.quarantine ?? join(context.stateDir, `cdr-${config.name}-quarantine.jsonl`));
    this.#flush = context.flush;
    const saved = this.#checkpoint.read();
    this.#firstRun = saved === undefined;
    this.milestones = new MilestoneBook(config.name, this.#zone, config.milestones, saved?.book);
    this.#engine = this.#restore(saved);
    this.#rejected = saved?.rejected ?? NONE_REJECTED;
    this.#quarantine.cutTo(saved?.quarantineBytes);
  }

  /** Counts and files as of `saved` (the last checkpoint): at start, and to undo a batch that failed partway. */
  #restore(saved: Checkpoint | undefined): CdrEngine {
    const config = this.config;
    this.#files.clear();
    for (const state of saved?.files ?? []) this.#files.set(state.id, { state, reader: this.#reader(state.path, state.reader), caughtUp: false });
    return new CdrEngine(
      {
        source: config.name,
        zone: this.#zone,
        dialPlan: new DialPlan(config.dialPlan, config.trunks, config.maxTrunks),
        book: this.milestones,
        perCallPoints: config.perCallPoints,
        keepDays: config.keepDays,
      },
      saved?.engine,
    );
  }

  async start(emit: Emit): Promise<void> {
    this.#emit = emit;
    this.#stopped = false;
    // The first pass runs before start resolves (a restart catches up at once); its failure is
    // logged like any poll's, never fatal to the collector.
    await this.pollOnce().catch((error: Error) => this.#log.error({ code: 'CALLBOARD_CDR_POLL', err: error.message }, 'CDR poll failed; retrying next interval'));
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#polling;
  }

  #schedule(): void {
    if (this.#stopped) return;
    // A backlog (the batch limit was reached) is read on at once; otherwise wait for new lines.
    const delay = this.#backlog ? 0 : this.config.pollInterval;
    this.#timer = setTimeout(() => {
      void this.pollOnce()
        .catch((error: Error) => {
          this.#backlog = false;
          this.#log.error({ code: 'CALLBOARD_CDR_POLL', err: error.message }, 'CDR poll failed; retrying next interval');
        })
        .finally(() => this.#schedule());
    }, delay);
  }

  /** One pass over the files: read what is new, emit, wait for the sinks, then checkpoint. */
  pollOnce(): Promise<void> {
    const run = (this.#polling ?? Promise.resolve()).then(() => this.#poll());
    this.#polling = run.catch(() => undefined);
    return run;
  }

  async #poll(): Promise<void> {
    // Backpressure: after a flush failed (InfluxDB down), nothing more is read until what was
    // emitted is stored and checkpointed, so an outage never piles a backlog into the sink's memory.
    // After a rollback (a sink dropped points of the batch) this waits until the sink has room again.
    if (this.#unflushed) {
      await this.#handOff();
      this.#unflushed = false;
      this.#checkpoint.write(this.#state());
    }
    // As of the checkpoint: the batch's calls are counted into the engine while it is read.
    const callsBefore = this.#engine.counted;
    const out = newReadOutput();
    let read: BatchRead;
    try {
      read = this.#readBatch(out);
    } catch (error) {
      // Calls of this batch are already in the day totals and the readers hold the lines they fed, but
      // the checkpoint does not cover them: back to the checkpoint, so the next poll counts them once.
      this.#rollBack();
      throw error;
    }
    const { counted, calls, changed, now } = read;
    if (!changed && calls === 0 && out.rejected.length === 0) return;

    // First in the batch: what the batch is, so a sink that sums calls can tell a batch read again after a crash.
    // (Per-call point times come from each file's own order, see point-clock.ts: calls need no sorting across files.)
    const metrics: Metric[] = [this.#batchMetric(now, callsBefore, calls)];
    for (const m of counted) metrics.push(m);
    this.#engine.drainTotals(metrics);
    if (out.rejected.length) metrics.push(this.#rejectedMetric(now));
    this.#emit?.(metrics);
    this.#unflushed = true;
    await this.#handOff();
    this.#unflushed = false;
    this.#engine.prune(now);
    this.#checkpoint.write(this.#state());
  }

  /**
   * Waits for every sink to take what was emitted. When a sink had to drop some of it (InfluxDB spool
   * and memory full), the input goes back to its checkpoint and stays #unflushed: the next poll waits
   * until the sink has room, then reads the batch again and emits the same points (same series and
   * times, so InfluxDB keeps one value), without a restart.
   */
  async #handOff(): Promise<void> {
    try {
      await this.#flush();
    } catch (error) {
      if (error instanceof PointsLostError) {
        this.#rollBack();
        this.#log.warn({ code: 'CALLBOARD_CDR_ROLLBACK', err: error.message }, 'a sink dropped points of this input: back to the checkpoint; the calls since are read again once the sink has room');
      }
      throw error;
    }
  }

  /** Counts, files, milestones, rejected-line totals and the quarantine file as of the last checkpoint. */
  #rollBack(): void {
    const saved = this.#checkpoint.read();
    this.milestones.restore(saved?.book);
    this.#engine = this.#restore(saved);
    this.#rejected = saved?.rejected ?? NONE_REJECTED;
    this.#quarantine.cutTo(saved?.quarantineBytes);
  }

  /** Reads what is new into the engine's counts and quarantines rejected lines; throws with the batch half-counted (see #poll). */
  #readBatch(out: ReadOutput): BatchRead {
    // Calls are counted as each piece of text is read (as `cdr import` does), not held for the whole
    // batch (up to maxBatchBytes): they die young. Their points wait for the emit below.
    const counted: Metric[] = [];
    let calls = 0;
    const count = () => {
      this.#engine.add(out.calls, counted);
      calls += out.calls.length;
      out.calls.length = 0;
    };
    let budget = this.config.maxBatchBytes;
    let changed = false;
    const seen = new Set<string>();
    const quarantineFile = this.#quarantine.file;
    for (const found of discover(this.config.paths, (p) => p === quarantineFile || p.startsWith(`${this.#checkpoint.file}`))) {
      seen.add(found.id);
      const read = this.#readFile(found, out, budget, count);
      budget -= read;
      changed ||= read > 0;
    }
    // Tracked files no longer at any configured path: renamed by rotation (finish them), or gone.
    for (const [id, tracked] of [...this.#files]) {
      if (seen.has(id)) continue;
      const moved = findRenamed(tracked.state.path, id);
      if (moved) {
        const read = this.#readFile(moved, out, budget, count);
        budget -= read;
        changed ||= read > 0;
        const stillGrowing = tracked.lastSize !== moved.size;
        tracked.lastSize = moved.size;
        if (tracked.state.offset < moved.size && (stillGrowing || budget <= 0)) continue; // more to read next poll
        // Nobody writes to it any more: a last line without its line break is all there will be.
        if (tracked.state.offset < moved.size) this.#readRest(tracked, moved, out);
      }
      tracked.reader.closeBefore(Infinity, out);
      this.#files.delete(id);
      changed = true;
      this.#log.info({ file: tracked.state.path, to: moved?.path }, moved ? 'rotated CDR file read to its end; no longer followed' : 'CDR file gone; no longer followed');
    }
    this.#backlog = budget <= 0;
    const now = Date.now();
    for (const tracked of this.#files.values()) if (tracked.caughtUp) tracked.reader.closeBefore(now - this.config.legWindow, out);
    count();
    if (out.rejected.length) {
      const last = out.rejected[out.rejected.length - 1]!;
      this.#quarantine.write(out.rejected);
      this.#rejected = { lines: this.#rejected.lines + out.rejected.length, lastFile: last.file, lastLine: last.line, lastReason: last.reason };
      this.#log.warn({ code: 'CALLBOARD_CDR_REJECTED', count: out.rejected.length, file: last.file, line: last.line, reason: last.reason }, 'CDR lines rejected (quarantined)');
    }
    this.#firstRun = false;
    return { counted, calls, changed, now };
  }

  /** Reads new complete lines of one file into `out`, calling `count` after each piece of text; returns the bytes consumed. */
  #readFile(found: FoundFile, out: ReadOutput, budget: number, count: () => void): number {
    let tracked = this.#files.get(found.id);
    if (tracked && found.size < tracked.state.offset) {
      this.#log.warn({ file: found.path, size: found.size, offset: tracked.state.offset }, 'CDR file truncated: reading it again from the start');
      tracked.reader.closeBefore(Infinity, out);
      tracked = undefined;
    }
    if (!tracked) {
      const offset = this.#firstRun && this.config.startAt === 'end' ? found.size : 0;
      const state: FileState = { path: found.path, id: found.id, offset, head: '', reader: { line: 0, parser: {}, openCalls: [] } };
      tracked = { state, reader: this.#reader(found.path, undefined, this.#freeFileSlot()), caughtUp: false };
      this.#files.set(found.id, tracked);
    }
    tracked.state.path = found.path;
    if (budget <= 0 || found.size === tracked.state.offset) {
      tracked.caughtUp = found.size === tracked.state.offset;
      return 0;
    }
    const fd = openSync(found.path, 'r');
    try {
      const head = readHead(fd);
      if (tracked.state.head && !head.startsWith(tracked.state.head)) {
        // Same inode, other content: the file was replaced (deleted, inode reused).
        this.#log.warn({ file: found.path }, 'CDR file replaced under the same inode: reading the new one from the start');
        tracked.reader.closeBefore(Infinity, out);
        tracked.state = { ...tracked.state, offset: 0, head: '', reader: { line: 0, parser: {}, openCalls: [] } };
        tracked.reader = this.#reader(found.path, undefined, tracked.reader.fileSlot);
      }
      if (tracked.state.head.length < 2 * HEAD_BYTES) tracked.state.head = head;
      const from = tracked.state.offset;
      const reader = tracked.reader;
      const end = readCompleteLines(
        fd,
        from,
        (text) => {
          reader.feed(text, out);
          count();
        },
        budget,
        (line) => reader.skipLongLine(line, out),
      );
      tracked.state.offset = end;
      tracked.caughtUp = end >= fstatSync(fd).size || end === from;
      return end - from;
    } finally {
      closeSync(fd);
    }
  }

  #readRest(tracked: Tracked, found: FoundFile, out: ReadOutput): void {
    const fd = openSync(found.path, 'r');
    try {
      const rest = Buffer.alloc(found.size - tracked.state.offset);
      readSync(fd, rest, 0, rest.length, tracked.state.offset);
      tracked.reader.feed(rest.toString('utf8'), out);
      tracked.state.offset = found.size;
    } finally {
      closeSync(fd);
    }
  }

  #reader(path: string, state?: ReaderState, fileSlot = 0): CdrFileReader {
    return new CdrFileReader(
      path,
      { format: this.config.format, sourceZone: this.#sourceZone, kamailio: this.config.kamailio, mapping: this.config.mapping },
      this.config.legWindow,
      state,
      fileSlot,
    );
  }

  /** The lowest millisecond slot no followed file uses (files beyond FILE_SLOTS share). */
  #freeFileSlot(): number {
    const used = new Set([...this.#files.values()].map((t) => t.reader.fileSlot));
    for (let slot = 0; slot < FILE_SLOTS; slot++) if (!used.has(slot)) return slot;
    return this.#files.size % FILE_SLOTS;
  }

  #batchMetric(time: number, callsBefore: number, calls: number): Metric {
    return { measurement: cdrBatch.measurement, tags: { source: this.name }, time, fields: { calls_before: callsBefore, calls }, destination: 'storage' };
  }

  #rejectedMetric(time: number): Metric {
    const r = this.#rejected;
    return { measurement: cdrRejected.measurement, tags: { source: this.name }, time, fields: { lines: r.lines, last_file: r.lastFile, last_line: r.lastLine, last_reason: r.lastReason } };
  }

  #state(): Checkpoint {
    return {
      version: 1,
      files: [...this.#files.values()].map((t) => ({ ...t.state, reader: t.reader.state() })),
      engine: this.#engine.state(),
      book: this.milestones.state(),
      rejected: this.#rejected,
      quarantineBytes: this.#quarantine.size(),
    };
  }
}

function readHead(fd: number): string {
  const buffer = Buffer.alloc(HEAD_BYTES);
  const got = readSync(fd, buffer, 0, HEAD_BYTES, 0);
  // Hex, not base64: the hex of a longer read starts with the hex of a shorter one.
  return buffer.toString('hex', 0, got);
}
