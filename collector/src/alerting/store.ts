import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StateJournal, type Replay } from './journal.js';

export type { AlertingState } from './journal.js';

/** One line of the notification log (notifications.jsonl in the state dir). */
export interface LogEntry {
  time: number;
  status: 'queued' | 'sent' | 'retry' | 'failed' | 'suppressed';
  group: string;
  event?: string;
  notifier?: string;
  notificationId?: string;
  dedupKey?: string;
  attempt?: number;
  error?: string;
  /** For suppressed: the alert held back and why (inhibited by, silence, maintenance window). */
  fingerprint?: string;
  alertname?: string;
  reason?: string;
}

const LOG_ROTATE_BYTES = 10 * 1024 * 1024;
const RECENT = 500;

/**
 * The alerting state (alerts, groups, the outbox of notifications not yet delivered, silences) as a
 * snapshot and a journal of changes (journal.ts), and an append-only notification log. Changes are
 * committed before a notification is sent (write-ahead), so a crash re-sends at most what was in
 * flight, under the same notification id and dedup key, and never forgets a group it has paged.
 */
export class AlertingStore {
  readonly journal: StateJournal;
  readonly #logFile: string;
  readonly #recent: LogEntry[] = [];
  #unwritten: string[] = [];

  constructor(
    dir: string,
    private readonly onEntry?: (entry: LogEntry) => void,
  ) {
    mkdirSync(dir, { recursive: true });
    this.journal = new StateJournal(dir);
    this.#logFile = join(dir, 'notifications.jsonl');
    this.#recent.push(...readTail(this.#logFile, RECENT));
  }

  load(): Replay {
    return this.journal.load();
  }

  /** Buffers an entry; `flushLog` appends the buffered ones in one write (a mass outage logs thousands per evaluation). */
  log(entry: LogEntry): void {
    this.#recent.push(entry);
    if (this.#recent.length > RECENT * 2) this.#recent.splice(0, this.#recent.length - RECENT);
    this.#unwritten.push(JSON.stringify(entry));
    this.onEntry?.(entry);
  }

  flushLog(): void {
    if (this.#unwritten.length === 0) return;
    try {
      if ((statSync(this.#logFile, { throwIfNoEntry: false })?.size ?? 0) > LOG_ROTATE_BYTES)
        renameSync(this.#logFile, `${this.#logFile}.1`);
    } catch {
      // rotation is best effort; appending below still records the entries
    }
    const lines = `${this.#unwritten.join('\n')}\n`;
    this.#unwritten = [];
    appendFileSync(this.#logFile, lines);
  }

  /** Newest last. */
  recent(limit: number): LogEntry[] {
    return this.#recent.slice(-limit);
  }
}

function readTail(file: string, limit: number): LogEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .slice(-limit - 1)
    .flatMap((line) => {
      try {
        return line ? [JSON.parse(line) as LogEntry] : [];
      } catch {
        return []; // a line cut by a crash
      }
    });
}
