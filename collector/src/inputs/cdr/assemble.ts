import type { LegBillable } from './formats/index.js';
import { CallRow, type CallRecord, type CdrRow, type Disposition } from './record.js';

/**
 * Merges the legs of one call (rows sharing a leg key: Asterisk linkedid, FreeSWITCH uuid/bleg_uuid)
 * into one CallRecord. Switches write the legs of a call when each leg ends, so a call is complete
 * once the newest end time seen in the file is `holdMs` past the call's last leg (or, when the
 * file goes quiet, once the wall clock is). Open calls are part of the checkpoint, so a restart
 * neither loses nor doubles a call whose legs straddle it.
 */
const NO_KEYS: readonly string[] = Object.freeze([]);

class OpenCall {
  // A class and builtin-made arrays, not literals: see CallRow in record.ts (these live as long as their call is open).
  /** The first row's keys, shared with it until a key is added (then a copy). */
  keys: readonly string[];
  /** The first row; undefined once the call is closed or folded into another. Most calls have one row: no array for them. */
  first: CdrRow | undefined;
  /** Rows after the first, if any. */
  more: CdrRow[] | undefined;
  constructor(keys: readonly string[], row: CdrRow, public lastEndMs: number) {
    this.keys = keys;
    this.first = row;
    this.more = undefined;
  }

  addKey(key: string): void {
    this.keys = this.keys.concat(key);
  }

  add(row: CdrRow): void {
    if (this.more) this.more.push(row);
    else this.more = Array.of(row);
  }

  rows(): CdrRow[] {
    if (!this.first) return [];
    return this.more ? [this.first, ...this.more] : [this.first];
  }

  /** Closed calls wait in the queue until it is compacted: they must not keep their rows or keys (and the text those are cut from) alive. */
  close(): void {
    this.first = undefined;
    this.more = undefined;
    this.keys = NO_KEYS;
  }
}

export type AssemblerState = CdrRow[][];

/** Closed calls' keys tolerated in the key map before it is rebuilt (and at least as many as the live keys). 512: as good; 16384: the bigger table is promoted again (worse than deleting). */
const MIN_CLOSED_KEYS_TO_REBUILD = 2048;

const PRECEDENCE: Record<Disposition, number> = { answered: 3, busy: 2, failed: 1, no_answer: 0 };

export class CallAssembler {
  /**
   * Leg key → open call. A closed call's keys are not deleted one by one: they stay, pointing at the closed
   * (emptied) call, which a lookup takes for no call, until they outnumber the live keys and the map is built
   * anew from the open calls. Deleting them cost more than the lookups: with a 2-minute leg window the
   * churned hash table was promoted to the old generation at every young collection (FreeSWITCH: ~400 MB
   * promoted per day's file and ~20 % of the ingest time in the collector, against ~25 MB without deletes).
   */
  #byKey = new Map<string, OpenCall>();
  /** Keys of closed calls still in #byKey (an upper bound: a key seen again in a new call counts until the rebuild). */
  #closedKeys = 0;
  /** Open calls in the order they were opened; rows arrive in about end-time order, so the oldest are at the front. */
  #queue: OpenCall[] = [];
  #head = 0;
  #watermark = -Infinity;
  #lastSweep = -Infinity;

  constructor(private readonly holdMs: number, private readonly billable: () => LegBillable, state?: AssemblerState) {
    for (const rows of state ?? []) for (const r of rows) this.#join(r);
  }

  get open(): number {
    return this.#queue.length - this.#head;
  }

