import { describe, expect, it } from 'vitest';
import { CallAssembler } from './assemble.js';
import type { LegBillable } from './formats/index.js';
import { CallRow, type CallRecord, type CdrRow, type Disposition } from './record.js';

/**
 * The assembler is checked against the one it replaced (below, kept as it was at 475e398, before the key map
 * stopped deleting closed calls' keys one by one): for many seeded random streams of legs — one to five legs a
 * call, keys shared as FreeSWITCH, Asterisk and transfers do, rows linking two open calls, keys used again after
 * their call closed, 'sum' and 'max' billing, checkpoints through JSON at random points — both must give the
 * same calls in the same order, the same open count and the same checkpoint.
 */

const DISPOSITIONS: Disposition[] = ['answered', 'busy', 'no_answer', 'failed'];

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows in about end-time order, as switches write them; now and then a key from an earlier call (open or closed), so calls fold and keys recur. */
function legStream(seed: number, rows: number): CdrRow[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let fresh = 0;
  const earlier: string[] = [];
  const key = (): string => (random() < 0.03 && earlier.length > 0 ? pick(earlier) : `k${seed}-${(fresh += 1)}`);
  const out: CdrRow[] = [];
  let clock = 1_000_000;
  while (out.length < rows) {
    clock += Math.floor(random() * 4000);
    const legs = 1 + Math.floor(random() ** 2 * 5);
    const own = key();
    const keysSeen = [own];
    for (let l = 0; l < legs && out.length < rows; l++) {
      const keys = l === 0 ? [own] : [key(), ...keysSeen.filter(() => random() < 0.7)];
      if (random() < 0.05) keys.push(keys[0]!); // a key twice in one row
      keysSeen.push(keys[0]!);
      const startMs = clock - Math.floor(random() * 200_000);
      const endMs = clock + Math.floor(random() * 3000) - (random() < 0.05 ? 150_000 : 0); // now and then a leg written late
      const answered = random() < 0.6;
      const answerMs = answered ? startMs + Math.floor(random() * 1000) * (random() < 0.2 ? 0 : 1) : undefined;
      // prettier-ignore
      out.push(new CallRow(
        random() < 0.8 ? keys[0]! : `id${Math.floor(random() * 50)}`, startMs - (random() < 0.1 ? 0 : l), answerMs, Math.max(startMs, endMs),
        answered ? Math.floor(random() * 90) * 1000 : 0, `s${Math.floor(random() * 9)}`, `d${Math.floor(random() * 9)}`, pick(DISPOSITIONS),
        random() < 0.5 ? Math.floor(random() * 127) + 1 : undefined, random() < 0.3 ? 200 + Math.floor(random() * 400) : undefined,
        pick([undefined, '', 'in-a', 'in-b']), pick([undefined, '', 'out-a', 'out-b']), random() < 0.3 ? Math.floor(random() * 5000) : undefined,
        random() < 0.03 ? [] : random() < 0.02 ? undefined : keys,
      ));
    }
    earlier.push(own);
    if (earlier.length > 400) earlier.splice(0, 200);
  }
  return out;
}

interface Assembler {
  add(r: CdrRow, out: CallRecord[]): void;
  closeBefore(limitMs: number, out: CallRecord[]): void;
  state(): CdrRow[][];
  readonly open: number;
}

/** Feeds the rows, restarting from a JSON checkpoint before each row index in `restarts`; returns the calls and checkpoints. */
function run(make: (state?: CdrRow[][]) => Assembler, rows: CdrRow[], restarts: Set<number>, wallClosings: Map<number, number>) {
  let a = make();
  const calls: CallRecord[] = [];
  const checkpoints: string[] = [];
  const open: number[] = [];
  rows.forEach((r, i) => {
    if (restarts.has(i)) {
      const state = JSON.stringify(a.state());
      checkpoints.push(state);
      a = make(JSON.parse(state) as CdrRow[][]);
    }
    a.add(r, calls);
    const limit = wallClosings.get(i);
    if (limit !== undefined) a.closeBefore(limit, calls);
    open.push(a.open);
  });
  checkpoints.push(JSON.stringify(a.state()));
  a.closeBefore(Infinity, calls);
  return { calls: JSON.stringify(calls), checkpoints, open };
}

