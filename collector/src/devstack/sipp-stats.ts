// SIPp's own call statistics, from its -trace_stat CSV (one row per -fd period, and a
// last row written at exit). We report what SIPp counted rather than re-deriving it from
// our side, so a test compares Kamailio's view with an independent one.
//
// Format (SIPp 3.6): ';'-separated, header row of column names, a trailing ';' on every
// row; date columns contain tabs ("2026-11-25\t16:40:02.045885\t1795624802.045885").
// Counters come in pairs: "(P)" for the last period, "(C)" cumulative since start.

export type SippStatRow = Record<string, string>;

export interface SippStats {
  /** TotalCallCreated */
  created: number;
  /** SuccessfulCall(C): calls that reached the end of the scenario */
  successful: number;
  /** FailedCall(C) */
  failed: number;
  /** Non-zero Failed<Reason>(C) counters, e.g. { UnexpectedMessage: 4 } for 486s a UAC did not expect */
  failedByReason: Record<string, number>;
  /** CurrentCall at the time of the row (0 in the final row of a finished run) */
  currentCalls: number;
  retransmissions: number;
  outOfCallMessages: number;
  deadCallMessages: number;
  autoAnswered: number;
  fatalErrors: number;
  /** How many rows the file had (periods + final) */
  rows: number;
}

/** Rows of a SIPp CSV; `keyColumn` tells its kind (the -trace_counts CSV has the same layout, keyed by CurrentTime). */
export function parseSippStatCsv(text: string, keyColumn = 'TotalCallCreated'): SippStatRow[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0];
  if (header === undefined) throw new Error('SIPp stat CSV is empty');
  const columns = splitRow(header);
  if (!columns.includes(keyColumn)) throw new Error(`not a SIPp stat CSV (header: ${header.slice(0, 80)}…)`);
  return lines.slice(1).map((line, i) => {
    const cells = splitRow(line);
    if (cells.length !== columns.length) {
      throw new Error(`SIPp stat CSV row ${i + 1} has ${cells.length} fields, header has ${columns.length}`);
    }
    return Object.fromEntries(columns.map((column, j) => [column, cells[j]!]));
  });
}

/** Statistics of the last row: at the end of a run, the totals of the whole run. */
export function summarizeSippStats(text: string): SippStats {
  const rows = parseSippStatCsv(text);
  const last = rows.at(-1);
  if (last === undefined) throw new Error('SIPp stat CSV has a header but no data row');
  const count = (column: string): number => {
    const value = last[column];
    if (value === undefined) throw new Error(`SIPp stat CSV has no column ${column}`);
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`SIPp stat CSV column ${column} is not a number: "${value}"`);
    return n;
  };
  const failedByReason: Record<string, number> = {};
  for (const column of Object.keys(last)) {
    const reason = /^Failed(\w+)\(C\)$/.exec(column)?.[1];
    if (reason && reason !== 'Call' && count(column) > 0) failedByReason[reason] = count(column);
  }
  return {
    created: count('TotalCallCreated'),
    successful: count('SuccessfulCall(C)'),
    failed: count('FailedCall(C)'),
    failedByReason,
    currentCalls: count('CurrentCall'),
    retransmissions: count('Retransmissions(C)'),
    outOfCallMessages: count('OutOfCallMsgs(C)'),
    deadCallMessages: count('DeadCallMsgs(C)'),
    autoAnswered: count('AutoAnswered(C)'),
    fatalErrors: count('FatalErrors(C)'),
    rows: rows.length,
  };
}

function splitRow(line: string): string[] {
  const cells = line.replace(/\r$/, '').split(';');
  if (cells.at(-1) === '') cells.pop(); // SIPp ends every row with the delimiter
  return cells;
}
