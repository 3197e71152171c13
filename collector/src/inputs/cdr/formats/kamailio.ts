import { CallRow, checkedRow, dispositionFromSip, q850FromSip, reject, row, skip, type CdrRow, type LineResult } from '../record.js';
import type { Zone } from '../zone.js';
import { nonNegativeInt, nonNegativeIntAt, secondsToMs, secondsToMsAt, timestamp, timestampAt } from './fields.js';

/**
 * Kamailio accounting (shared/docs/real-services.md §3):
 * - acc flatstore dialog CDRs, acc_cdrs_<n>.log: `start|end|duration|<cdr_extra…>`, one per answered
 *   call, e.g. `1795621534|1795621538|4.008000|sipp|1000|sip:127.0.0.1:5070`;
 * - acc flatstore transactions, acc_<n>.log: `method|from_tag|to_tag|callid|code|reason|time|<db_extra…>`.
 *   A failed INVITE (code >= 300, failed_transaction_flag) is a failed call; a 2xx INVITE is skipped
 *   because the same call arrives as a CDR; other methods (BYE…) are skipped;
 * - acc_json CDRs: one JSON object a line, or the `{"key":"cdr","val":"{…}"}` mqueue wrapper.
 * The extra columns are named in the config (cdr_extra / db_extra order), defaulting to the
 * reference config: src_user, dst_user, gw for CDRs; src_user, dst_user for transactions.
 */
export interface KamailioLayout {
  cdrExtra: readonly string[];
  accExtra: readonly string[];
}

export const DEFAULT_KAMAILIO_LAYOUT: KamailioLayout = { cdrExtra: ['src_user', 'dst_user', 'gw'], accExtra: ['src_user', 'dst_user'] };

/** Where each "|"-separated field of the current line starts and ends (read in place, cut out only when kept). */
let bounds = new Int32Array(2 * 16);

/** Splits the flatstore line text[start, end) into `bounds`; returns the field count. */
function splitBars(line: string, start: number, end: number): number {
  let count = 0;
  let from = start;
  for (;;) {
    let bar = line.indexOf('|', from);
    if (bar >= end) bar = -1;
    const fieldEnd = bar < 0 ? end : bar;
    if (2 * count + 2 > bounds.length) {
      const bigger = new Int32Array(bounds.length * 2);
      bigger.set(bounds);
      bounds = bigger;
    }
    bounds[2 * count] = from;
    bounds[2 * count + 1] = fieldEnd;
    count += 1;
    if (bar < 0) return count;
    from = bar + 1;
  }
}

const text = (line: string, i: number) => line.slice(bounds[2 * i], bounds[2 * i + 1]);
/** Field `first + i` as a string; undefined when the layout has no such column (i = -1). */
const column = (line: string, first: number, i: number): string | undefined => (i < 0 ? undefined : text(line, first + i));

