import { JsonCheckpoint } from '../../lib/checkpoint.js';
import type { Metric } from '../../pipeline/metric.js';
import type { Sink } from '../../pipeline/sink.js';
import type { QuarterCalls, QuarterHour } from '../../traffic/busy-hour.js';
import { isBlocked } from '../../traffic/blocking.js';
import type { TrunkGroupConfig } from '../../traffic/trunk-groups.js';

const QUARTER_MS = 900_000;

/** Per group, per quarter-hour start (ms, as a string key): a number. */
type PerQuarter = Record<string, Record<string, number>>;

interface Profiles {
  version: 2;
  /** Minutes of use from the switch's polls. */
  minutes: PerQuarter;
  /** Talk time from CDRs, integer ms (sums stay exact). */
  talkMs: PerQuarter;
  /** Call attempts and, of them, calls blocked for want of a circuit (Q.850 34, SIP 503). */
  attempts: PerQuarter;
  blocked: PerQuarter;
}

export interface TrafficProfileOptions {
  keepDays?: number;
  saveEveryMs?: number;
  /** Trunk groups whose members may be CDR trunks ("<cdr input>/<trunk>"): their calls are counted here. */
  groups?: readonly TrunkGroupConfig[];
}

const empty = (): Profiles => ({ version: 2, minutes: {}, talkMs: {}, attempts: {}, blocked: {} });

/**
 * Carried traffic per trunk group and quarter hour, kept for `keepDays` and checkpointed, so that
 * the busy hour, Erlang B advice and observed blocking need no query against storage. Minutes come
 * from the switch's trunk_group points (attributed to the poll's quarter) and from CDRs of member
 * trunks (cdr_call: each answered call's talk time split over the quarters it spans, its end taken
 * to the second). A crash loses at most what came since the last checkpoint. Known limit: a CDR
 * batch this sink saved before the crash, but the CDR input had not yet checkpointed (it waits for
 * every sink's flush, InfluxDB's included), is read again and counted a second time here.
 */
export class TrafficProfileSink implements Sink {
  readonly name = 'traffic-profile';
  readonly #checkpoint: JsonCheckpoint<Profiles | Record<string, Record<string, number>>>;
  readonly #keepDays: number;
  readonly #saveEveryMs: number;
  readonly #groupOf = new Map<string, string>();
  #profiles: Profiles = empty();
  #timer: NodeJS.Timeout | undefined;

  constructor(file: string, options: TrafficProfileOptions = {}) {
    this.#checkpoint = new JsonCheckpoint(file);
    this.#keepDays = options.keepDays ?? 35;
    this.#saveEveryMs = options.saveEveryMs ?? 60_000;
    for (const group of options.groups ?? []) for (const member of group.members) this.#groupOf.set(member, group.name);
  }

  async start(): Promise<void> {
    const saved = this.#checkpoint.read();
    // A checkpoint of the first version held minutes only.
    this.#profiles = !saved ? empty() : saved.version === 2 ? (saved as Profiles) : { ...empty(), minutes: saved as PerQuarter };
    this.#timer = setInterval(() => this.#save(), this.#saveEveryMs).unref();
  }

  write(metrics: readonly Metric[]): void {
    for (const m of metrics) {
      if (m.destination === 'live') continue;
      if (m.measurement === 'trunk_group') this.#switchPoint(m);
      else if (m.measurement === 'cdr_call') this.#call(m);
    }
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

  #call(m: Metric): void {
    const group = this.#groupOf.get(`${m.tags.source}/${m.tags.trunk}`);
    if (!group) return;
    const end = Math.floor(m.time / 1000) * 1000;
    add(this.#profiles.attempts, group, quarterOf(end), 1);
    if (isBlocked(m.fields)) add(this.#profiles.blocked, group, quarterOf(end), 1);
    const billable = Number(m.fields.billable_ms ?? 0);
    for (let from = end - billable; from < end;) {
      const to = Math.min(end, quarterOf(from) + QUARTER_MS);
      add(this.#profiles.talkMs, group, quarterOf(from), to - from);
      from = to;
    }
  }

  #save(): void {
    const oldest = Date.now() - this.#keepDays * 86_400_000;
    for (const table of [this.#profiles.minutes, this.#profiles.talkMs, this.#profiles.attempts, this.#profiles.blocked]) {
      for (const profile of Object.values(table))
        for (const start of Object.keys(profile)) if (Number(start) < oldest) delete profile[start];
    }
    this.#checkpoint.write(this.#profiles);
  }
}

const quarterOf = (ms: number) => Math.floor(ms / QUARTER_MS) * QUARTER_MS;

function add(table: PerQuarter, group: string, quarter: number, value: number): void {
  const profile = (table[group] ??= {});
  profile[quarter] = (profile[quarter] ?? 0) + value;
}
