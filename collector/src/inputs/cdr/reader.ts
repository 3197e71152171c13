import { CallAssembler, type AssemblerState } from './assemble.js';
import { LineParser, type ParserOptions, type ParserState } from './formats/index.js';
import { PointClock, type PointClockState } from './point-clock.js';
import type { LongLine } from './read-file.js';
import type { CallRecord } from './record.js';

export interface RejectedLine {
  file: string;
  line: number;
  reason: string;
  text: string;
}

export interface ReaderState {
  /** Lines consumed so far (the next line's number is line + 1). */
  line: number;
  parser: ParserState;
  openCalls: AssemblerState;
  clock?: PointClockState;
}

export interface ReadOutput {
  calls: CallRecord[];
  rejected: RejectedLine[];
  skipped: number;
}

export const newReadOutput = (): ReadOutput => ({ calls: [], rejected: [], skipped: 0 });

/** Longest line kept in quarantine; the rest is cut (the file and line number still find it). */
const QUARANTINE_TEXT_MAX = 2000;

/**
 * Everything known about one CDR file as it is read: line count, parser state (format, header)
 * and the calls whose legs are not all in yet. Fed whole lines only; the tailer holds back a
 * partial last line until its newline arrives.
 */
export class CdrFileReader {
  readonly #parser: LineParser;
  readonly #assembler: CallAssembler;
  readonly #clock: PointClock;
  #line: number;

  constructor(readonly file: string, options: ParserOptions, holdMs: number, state?: ReaderState, fileSlot = 0) {
    this.#parser = new LineParser(options, state?.parser);
    this.#assembler = new CallAssembler(holdMs, () => this.#parser.legBillable, state?.openCalls);
    this.#clock = new PointClock(fileSlot, state?.clock);
    this.#line = state?.line ?? 0;
  }

  get fileSlot(): number {
    return this.#clock.fileSlot;
  }

  get format() {
    return this.#parser.format;
  }

  get openCalls(): number {
    return this.#assembler.open;
  }

  /** Parses complete lines (text without a trailing partial line; "\n" or "\r\n" separated). */
  feed(text: string, out: ReadOutput): void {
    let from = 0;
    const n = text.length;
    while (from < n) {
      let to = text.indexOf('\n', from);
      if (to < 0) to = n;
      const end = to > from && text.charCodeAt(to - 1) === 13 ? to - 1 : to;
      this.#line += 1;
      // A byte-order mark (files saved by Windows tools) is not part of the first field.
      if (this.#line === 1 && text.charCodeAt(from) === 0xfeff) from += 1;
      if (end > from) this.#parseLine(text, from, end, out);
      from = to + 1;
    }
  }

  /** A line too long to read (read-file.ts skips it): it takes its line number and goes to quarantine, ingest goes on. */
  skipLongLine(line: LongLine, out: ReadOutput): void {
    this.#line += 1;
    out.rejected.push({ file: this.file, line: this.#line, reason: `line longer than ${line.limit} bytes`, text: line.head.slice(0, QUARANTINE_TEXT_MAX) });
  }

  /** The line text[start, end): parsed in place, cut out only when it goes to quarantine. */
  #parseLine(text: string, start: number, end: number, out: ReadOutput): void {
    const result = this.#parser.parseAt(text, start, end);
    if (result.kind === 'row') {
      const before = out.calls.length;
      this.#assembler.add(result.row, out.calls);
      this.#stamp(out.calls, before);
    }
    else if (result.kind === 'skip') out.skipped += 1;
    else {
      const quarantined = text.slice(start, Math.min(end, start + QUARANTINE_TEXT_MAX));
      out.rejected.push({ file: this.file, line: this.#line, reason: result.reason, text: quarantined });
    }
  }

  /** Completes calls whose last leg ended before `limitMs` (wall clock minus the leg window, or Infinity at end of input). */
  closeBefore(limitMs: number, out: ReadOutput): void {
    const before = out.calls.length;
    this.#assembler.closeBefore(limitMs, out.calls);
    this.#stamp(out.calls, before);
  }

  /** Calls completed since `from` get their point time (in this file's order); straight into the output, no array between. */
  #stamp(calls: CallRecord[], from: number): void {
    for (let i = from; i < calls.length; i++) this.#clock.stamp(calls[i]!);
  }

  state(): ReaderState {
    return { line: this.#line, parser: this.#parser.state(), openCalls: this.#assembler.state(), clock: this.#clock.state() };
  }
}
