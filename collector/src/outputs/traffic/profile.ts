import { cdrBatch } from '../../inputs/cdr/measurements.js';
import { JsonCheckpoint } from '../../lib/checkpoint.js';
import type { Metric } from '../../pipeline/metric.js';
import type { Sink } from '../../pipeline/sink.js';
import type { QuarterCalls, QuarterHour } from '../../traffic/busy-hour.js';
import { isBlocked } from '../../traffic/blocking.js';
import type { TrunkGroupConfig } from '../../traffic/trunk-groups.js';

const QUARTER_MS = 900_000;

/** Per group, per quarter-hour start (ms, as a string key): a number. */
type PerQuarter = Record<string, Record<string, number>>;

/** What CDRs add: talk time, integer ms (sums stay exact); call attempts and, of them, calls blocked for want of a circuit (Q.850 34, SIP 503). */
interface CdrCounts {
  talkMs: PerQuarter;
  attempts: PerQuarter;
  blocked: PerQuarter;
}

/** The last batch of one CDR input counted here (its cdr_batch point) and what its calls added. */
interface CdrBatch {
  callsBefore: number;
  added: CdrCounts;
}

interface Profiles extends CdrCounts {
  version: 3;
  /** Minutes of use from the switch's polls. */
  minutes: PerQuarter;
  /** Per CDR input (its name). */
  cdrBatches: Record<string, CdrBatch>;
}

export interface TrafficProfileOptions {
  keepDays?: number;
  saveEveryMs?: number;
  /** Trunk groups whose members may be CDR trunks ("<cdr input>/<trunk>"): their calls are counted here. */
  groups?: readonly TrunkGroupConfig[];
}

/** The checkpoint before CDR batches were kept. */
type ProfilesV2 = CdrCounts & { version: 2; minutes: PerQuarter };

const emptyCdrCounts = (): CdrCounts => ({ talkMs: {}, attempts: {}, blocked: {} });
const empty = (): Profiles => ({ version: 3, minutes: {}, ...emptyCdrCounts(), cdrBatches: {} });

/**
 * Carried traffic per trunk group and quarter hour, kept for `keepDays` and checkpointed, so that
 * the busy hour, Erlang B advice and observed blocking need no query against storage. Minutes come
 * from the switch's trunk_group points (attributed to the poll's quarter) and from CDRs of member
 * trunks (cdr_call: each answered call's talk time split over the quarters it spans, its end taken
 * to the second). A crash loses at most the switch's minutes since the last checkpoint.
 *
 * CDRs count exactly once across crashes. The CDR input checkpoints a batch only after every
 * sink's flush (this one saves then), so a crash in between makes it read that batch again; it
 * emits no batch before the previous one is checkpointed, so only its last batch can come again.
 * Each batch opens with a cdr_batch point: the calls the input had counted before it. This sink
 * keeps, per input, the last batch's calls_before and what its calls added; a batch with the same
 * calls_before is that batch read again (it may hold more calls, or others closed by the clock),
 * so what the first reading added is taken out before the batch is counted. No per-call keys.
 */
export class TrafficProfileSink implements Sink {
  readonly name = 'traffic-profile';
  readonly #checkpoint: JsonCheckpoint<Profiles | ProfilesV2 | PerQuarter>;
  readonly #keepDays: number;
  readonly #saveEveryMs: number;
  readonly #groupOf = new Map<string, string>();
  #profiles: Profiles = empty();
  /** CDR inputs whose cdr_batch point came in the write being counted: their calls also go into the batch's `added`. */
  readonly #batchOf = new Map<string, CdrBatch>();
  #timer: NodeJS.Timeout | undefined;

  constructor(file: string, options: TrafficProfileOptions = {}) {
    this.#checkpoint = new JsonCheckpoint(file);
    this.#keepDays = options.keepDays ?? 35;
    this.#saveEveryMs = options.saveEveryMs ?? 60_000;
    for (const group of options.groups ?? []) for (const member of group.members) this.#groupOf.set(member, group.name);
  }

  async start(): Promise<void> {
    const saved = this.#checkpoint.read();
    // Version 1 held minutes only; version 2 had no CDR batches.
    if (!saved) this.#profiles = empty();
    else if (saved.version === 3) this.#profiles = saved as Profiles;
    else if (saved.version === 2) this.#profiles = { ...(saved as ProfilesV2), version: 3, cdrBatches: {} };
    else this.#profiles = { ...empty(), minutes: saved as PerQuarter };
    this.#timer = setInterval(() => this.#save(), this.#saveEveryMs).unref();
  }

  write(metrics: readonly Metric[]): void {
    // The input puts its cdr_batch point first; looked for in a pass of its own all the same, as the calls depend on it.
    for (const m of metrics) if (m.measurement === cdrBatch.measurement) this.#batch(m);
    for (const m of metrics) {
      if (m.destination === 'live') continue;
      if (m.measurement === 'trunk_group') this.#switchPoint(m);
      else if (m.measurement === 'cdr_call') this.#call(m);
    }
    this.#batchOf.clear();
  }