/** The first field is a SIP method (INVITE, BYE…): upper-case letters only. */
function isMethod(line: string): boolean {
  const start = bounds[0]!;
  const end = bounds[1]!;
  if (end === start) return false;
  for (let i = start; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}

/** Extra columns by name (see KamailioLayout). */
interface Extra {
  callid?: string;
  src_user?: string;
  dst_user?: string;
  gw?: string;
}

/** Position among the extra columns of each one a call needs (-1: not in the layout); worked out once per layout, not per line. */
interface ExtraIndex {
  callid: number;
  src_user: number;
  dst_user: number;
  gw: number;
}

const extraIndexes = new WeakMap<readonly string[], ExtraIndex>();

function extraIndex(names: readonly string[]): ExtraIndex {
  let index = extraIndexes.get(names);
  if (!index) {
    index = {
      callid: names.indexOf('callid'),
      src_user: names.indexOf('src_user'),
      dst_user: names.indexOf('dst_user'),
      gw: names.indexOf('gw'),
    };
    extraIndexes.set(names, index);
  }
  return index;
}

function extraColumns(line: string, names: readonly string[], first: number): Extra {
  const i = extraIndex(names);
  return {
    callid: column(line, first, i.callid),
    src_user: column(line, first, i.src_user),
    dst_user: column(line, first, i.dst_user),
    gw: column(line, first, i.gw),
  };
}

/** Parses a line, or the line text[start, end) of a larger text (flatstore lines are read in place). */
export function parseKamailioLine(
  line: string,
  zone: Zone,
  layout: KamailioLayout = DEFAULT_KAMAILIO_LAYOUT,
  start = 0,
  end = line.length,
): LineResult {
  if (line.charCodeAt(start) === 123 /* { */) {
    return parseKamailioJson(start === 0 && end === line.length ? line : line.slice(start, end), zone);
  }
  const n = splitBars(line, start, end);
  if (n < 3) return reject(`expected "|"-separated acc fields, got ${n} field(s)`);
  if (isMethod(line)) return transaction(line, n, zone, layout);
  const startMs = timestampAt(line, bounds[0]!, bounds[1]!, zone);
  if (startMs === undefined) return reject(`field 1 (start_time): not a time: "${text(line, 0)}"`);
  const endMs = timestampAt(line, bounds[2]!, bounds[3]!, zone, startMs);
  if (endMs === undefined) return reject(`field 2 (end_time): not a time: "${text(line, 1)}"`);
  const durationMs = secondsToMsAt(line, bounds[4]!, bounds[5]!);
  if (durationMs === undefined) return reject(`field 3 (duration): not seconds: "${text(line, 2)}"`);
  if (n !== 3 + layout.cdrExtra.length) {
    return reject(`expected ${3 + layout.cdrExtra.length} fields (start|end|duration|${layout.cdrExtra.join('|')}), got ${n}`);
  }
  return answeredCall(extraColumns(line, layout.cdrExtra, 3), startMs, endMs, durationMs);
}

/** One per answered call, the bulk of a Kamailio file: the row is built straight from the fields (no literal, then copy). */
function answeredCall(extra: Extra, startMs: number, endMs: number, durationMs: number): LineResult {
  // prettier-ignore
  return checkedRow(
    new CallRow(
      extra.callid ?? '', startMs, startMs, endMs, durationMs, extra.src_user ?? '', extra.dst_user ?? '', 'answered',
      undefined, 200, undefined, extra.gw || undefined, undefined, undefined,
    ),
  );
}

function transaction(line: string, n: number, zone: Zone, layout: KamailioLayout): LineResult {
  if (n !== 7 + layout.accExtra.length) {
    return reject(
      `expected ${7 + layout.accExtra.length} fields (method|from_tag|to_tag|callid|code|reason|time|${layout.accExtra.join('|')}), got ${n}`,
    );
  }
  const code = nonNegativeIntAt(line, bounds[8]!, bounds[9]!);
  if (code === undefined || code < 100 || code > 699) return reject(`field 5 (sip_code): not a SIP status code: "${text(line, 4)}"`);
  const time = timestampAt(line, bounds[12]!, bounds[13]!, zone);
  if (time === undefined) return reject(`field 7 (time): not a time: "${text(line, 6)}"`);
  if (!line.startsWith('INVITE|', bounds[0])) return skip(`${text(line, 0)} transaction`);
  if (code < 300) return skip('answered INVITE: counted from its dialog CDR (acc_cdrs)');
  return row(failedCall(text(line, 3), code, time, extraColumns(line, layout.accExtra, 7)));
}

function failedCall(callid: string, code: number, time: number, extra: Extra): CdrRow {
  return {
    id: callid,
    startMs: time,
    endMs: time,
    billableMs: 0,
    src: extra.src_user ?? '',
    dst: extra.dst_user ?? '',
    disposition: dispositionFromSip(code),
    sipCode: code,
    cause: q850FromSip(code),
    outTrunk: extra.gw || undefined,
  };
}

function parseKamailioJson(line: string, zone: Zone): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return reject(`not JSON: ${(error as Error).message}`);
  }
  if (
    value &&
    typeof value === 'object' &&
    (value as { key?: unknown }).key === 'cdr' &&
    typeof (value as { val?: unknown }).val === 'string'
  ) {
    try {
      value = JSON.parse((value as { val: string }).val);
    } catch (error) {
      return reject(`mqueue "val" is not JSON: ${(error as Error).message}`);
    }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return reject('JSON CDR is not an object');
  const o = value as Record<string, unknown>;
  const text = (k: string) => (o[k] === undefined || o[k] === null ? undefined : String(o[k]));
  const extra = { callid: text('callid'), src_user: text('src_user'), dst_user: text('dst_user'), gw: text('gw') };
  if (o.method !== undefined) {
    const code = nonNegativeInt(text('sip_code'));
    const time = timestamp(text('time'), zone);
    if (code === undefined || code < 100 || code > 699) return reject(`"sip_code": not a SIP status code: ${JSON.stringify(o.sip_code)}`);
    if (time === undefined) return reject(`"time": not a time: ${JSON.stringify(o.time)}`);
    if (o.method !== 'INVITE') return skip(`${String(o.method)} transaction`);
    if (code < 300) return skip('answered INVITE: counted from its dialog CDR');
    return row(failedCall(extra.callid ?? '', code, time, extra));
  }
  const startMs = timestamp(text('start_time'), zone);
  if (startMs === undefined) return reject(`"start_time": not a time: ${JSON.stringify(o.start_time)}`);
  const endMs = timestamp(text('end_time'), zone, startMs);
  if (endMs === undefined) return reject(`"end_time": not a time: ${JSON.stringify(o.end_time)}`);
  const durationMs = secondsToMs(text('duration'));
  if (durationMs === undefined) return reject(`"duration": not seconds: ${JSON.stringify(o.duration)}`);
  return answeredCall(extra, startMs, endMs, durationMs);
}
