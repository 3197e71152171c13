import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { JsonCheckpoint } from '../lib/checkpoint.js';
import type { GroupState } from './groups.js';
import type { Delivery } from './outbox.js';
import type { Silence } from './silences.js';
import type { AlertRecord } from './state.js';

export interface AlertingState {
  version: 1;
  savedAt: number;
  alerts: AlertRecord[];
  groups: GroupState[];
  outbox: Delivery[];
  silences: Silence[];
  /** The generation of the journal holding the changes made after this snapshot (absent: 0). */
  journal?: number;
}

export type RecordKind = 'alert' | 'group' | 'delivery' | 'silence';

/** A journal line: a record's new value, its removal, or the end of one commit (with the number of lines it holds). */
type Line = { put: RecordKind; id: string; value: unknown } | { delete: RecordKind; id: string } | { commit: number };

export interface Replay {
  state: AlertingState | undefined;
  /** Journal lines applied over the snapshot. */
  applied: number;
  /** Lines of an unfinished last commit (a crash while writing it), cut from the journal. */
  cut: number;
}

/** The journal is folded into a new snapshot once it outgrows the snapshot (and this): rewrites stay proportional to changes. */
const COMPACT_MIN_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

export const deliveryId = (d: Delivery): string => `${d.notifier} ${d.notification.id}`;

/**
 * The alerting state as a snapshot (`state.json`, replaced atomically) plus an append-only journal
 * of the records changed since (`journal-<generation>.jsonl`, one JSON line per record, each commit
 * closed by a `{"commit": lines}` line and fsynced before the caller sends anything). A commit cut
 * short by a crash is cut off at the next start. When the journal outgrows the snapshot, the whole
 * state becomes the snapshot of the next generation, and only then is the old journal removed.
 */
export class StateJournal {
  readonly #snapshot: JsonCheckpoint<AlertingState>;
  readonly #buffer = new Map<string, { kind: RecordKind; id: string; value: unknown }>();
  #generation = 0;
  #journalBytes = 0;
  #snapshotBytes = 0;
  /** An append failed (perhaps half done): the next commit writes a whole snapshot instead. */
  #broken = false;

  /** `compactAtBytes`: the journal size below which it is never compacted (tests make it small). */
  constructor(
    readonly dir: string,
    private readonly compactAtBytes = COMPACT_MIN_BYTES,
  ) {
    this.#snapshot = new JsonCheckpoint(join(dir, 'state.json'));
  }

  get file(): string {
    return this.#journalFile(this.#generation);
  }

  /** The snapshot, then the committed journal lines over it; an unfinished last commit is cut from the file. */
  load(): Replay {
    const snapshot = this.#snapshot.read();
    if (snapshot && snapshot.version !== 1)
      throw new Error(`${this.#snapshot.file}: unknown alerting state version ${String(snapshot.version)}`);
    this.#generation = snapshot?.journal ?? 0;
    this.#snapshotBytes = snapshot ? statSync(this.#snapshot.file).size : 0;
    this.#removeOtherJournals();
    const records: Record<RecordKind, Map<string, unknown>> = {
      alert: new Map(snapshot?.alerts.map((a) => [a.fingerprint, a])),
      group: new Map(snapshot?.groups.map((g) => [g.key, g])),
      delivery: new Map(snapshot?.outbox.map((d) => [deliveryId(d), d])),
      silence: new Map(snapshot?.silences.map((s) => [s.id, s])),
    };
    const { lines, committedBytes, cut } = this.#readJournal();
    for (const line of lines)
      if ('put' in line) records[line.put].set(line.id, line.value);
      else if ('delete' in line) records[line.delete].delete(line.id);
    this.#journalBytes = committedBytes;
    if (!snapshot && lines.length === 0) return { state: undefined, applied: 0, cut };
    const state: AlertingState = {
      version: 1,
      savedAt: snapshot?.savedAt ?? 0,
      alerts: [...records.alert.values()] as AlertRecord[],
      groups: [...records.group.values()] as GroupState[],
      outbox: [...records.delivery.values()] as Delivery[],
      silences: [...records.silence.values()] as Silence[],
    };
    return { state, applied: lines.length, cut };
  }

