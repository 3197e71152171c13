import { CSV_ERROR, CsvFields } from '../csv.js';
import { dispositionFromCause, reject, rowOf, type LineResult } from '../record.js';
import type { Zone } from '../zone.js';

/**
 * FreeSWITCH mod_cdr_csv, default "example" template: caller_id_name, caller_id_number,
 * destination_number, context, start_stamp, answer_stamp, end_stamp, duration, billsec,
 * hangup_cause, uuid, bleg_uuid, accountcode, read_codec, write_codec. With legs=ab the A- and
 * B-leg of one call are two rows linked by bleg_uuid; they are merged into one call (assemble.ts).
 */
export const FREESWITCH_COLUMNS = 15;

/** Q.850 cause names as FreeSWITCH prints them (switch_channel.c CAUSE_CHART), the common ones. */
const CAUSES = new Map<string, number>(Object.entries({
  UNALLOCATED_NUMBER: 1, NO_ROUTE_TRANSIT_NET: 2, NO_ROUTE_DESTINATION: 3, CHANNEL_UNACCEPTABLE: 6, NORMAL_CLEARING: 16,
  USER_BUSY: 17, NO_USER_RESPONSE: 18, NO_ANSWER: 19, SUBSCRIBER_ABSENT: 20, CALL_REJECTED: 21, NUMBER_CHANGED: 22,
  REDIRECTION_TO_NEW_DESTINATION: 23, DESTINATION_OUT_OF_ORDER: 27, INVALID_NUMBER_FORMAT: 28, FACILITY_REJECTED: 29,
  NORMAL_UNSPECIFIED: 31, NORMAL_CIRCUIT_CONGESTION: 34, NETWORK_OUT_OF_ORDER: 38, NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42, REQUESTED_CHAN_UNAVAIL: 44, OUTGOING_CALL_BARRED: 52, INCOMING_CALL_BARRED: 54,
  BEARERCAPABILITY_NOTAUTH: 57, BEARERCAPABILITY_NOTAVAIL: 58, SERVICE_UNAVAILABLE: 63, BEARERCAPABILITY_NOTIMPL: 65,
  FACILITY_NOT_IMPLEMENTED: 69, SERVICE_NOT_IMPLEMENTED: 79, INCOMPATIBLE_DESTINATION: 88, INVALID_MSG_UNSPECIFIED: 95,
  MANDATORY_IE_MISSING: 96, RECOVERY_ON_TIMER_EXPIRE: 102, PROTOCOL_ERROR: 111, INTERWORKING: 127,
  ORIGINATOR_CANCEL: 487, ALLOTTED_TIMEOUT: 602, LOSE_RACE: 502, MEDIA_TIMEOUT: 604, PICKED_OFF: 503,
}));

const CAUSE_NAMES = [...CAUSES.keys()];

const fields = new CsvFields();
/** The last cause name read and its code: most lines repeat the line before's (NORMAL_CLEARING); compared in place. */
let lastCauseName = '';
let lastCode: number | undefined;

/** Parses a line, or the line text[start, end) of a larger text, read in place. */
export function parseFreeswitchLine(text: string, zone: Zone, start = 0, end = text.length): LineResult {
  const f = fields;
  if (!f.scan(text, ',', start, end)) return reject(CSV_ERROR);
  if (f.count !== FREESWITCH_COLUMNS) return reject(`expected ${FREESWITCH_COLUMNS} columns (mod_cdr_csv default template), got ${f.count}`);
  // Times and numbers are read in place; the text is cut out only to name it in a rejection.
  const startMs = f.localTime(4, zone);
  if (startMs === undefined) return reject(`column 5 (start_stamp): not a time: "${f.get(4)}"`);
  const endMs = f.localTime(6, zone, startMs);
  if (endMs === undefined) return reject(`column 7 (end_stamp): not a time: "${f.get(6)}"`);
  const answerMs = f.isEmpty(5) ? undefined : f.localTime(5, zone, startMs);
  if (!f.isEmpty(5) && answerMs === undefined) return reject(`column 6 (answer_stamp): not a time: "${f.get(5)}"`);
  const billsec = f.int(8);
  if (billsec === undefined) return reject(`column 9 (billsec): not a whole number of seconds: "${f.get(8)}"`);
  if (f.int(7) === undefined) return reject(`column 8 (duration): not a whole number of seconds: "${f.get(7)}"`);
  let code: number | undefined;
  if (lastCauseName !== '' && f.is(9, lastCauseName)) code = lastCode;
  else {
    const known = f.indexIn(9, CAUSE_NAMES);
    if (known < 0 && !/^[A-Z_]+$/.test(f.get(9))) return reject(`column 10 (hangup_cause): not a cause name: "${f.get(9)}"`);
    code = known < 0 ? undefined : CAUSES.get(CAUSE_NAMES[known]!);
    if (known >= 0) {
      lastCauseName = CAUSE_NAMES[known]!;
      lastCode = code;
    }
  }
  const uuid = f.get(10);
  if (!uuid) return reject('column 11 (uuid): empty');
  const otherLeg = f.get(11);
  const answered = answerMs !== undefined;
  // ORIGINATOR_CANCEL (SIP 487) is the caller giving up while it rang: no answer, not a network failure.
  const disposition = answered ? 'answered' : code === 487 ? 'no_answer' : dispositionFromCause(code);
  return rowOf(
    uuid,
    startMs,
    answerMs,
    endMs,
    answered ? billsec * 1000 : 0,
    f.get(1),
    f.get(2),
    disposition,
    code !== undefined && code <= 127 ? code : undefined,
    undefined,
    undefined,
    otherLeg ? Array.of(uuid, otherLeg) : Array.of(uuid), // Array.of, not a literal: see CallRow in record.ts
  );
}
