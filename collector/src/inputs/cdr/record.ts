/**
 * The normalised call every CDR format is parsed into. Durations are integer milliseconds, so sums
 * over millions of calls stay exact (minutes are derived from them only when reported).
 */
export type Disposition = 'answered' | 'busy' | 'no_answer' | 'failed';

export const DISPOSITIONS: readonly Disposition[] = ['answered', 'busy', 'no_answer', 'failed'];

export interface CallRecord {
  /** The source's call id (uniqueid, uuid, callId, Call-ID); may be empty when the format has none. */
  readonly id: string;
  readonly startMs: number;
  readonly answerMs?: number;
  readonly endMs: number;
  /** Talk time billed, integer milliseconds; 0 for calls not answered. */
  readonly billableMs: number;
  readonly src: string;
  readonly dst: string;
  readonly disposition: Disposition;
  /** Q.850 release cause where the format gives one (1..127). */
  readonly cause?: number;
  /** Final SIP response code where the format gives one. */
  readonly sipCode?: number;
  /** Trunk (peer, gateway, device) the call came in on / went out on, as the switch names it. */
  readonly inTrunk?: string;
  readonly outTrunk?: string;
  /** Post-dial delay (setup to first ring/progress), where the format records it. */
  readonly pddMs?: number;
  /** Time of the call's cdr_call point, set by the file reader (see PointClock). */
  pointTime?: number;
}

/** One line's parse result: a call (or call leg), a line that is not a call (header, CMR, BYE), or a rejected line. */
export type LineResult =
  | { readonly kind: 'row'; readonly row: CdrRow }
  | { readonly kind: 'skip'; readonly why: string }
  | { readonly kind: 'reject'; readonly reason: string };

/** A call or call leg; legs sharing any `legKeys` value are merged into one call (see assemble.ts). */
export interface CdrRow extends CallRecord {
  readonly legKeys?: readonly string[];
}

export const reject = (reason: string): LineResult => ({ kind: 'reject', reason });
export const skip = (why: string): LineResult => ({ kind: 'skip', why });
/**
 * A call that ends before it starts is a damaged line (a digit too many or too few in a time,
 * columns shifted), whatever the format: its duration would be negative and its day wrong.
 * Checked here, once for every parser, with one comparison per line.
 */
export const row = (r: CdrRow): LineResult => checkedRow(callShape(r));

/** A call that ends before it starts is rejected; otherwise the row is the line's result (for parsers that build a CallRow themselves). */
export function checkedRow(r: CdrRow): LineResult {
  if (r.endMs < r.startMs) return reject(`call ends before it starts: end ${instant(r.endMs)} < start ${instant(r.startMs)}`);
  return { kind: 'row', row: r };
}

/** A time for a rejection reason; parsers bound their numbers, but a reason must never throw. */
const instant = (ms: number): string => (Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`);

/**
 * The record with every property present, in one order: all calls then share one hidden class,
 * so the per-call code downstream (assembler, point clock, engine, totals) stays monomorphic.
 * A class rather than an object literal: V8 may move the objects of a literal whose objects
 * outlive a young-generation collection (calls held for their other legs) straight into the old
 * generation, where dead ones keep the young strings they point to alive until a full collection;
 * that made ingest runs bimodal (half the speed, a third of the time in the garbage collector).
 */
export class CallRow implements CdrRow {
  readonly id: string;
  readonly startMs: number;
  readonly answerMs: number | undefined;
  readonly endMs: number;
  readonly billableMs: number;
  readonly src: string;
  readonly dst: string;
  readonly disposition: Disposition;
  readonly cause: number | undefined;
  readonly sipCode: number | undefined;
  readonly inTrunk: string | undefined;
  readonly outTrunk: string | undefined;
  readonly pddMs: number | undefined;
  readonly legKeys: readonly string[] | undefined;
  pointTime: number | undefined;

  // Positional, so the parsers that run for every line build the row once instead of a literal and then a copy of it.
  constructor(
    id: string,
    startMs: number,
    answerMs: number | undefined,
    endMs: number,
    billableMs: number,
    src: string,
    dst: string,
    disposition: Disposition,
    cause: number | undefined,
    sipCode: number | undefined,
    inTrunk: string | undefined,
    outTrunk: string | undefined,
    pddMs: number | undefined,
    legKeys: readonly string[] | undefined,
  ) {
    this.id = id;
    this.startMs = startMs;
    this.answerMs = answerMs;
    this.endMs = endMs;
    this.billableMs = billableMs;
    this.src = src;
    this.dst = dst;
    this.disposition = disposition;
    this.cause = cause;
    this.sipCode = sipCode;
    this.inTrunk = inTrunk;
    this.outTrunk = outTrunk;
    this.pddMs = pddMs;
    this.legKeys = legKeys;
    this.pointTime = undefined;
  }
}

export const callShape = (r: CdrRow): CdrRow =>
  // prettier-ignore
  new CallRow(
    r.id, r.startMs, r.answerMs, r.endMs, r.billableMs, r.src, r.dst, r.disposition,
    r.cause, r.sipCode, r.inTrunk, r.outTrunk, r.pddMs, r.legKeys,
  );

/**
 * row() for the parsers that run for every line of the largest files (Asterisk, FreeSWITCH, CUCM; none has a
 * SIP code or PDD): the fields in CallRow's order, no intermediate object. A line costs 1-2 µs; every object counts.
 */
export function rowOf(
  id: string,
  startMs: number,
  answerMs: number | undefined,
  endMs: number,
  billableMs: number,
  src: string,
  dst: string,
  disposition: Disposition,
  cause: number | undefined,
  inTrunk: string | undefined,
  outTrunk: string | undefined,
  legKeys: readonly string[] | undefined,
): LineResult {
  const sipCode = undefined;
  const pddMs = undefined;
  // prettier-ignore
  return checkedRow(
    new CallRow(id, startMs, answerMs, endMs, billableMs, src, dst, disposition, cause, sipCode, inTrunk, outTrunk, pddMs, legKeys),
  );
}

/** Q.850 causes that are the called party's doing rather than the network's. */
export function dispositionFromCause(cause: number | undefined): Disposition {
  switch (cause) {
    case 17: // user busy
      return 'busy';
    case 18: // no user responding
    case 19: // no answer from user (user alerted)
      return 'no_answer';
    default:
      return 'failed';
  }
}

/** SIP final response → disposition, per RFC 3398 §8.2.6.1 mapping of 486/600 to busy and 480/408/487 to no answer. */
export function dispositionFromSip(code: number): Disposition {
  if (code >= 200 && code < 300) return 'answered';
  if (code === 486 || code === 600) return 'busy';
  if (code === 480 || code === 408 || code === 487) return 'no_answer';
  return 'failed';
}

/** RFC 3398 §8.2.6.1 (SIP response → ISDN cause), for formats that only record the SIP code. */
export function q850FromSip(code: number): number | undefined {
  const table: Record<number, number> = {
    400: 41, 401: 21, 402: 21, 403: 21, 404: 1, 405: 63, 406: 79, 407: 21, 408: 102, 410: 22, 413: 127, 414: 127, 415: 79,
    416: 127, 420: 127, 423: 127, 480: 18, 481: 41, 482: 25, 483: 25, 484: 28, 485: 1, 486: 17, 487: 127, 488: 127,
    500: 41, 501: 79, 502: 38, 503: 41, 504: 102, 505: 127, 513: 127, 600: 17, 603: 21, 604: 1, 606: 58,
  };
  return table[code];
}