  /** Buffers a record's new value; written (as it is then) by the next commit. */
  put(kind: RecordKind, id: string, value: object): void {
    this.#buffer.set(`${kind}\u0000${id}`, { kind, id, value });
  }

  remove(kind: RecordKind, id: string): void {
    this.#buffer.set(`${kind}\u0000${id}`, { kind, id, value: undefined });
  }

  /**
   * Makes the buffered changes durable (append and fsync), or writes `whole()` as the next snapshot
   * when the journal would grow past the snapshot (a mass outage changes every alert at once) or an
   * append failed. Returns the bytes written.
   */
  commit(whole: () => AlertingState): number {
    if (this.#broken) return this.#compact(whole());
    if (this.#buffer.size === 0) return 0;
    const lines = [...this.#buffer.values()].map(({ kind, id, value }) =>
      JSON.stringify(value === undefined ? { delete: kind, id } : { put: kind, id, value }),
    );
    lines.push(JSON.stringify({ commit: lines.length }));
    const text = Buffer.from(`${lines.join('\n')}\n`);
    if (this.#journalBytes + text.length > Math.max(this.compactAtBytes, this.#snapshotBytes)) return this.#compact(whole());
    this.#buffer.clear();
    try {
      const fd = openSync(this.file, 'a');
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (this.#journalBytes === 0) syncDir(this.dir); // a new journal file: its name must survive a power cut too
    } catch (error) {
      this.#broken = true;
      throw error;
    }
    this.#journalBytes += text.length;
    return text.length;
  }

  #compact(state: AlertingState): number {
    this.#buffer.clear(); // the snapshot holds every change
    this.#broken = true; // until the new snapshot is in place
    const next = this.#generation + 1;
    rmSync(this.#journalFile(next), { force: true }); // never replay leftovers over the new snapshot
    this.#snapshot.write({ ...state, journal: next });
    syncDir(this.dir);
    const old = this.file;
    this.#generation = next;
    this.#journalBytes = 0;
    this.#snapshotBytes = statSync(this.#snapshot.file).size;
    this.#broken = false;
    rmSync(old, { force: true });
    return this.#snapshotBytes;
  }

  #readJournal(): { lines: Line[]; committedBytes: number; cut: number } {
    let data: Buffer;
    try {
      data = readFileSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], committedBytes: 0, cut: 0 };
      throw error;
    }
    const lines: Line[] = [];
    let batch: Line[] = [];
    let committedBytes = 0;
    let lineNo = 0;
    for (let offset = 0; offset < data.length;) {
      const end = data.indexOf(NEWLINE, offset);
      if (end < 0) break; // a line cut short
      lineNo++;
      let line: Line;
      try {
        line = JSON.parse(data.toString('utf8', offset, end)) as Line;
      } catch {
        // Garbage can only be the tail of a write cut short; before a later commit it is damage.
        if (data.indexOf('\n{"commit":', end) >= 0) throw new Error(`${this.file}:${lineNo}: unreadable alerting journal line`);
        break;
      }
      offset = end + 1;
      if (!('commit' in line)) {
        batch.push(line);
        continue;
      }
      if (line.commit !== batch.length)
        throw new Error(`${this.file}:${lineNo}: commit of ${line.commit} lines follows ${batch.length} lines`);
      lines.push(...batch);
      batch = [];
      committedBytes = offset;
    }
    const rest = data.subarray(committedBytes);
    const cut = rest.length === 0 ? 0 : rest.toString('utf8').split('\n').filter(Boolean).length;
    if (cut) truncateSync(this.file, committedBytes);
    return { lines, committedBytes, cut };
  }

  #journalFile(generation: number): string {
    return join(this.dir, `journal-${generation}.jsonl`);
  }

  /** Journals of older generations left by a crash during compaction (their changes are in the snapshot). */
  #removeOtherJournals(): void {
    for (const name of readdirSync(this.dir))
      if (/^journal-\d+\.jsonl$/.test(name) && name !== `journal-${this.#generation}.jsonl`) rmSync(join(this.dir, name), { force: true });
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
