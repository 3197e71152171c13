import { CSV_ERROR, CsvFields } from '../csv.js';
import { reject, rowOf, type Disposition, type LineResult } from '../record.js';
import type { Zone } from '../zone.js';

/**
 * Asterisk cdr_csv Master.csv, no header. Columns: accountcode, src, dst, dcontext, clid, channel,
 * dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags
 * [, uniqueid [, userfield [, peeraccount, linkedid, sequence]]] — 16 to 18 columns before
 * Asterisk 12, 21 with its newcdrcolumns layout.
 *
 * One call can write several rows (parallel Dial, Local channels): rows are merged by linkedid
 * (uniqueid on old layouts). Billable time counts only ANSWERED rows on real channels, because the
 * two halves of a Local channel repeat the talk time of the leg they bridge.
 */
const COLUMN = { src: 1, dst: 2, channel: 5, dstchannel: 6, start: 9, answer: 10, end: 11, duration: 12, billsec: 13, disposition: 14, uniqueid: 16, linkedid: 19 } as const;

/** Disposition texts (most frequent first: they are compared in place) and what they mean. */
const DISPOSITION_TEXTS = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION'];
const DISPOSITIONS: readonly Disposition[] = ['answered', 'no_answer', 'busy', 'failed', 'failed'];

const fields = new CsvFields();

/** Parses a line, or the line text[start, end) of a larger text, read in place. */
export function parseAsteriskLine(text: string, zone: Zone, start = 0, end = text.length): LineResult {
  const f = fields;
  if (!f.scan(text, ',', start, end)) return reject(CSV_ERROR);
  const n = f.count;
  if (n < 16 || n > 21 || n === 19 || n === 20) {
    return reject(`expected 16-18 (Asterisk < 12) or 21 (Asterisk >= 12) columns, got ${n}`);
  }
  // Times and numbers are read in place; the text is cut out only to name it in a rejection.
  const startMs = f.localTime(COLUMN.start, zone);
  if (startMs === undefined) return reject(`column 10 (start): not a time: "${f.get(COLUMN.start)}"`);
  const endMs = f.localTime(COLUMN.end, zone, startMs);
  if (endMs === undefined) return reject(`column 12 (end): not a time: "${f.get(COLUMN.end)}"`);
  let answerMs: number | undefined;
  if (!f.isEmpty(COLUMN.answer)) {
    answerMs = f.localTime(COLUMN.answer, zone, startMs);
    if (answerMs === undefined) return reject(`column 11 (answer): not a time: "${f.get(COLUMN.answer)}"`);
  }
  const billsec = f.int(COLUMN.billsec);
  if (billsec === undefined) return reject(`column 14 (billsec): not a whole number of seconds: "${f.get(COLUMN.billsec)}"`);
  if (f.int(COLUMN.duration) === undefined) return reject(`column 13 (duration): not a whole number of seconds: "${f.get(COLUMN.duration)}"`);
  const known = f.indexIn(COLUMN.disposition, DISPOSITION_TEXTS);
  if (known < 0) return reject(`column 15 (disposition): unknown value "${f.get(COLUMN.disposition)}"`);
  const disposition = DISPOSITIONS[known]!;
  const realChannel = !f.startsWith(COLUMN.channel, 'Local/');
  const uniqueid = n > COLUMN.uniqueid ? f.get(COLUMN.uniqueid) : '';
  // One string when linkedid = uniqueid (the caller's own row), not two equal ones.
  const linkedid = n !== 21 ? '' : f.is(COLUMN.linkedid, uniqueid) ? uniqueid : f.get(COLUMN.linkedid);
  const callKey = linkedid || uniqueid;
  return rowOf(
    uniqueid || callKey,
    startMs,
    answerMs,
    endMs,
    disposition === 'answered' && realChannel ? billsec * 1000 : 0,
    f.get(COLUMN.src),
    f.get(COLUMN.dst),
    disposition,
    undefined,
    f.peer(COLUMN.channel),
    f.peer(COLUMN.dstchannel),
    callKey ? Array.of(callKey) : undefined, // Array.of, not a literal: see CallRow in record.ts
  );
}