  async flush(): Promise<void> {
    this.#save();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#save();
  }

  /** Quarter hours of one group, oldest first, as Erlangs (minutes / 15). */
  quarters(group: string): QuarterHour[] {
    const minutes = this.#profiles.minutes[group] ?? {};
    const talkMs = this.#profiles.talkMs[group] ?? {};
    return [...new Set([...Object.keys(minutes), ...Object.keys(talkMs)])]
      .map((start) => ({ start: Number(start), erlangs: ((minutes[start] ?? 0) + (talkMs[start] ?? 0) / 60_000) / 15 }))
      .sort((a, b) => a.start - b.start);
  }

  /** Quarter hours of one group with call attempts, oldest first. */
  calls(group: string): QuarterCalls[] {
    const blocked = this.#profiles.blocked[group] ?? {};
    return Object.entries(this.#profiles.attempts[group] ?? {})
      .map(([start, attempts]) => ({ start: Number(start), attempts, blocked: blocked[start] ?? 0 }))
      .sort((a, b) => a.start - b.start);
  }

  #switchPoint(m: Metric): void {
    const group = m.tags.trunk_group;
    if (!group) return;
    const minutes = m.fields.minutes;
    if (typeof minutes === 'number' && minutes > 0) add(this.#profiles.minutes, group, quarterOf(m.time), minutes);
    const attempts = m.fields.calls_attempts;
    if (typeof attempts === 'number' && attempts > 0) add(this.#profiles.attempts, group, quarterOf(m.time), attempts);
    // a SIP trunk's 503 / cause 34 replies, counted by the switch (the Kamailio input's calls_blocked)
    const blocked = m.fields.calls_blocked;
    if (typeof blocked === 'number' && blocked > 0) add(this.#profiles.blocked, group, quarterOf(m.time), blocked);
  }

  /** A CDR input's batch begins: the same calls_before as its last batch means that batch again, so what it added goes. */
  #batch(m: Metric): void {
    const source = m.tags.source;
    const callsBefore = m.fields.calls_before;
    if (source === undefined || typeof callsBefore !== 'number') return;
    const last = this.#profiles.cdrBatches[source];
    if (last?.callsBefore === callsBefore)
      forEachCount(last.added, (table, group, quarter, value) => add(this.#profiles[table], group, quarter, -value));
    const batch: CdrBatch = { callsBefore, added: emptyCdrCounts() };
    this.#profiles.cdrBatches[source] = batch;
    this.#batchOf.set(source, batch);
  }

  #call(m: Metric): void {
    const group = this.#groupOf.get(`${m.tags.source}/${m.tags.trunk}`);
    if (!group) return;
    const added = this.#batchOf.get(m.tags.source!)?.added;
    const end = Math.floor(m.time / 1000) * 1000;
    this.#count(added, 'attempts', group, quarterOf(end), 1);
    if (isBlocked(m.fields)) this.#count(added, 'blocked', group, quarterOf(end), 1);
    const billable = Number(m.fields.billable_ms ?? 0);
    for (let from = end - billable; from < end;) {
      const to = Math.min(end, quarterOf(from) + QUARTER_MS);
      this.#count(added, 'talkMs', group, quarterOf(from), to - from);
      from = to;
    }
  }

  /** Counts a call in the profile and, when it came in a batch, in what the batch added. */
  #count(added: CdrCounts | undefined, table: keyof CdrCounts, group: string, quarter: number, value: number): void {
    add(this.#profiles[table], group, quarter, value);
    if (added) add(added[table], group, quarter, value);
  }

  #save(): void {
    const oldest = Date.now() - this.#keepDays * 86_400_000;
    const p = this.#profiles;
    const tables = [
      p.minutes,
      p.talkMs,
      p.attempts,
      p.blocked,
      ...Object.values(p.cdrBatches).flatMap(({ added }) => [added.talkMs, added.attempts, added.blocked]),
    ];
    for (const table of tables) {
      for (const profile of Object.values(table))
        for (const start of Object.keys(profile)) if (Number(start) < oldest) delete profile[start];
    }
    this.#checkpoint.write(this.#profiles);
  }
}

const quarterOf = (ms: number) => Math.floor(ms / QUARTER_MS) * QUARTER_MS;

/** Adds to a quarter's value; a value taken back to 0 is removed (a quarter without traffic is not in the profile). */
function add(table: PerQuarter, group: string, quarter: number | string, value: number): void {
  const profile = (table[group] ??= {});
  const sum = (profile[quarter] ?? 0) + value;
  if (sum === 0) delete profile[quarter];
  else profile[quarter] = sum;
}

function forEachCount(counts: CdrCounts, each: (table: keyof CdrCounts, group: string, quarter: string, value: number) => void): void {
  for (const table of ['talkMs', 'attempts', 'blocked'] as const)
    for (const [group, profile] of Object.entries(counts[table]))
      for (const [quarter, value] of Object.entries(profile)) each(table, group, quarter, value);
}