  /** Adds a row; returns the calls it completes (itself, when it has no leg keys). */
  add(r: CdrRow, out: CallRecord[]): void {
    if (!r.legKeys || r.legKeys.length === 0) {
      out.push(r);
      return;
    }
    this.#join(r);
    if (r.endMs > this.#watermark) this.#watermark = r.endMs;
    // Sweeping costs a pass over the open calls: do it once per second of record time.
    if (this.#watermark - this.#lastSweep >= 1000) {
      this.#lastSweep = this.#watermark;
      this.closeBefore(this.#watermark - this.holdMs, out);
    }
  }

  /** Completes every open call whose last leg ended before `limitMs` (Infinity: all, at end of input). */
  closeBefore(limitMs: number, out: CallRecord[]): void {
    const queue = this.#queue;
    // Front to back, stopping at the first call still open: a call opened later but ended earlier
    // waits behind it a little longer, which only delays it.
    while (this.#head < queue.length) {
      const call = queue[this.#head]!;
      if (!call.first) {
        this.#head += 1; // folded into another call
        continue;
      }
      if (call.lastEndMs >= limitMs) break;
      this.#head += 1;
      this.#closedKeys += call.keys.length;
      const more = call.more;
      if (more) more.unshift(call.first); // the call is closing: its own array serves the merge
      out.push(more ? this.#merge(more) : call.first);
      call.close();
    }
    if (this.#head > 128 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.#closedKeys > MIN_CLOSED_KEYS_TO_REBUILD && this.#closedKeys * 2 > this.#byKey.size) this.#rebuildKeys();
  }

  /** The key map of the open calls only (closed calls' keys dropped at once, no delete per key). */
  #rebuildKeys(): void {
    const byKey = new Map<string, OpenCall>();
    const queue = this.#queue;
    for (let i = this.#head; i < queue.length; i++) {
      const call = queue[i]!;
      if (call.first) for (const k of call.keys) byKey.set(k, call);
    }
    this.#byKey = byKey;
    this.#closedKeys = 0;
  }

  state(): AssemblerState {
    return this.#queue.slice(this.#head).filter((c) => c.first).map((c) => c.rows());
  }

  #join(r: CdrRow): void {
    const keys = r.legKeys!;
    let call: OpenCall | undefined;
    for (const k of keys) {
      const found = this.#byKey.get(k);
      // A closed call's key (left in the map, see #byKey) is no call: the row opens or joins another.
      if (!found || found === call || !found.first) continue;
      if (!call) call = found;
      else {
        // This row links two calls opened separately: fold the second into the first.
        for (const other of found.rows()) call.add(other);
        for (const otherKey of found.keys) {
          if (!call.keys.includes(otherKey)) call.addKey(otherKey);
          this.#byKey.set(otherKey, call);
        }
        call.lastEndMs = Math.max(call.lastEndMs, found.lastEndMs);
        found.close();
      }
    }
    if (!call) {
      // The common case, a row opening a call of its own: arrays of its own size.
      call = new OpenCall(keys, r, r.endMs);
      this.#queue.push(call);
      for (const k of keys) this.#byKey.set(k, call);
      return;
    }
    call.add(r);
    if (r.endMs > call.lastEndMs) call.lastEndMs = r.endMs;
    // A FreeSWITCH B-leg names both legs: its keys array serves the call as it is (no copy with one more key).
    const known = call.keys;
    if (known.length < keys.length && includesAll(keys, known)) {
      call.keys = keys;
      for (const k of keys) if (!known.includes(k)) this.#byKey.set(k, call);
      return;
    }
    // Every key in call.keys maps to the call already: only the row's new keys are added.
    for (const k of keys) {
      if (call.keys.includes(k)) continue;
      call.addKey(k);
      this.#byKey.set(k, call);
    }
  }

  #merge(rows: CdrRow[]): CallRecord {
    // A row is a CallRecord already (its legKeys are simply not read any more).
    if (rows.length === 1) return rows[0]!;
    const sum = this.billable() === 'sum';
    // One pass, no callbacks: this runs for most calls of a FreeSWITCH file.
    // The caller's leg: the earliest row whose own id is the call's key (Asterisk uniqueid = linkedid); else the first row.
    let first: CdrRow | undefined;
    let billableMs = 0;
    let endMs = -Infinity;
    let answerMs: number | undefined;
    let inTrunk: string | undefined;
    let anyOutTrunk: string | undefined;
    for (const r of rows) {
      if (r.id === r.legKeys?.[0] && (first === undefined || r.startMs < first.startMs)) first = r;
      billableMs = sum ? billableMs + r.billableMs : Math.max(billableMs, r.billableMs);
      endMs = Math.max(endMs, r.endMs);
      if (r.answerMs !== undefined && (answerMs === undefined || r.answerMs < answerMs)) answerMs = r.answerMs;
      inTrunk ||= r.inTrunk;
      anyOutTrunk ||= r.outTrunk;
    }
    first ??= rows[0]!;
    let best = first;
    for (const r of rows) if (PRECEDENCE[r.disposition] > PRECEDENCE[best.disposition]) best = r;
    // The call's parties and id are those of its first leg (the caller's); outcome from its best leg.
    const outTrunk = best.outTrunk ?? anyOutTrunk;
    // prettier-ignore
    return new CallRow(
      first.id, first.startMs, answerMs, endMs, billableMs, first.src, first.dst, best.disposition, best.cause, best.sipCode,
      inTrunk || undefined, outTrunk || undefined, first.pddMs, undefined,
    );
  }
}

function includesAll(keys: readonly string[], some: readonly string[]): boolean {
  for (const k of some) if (!keys.includes(k)) return false;
  return true;
}