describe('CallAssembler against the merge it replaced', () => {
  it('gives the same calls, open counts and checkpoints for seeded random leg streams, restarts included', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = prng(seed * 7919);
      const rows = legStream(seed, 2000 + Math.floor(random() * 18_000));
      const holdMs = [0, 1000, 60_000, 120_000, 300_000][seed % 5]!;
      const billable: LegBillable = seed % 2 === 0 ? 'sum' : 'max';
      const restarts = new Set<number>();
      const wallClosings = new Map<number, number>(); // the input's quiet-file sweep: closeBefore(wall clock − window)
      for (let i = 0; i < rows.length; i++) {
        if (random() < 0.0015) restarts.add(i);
        if (random() < 0.002) wallClosings.set(i, rows[i]!.endMs - holdMs * random());
      }
      const expected = run((state) => new ReferenceAssembler(holdMs, () => billable, state), rows, restarts, wallClosings);
      const actual = run((state) => new CallAssembler(holdMs, () => billable, state), rows, restarts, wallClosings);
      const context = `seed ${seed}, ${rows.length} rows, hold ${holdMs} ms, ${billable}, ${restarts.size} restarts`;
      expect(actual.open, context).toEqual(expected.open);
      expect(actual.checkpoints, context).toEqual(expected.checkpoints);
      expect(actual.calls === expected.calls, context).toBe(true);
      expect(JSON.parse(actual.calls).length, context).toBeGreaterThan(0);
    }
  });
});

// ---- The reference: collector/src/inputs/cdr/assemble.ts as of 475e398, unchanged but for its names. ----
const NO_KEYS: readonly string[] = Object.freeze([]);

class ReferenceOpenCall {
  // A class and builtin-made arrays, not literals: see CallRow in record.ts (these live as long as their call is open).
  /** The first row's keys, shared with it until a key is added (then a copy). */
  keys: readonly string[];
  /** The first row; undefined once the call is closed or folded into another. Most calls have one row: no array for them. */
  first: CdrRow | undefined;
  /** Rows after the first, if any. */
  more: CdrRow[] | undefined;
  constructor(
    keys: readonly string[],
    row: CdrRow,
    public lastEndMs: number,
  ) {
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

const PRECEDENCE: Record<Disposition, number> = { answered: 3, busy: 2, failed: 1, no_answer: 0 };

class ReferenceAssembler {
  readonly #byKey = new Map<string, ReferenceOpenCall>();
  /** Open calls in the order they were opened; rows arrive in about end-time order, so the oldest are at the front. */
  #queue: ReferenceOpenCall[] = [];
  #head = 0;
  #watermark = -Infinity;
  #lastSweep = -Infinity;

  constructor(
    private readonly holdMs: number,
    private readonly billable: () => LegBillable,
    state?: CdrRow[][],
  ) {
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
      for (const k of call.keys) this.#byKey.delete(k);
      const more = call.more;
      if (more) more.unshift(call.first); // the call is closing: its own array serves the merge
      out.push(more ? this.#merge(more) : call.first);
      call.close();
    }
    if (this.#head > 128 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
  }

  state(): CdrRow[][] {
    return this.#queue
      .slice(this.#head)
      .filter((c) => c.first)
      .map((c) => c.rows());
  }

  #join(r: CdrRow): void {
    const keys = r.legKeys!;
    let call: ReferenceOpenCall | undefined;
    for (const k of keys) {
      const found = this.#byKey.get(k);
      if (!found || found === call) continue;
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
      call = new ReferenceOpenCall(keys, r, r.endMs);
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
