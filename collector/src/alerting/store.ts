import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { JsonCheckpoint } from '../lib/checkpoint.js';
import type { Delivery } from './outbox.js';
import type { GroupState } from './groups.js';
import type { Silence } from './silences.js';
import type { AlertRecord } from './state.js';

export interface AlertingState {
  version: 1;
  savedAt: number;
  alerts: AlertRecord[];
  groups: GroupState[];
  outbox: Delivery[];
  silences: Silence[];
}

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
 * The alerting state (alerts, groups, the outbox of notifications not yet delivered, silences) in
 * one file replaced atomically, and an append-only notification log. The state is saved before a
 * notification is sent (write-ahead), so a crash re-sends at most what was in flight, under the
 * same notification id and dedup key, and never forgets a group it has paged.
 */
export class AlertingStore {
  readonly #checkpoint: JsonCheckpoint<AlertingState>;
  readonly #logFile: string;
  readonly #recent: LogEntry[] = [];
  #unwritten: string[] = [];

  constructor(
    dir: string,
    private readonly onEntry?: (entry: LogEntry) => void,
  ) {
    mkdirSync(dir, { recursive: true });
    this.#checkpoint = new JsonCheckpoint(join(dir, 'state.json'));
    this.#logFile = join(dir, 'notifications.jsonl');
    this.#recent.push(...readTail(this.#logFile, RECENT));
  }

  load(): AlertingState | undefined {
    const state = this.#checkpoint.read();
    if (state && state.version !== 1) throw new Error(`${this.#checkpoint.file}: unknown alerting state version ${String(state.version)}`);
    return state;
  }

  save(state: AlertingState): void {
    this.#checkpoint.write(state);
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
