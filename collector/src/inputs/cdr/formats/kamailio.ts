import { dispositionFromSip, q850FromSip, reject, row, skip, type CdrRow, type LineResult } from '../record.js';
import type { Zone } from '../zone.js';
import { nonNegativeInt, secondsToMs, timestamp } from './fields.js';

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

const METHOD = /^[A-Z]+$/;

export function parseKamailioLine(line: string, zone: Zone, layout: KamailioLayout = DEFAULT_KAMAILIO_LAYOUT): LineResult {
  if (line.charCodeAt(0) === 123 /* { */) return parseKamailioJson(line, zone);
  const f = line.split('|');
  if (f.length < 3) return reject(`expected "|"-separated acc fields, got ${f.length} field(s)`);
  if (METHOD.test(f[0]!)) return transaction(f, zone, layout);
  const startMs = timestamp(f[0], zone);
  if (startMs === undefined) return reject(`field 1 (start_time): not a time: "${f[0]}"`);
  const endMs = timestamp(f[1], zone);
  if (endMs === undefined) return reject(`field 2 (end_time): not a time: "${f[1]}"`);
  const durationMs = secondsToMs(f[2]);
  if (durationMs === undefined) return reject(`field 3 (duration): not seconds: "${f[2]}"`);
  if (f.length !== 3 + layout.cdrExtra.length) return reject(`expected ${3 + layout.cdrExtra.length} fields (start|end|duration|${layout.cdrExtra.join('|')}), got ${f.length}`);
  const extra = named(layout.cdrExtra, f.slice(3));
  return row(answeredCall(extra, startMs, endMs, durationMs));
}

function named(names: readonly string[], values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) out[names[i]!] = values[i] ?? '';
  return out;
}

function answeredCall(extra: Record<string, string | undefined>, startMs: number, endMs: number, durationMs: number): CdrRow {
  return {
    id: extra.callid ?? '',
    startMs,
    answerMs: startMs,
    endMs,
    billableMs: durationMs,
    src: extra.src_user ?? '',
    dst: extra.dst_user ?? '',
    disposition: 'answered',
    sipCode: 200,
    ...(extra.gw ? { outTrunk: extra.gw } : {}),
  };
}

function transaction(f: readonly string[], zone: Zone, layout: KamailioLayout): LineResult {
  if (f.length !== 7 + layout.accExtra.length) {
    return reject(`expected ${7 + layout.accExtra.length} fields (method|from_tag|to_tag|callid|code|reason|time|${layout.accExtra.join('|')}), got ${f.length}`);
  }
  const [method, , , callid, codeText, , timeText] = f;
  const code = nonNegativeInt(codeText);
  if (code === undefined || code < 100 || code > 699) return reject(`field 5 (sip_code): not a SIP status code: "${codeText}"`);
  const time = timestamp(timeText, zone);
  if (time === undefined) return reject(`field 7 (time): not a time: "${timeText}"`);
  if (method !== 'INVITE') return skip(`${method} transaction`);
  if (code < 300) return skip('answered INVITE: counted from its dialog CDR (acc_cdrs)');
  const extra = named(layout.accExtra, f.slice(7));
  return row(failedCall(callid!, code, time, extra));
}

function failedCall(callid: string, code: number, time: number, extra: Record<string, string | undefined>): CdrRow {
  const cause = q850FromSip(code);
  return {
    id: callid,
    startMs: time,
    endMs: time,
    billableMs: 0,
    src: extra.src_user ?? '',
    dst: extra.dst_user ?? '',
    disposition: dispositionFromSip(code),
    sipCode: code,
    ...(cause !== undefined ? { cause } : {}),
    ...(extra.gw ? { outTrunk: extra.gw } : {}),
  };
}

function parseKamailioJson(line: string, zone: Zone): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return reject(`not JSON: ${(error as Error).message}`);
  }
  if (value && typeof value === 'object' && (value as { key?: unknown }).key === 'cdr' && typeof (value as { val?: unknown }).val === 'string') {
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
  const endMs = timestamp(text('end_time'), zone);
  if (endMs === undefined) return reject(`"end_time": not a time: ${JSON.stringify(o.end_time)}`);
  const durationMs = secondsToMs(text('duration'));
  if (durationMs === undefined) return reject(`"duration": not seconds: ${JSON.stringify(o.duration)}`);
  return row(answeredCall(extra, startMs, endMs, durationMs));
}
