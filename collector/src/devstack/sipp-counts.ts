// SIPp's per-message counts, from its -trace_counts CSV (<scenario>_<pid>_counts.csv in its
// working directory, a row every -fd period and one at exit). Columns are named
// "<index>_<message>_<what>", e.g. "1_503_Sent", "0_INVITE_Recv", "4_CANCEL_Retrans", with
// cumulative values; the first three columns are dates. SIPp's own view of what it sent, so a
// test compares what Kamailio counted with an independent count.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseSippStatCsv } from './sipp-stats.js';

export interface SippMessageCount {
  /** The message's index in the scenario. */
  index: number;
  /** The method or response code, e.g. "INVITE", "503". */
  message: string;
  /** Sent (a send) or received (a recv) once per call, retransmissions apart. */
  count: number;
  retransmissions: number;
  timeouts: number;
  unexpected: number;
}

export interface SippCounts {
  /** When SIPp wrote the row, ms since the epoch. */
  time: number;
  messages: SippMessageCount[];
}

const COLUMN = /^(\d+)_(.+)_(Sent|Recv|Retrans|Timeout|Unexp)$/;

/** The last row of a -trace_counts CSV. */
export function parseSippCounts(text: string): SippCounts {
  const row = parseSippStatCsv(text, 'CurrentTime').at(-1);
  if (row === undefined) throw new Error('SIPp counts CSV has a header but no data row');
  const epoch = /(\d+\.\d+)\s*$/.exec(row.CurrentTime ?? '')?.[1];
  if (epoch === undefined) throw new Error(`SIPp counts CSV: no epoch in CurrentTime "${row.CurrentTime}"`);
  const byIndex = new Map<number, SippMessageCount>();
  for (const [column, value] of Object.entries(row)) {
    const match = COLUMN.exec(column);
    if (!match) continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`SIPp counts CSV column ${column} is not a count: "${value}"`);
    const index = Number(match[1]);
    const entry = byIndex.get(index) ?? { index, message: match[2]!, count: 0, retransmissions: 0, timeouts: 0, unexpected: 0 };
    const what = match[3]!;
    if (what === 'Sent' || what === 'Recv') entry.count = n;
    else if (what === 'Retrans') entry.retransmissions = n;
    else if (what === 'Timeout') entry.timeouts = n;
    else entry.unexpected = n;
    byIndex.set(index, entry);
  }
  return { time: Math.round(Number(epoch) * 1000), messages: [...byIndex.values()].sort((a, b) => a.index - b.index) };
}

/** The counts file SIPp keeps in `dir` (one SIPp per directory; after a restart, the newest run's file). */
export function readSippCounts(dir: string): SippCounts {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('_counts.csv'))
    .map((f) => ({ path: join(dir, f), mtime: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  if (files[0] === undefined) throw new Error(`no SIPp *_counts.csv in ${dir} (is -trace_counts on?)`);
  return parseSippCounts(readFileSync(files[0].path, 'utf8'));
}

/** How many times SIPp sent (or received) `message`, summed over the scenario steps that name it. */
export function messageTotal(counts: SippCounts, message: string, what: 'count' | 'retransmissions' = 'count'): number {
  return counts.messages.filter((m) => m.message === message).reduce((sum, m) => sum + m[what], 0);
}
