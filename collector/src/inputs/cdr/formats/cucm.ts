import { CSV_ERROR, CsvFields, splitCsvLine } from '../csv.js';
import { dispositionFromCause, reject, rowOf, skip, type LineResult } from '../record.js';

/**
 * Cisco Unified CM CDR flat files as sent to the billing server: line 1 the quoted column names,
 * line 2 the datatypes (INTEGER, VARCHAR(50), …), then one row per call. Times are epoch seconds;
 * dateTimeConnect is 0 for a call never connected; duration is connected seconds. CMR files
 * (cdrRecordType 2, QoS records) share the format and are recognised and skipped.
 * The parser keeps the header (its state), so columns are found by name on any CUCM release.
 */
const REQUIRED = [
  'cdrRecordType',
  'globalCallID_callManagerId',
  'globalCallID_callId',
  'dateTimeOrigination',
  'dateTimeConnect',
  'dateTimeDisconnect',
  'duration',
  'callingPartyNumber',
  'finalCalledPartyNumber',
  'origCause_value',
  'destCause_value',
  'origDeviceName',
  'destDeviceName',
] as const;
const CMR_REQUIRED = ['cdrRecordType', 'globalCallID_callId'] as const;

type Column = (typeof REQUIRED)[number];

export interface CucmState {
  header?: string[];
}

export class CucmParser {
  #index: Partial<Record<Column, number>> | undefined;
  #header: string[] | undefined;

  constructor(state?: CucmState) {
    if (state?.header) this.#useHeader(state.header);
  }

  state(): CucmState {
    return this.#header ? { header: this.#header } : {};
  }

  readonly #fields = new CsvFields();

  parse(line: string): LineResult {
    return this.parseAt(line, 0, line.length);
  }

  /** Parses the line text[start, end) of a larger text, in place (cut out only for the header). */
  parseAt(text: string, start: number, end: number): LineResult {
    if (text.startsWith('"cdrRecordType"', start) || text.startsWith('cdrRecordType,', start)) {
      return this.#readHeader(text.slice(start, end));
    }
    const f = this.#fields;
    if (!f.scan(text, ',', start, end)) return reject(CSV_ERROR);
    if (f.is(0, 'INTEGER')) return skip('CUCM datatype line');
    const index = this.#index;
    const header = this.#header;
    if (!index || !header) return reject('CUCM data line before the header line ("cdrRecordType",…)');
    if (f.count !== header.length) return reject(`expected ${header.length} columns as in the header, got ${f.count}`);
    if (f.is(0, '2')) return skip('CUCM CMR (call quality) record');
    if (f.is(0, '0')) return skip('CUCM start record');
    if (!f.is(0, '1')) return reject(`column 1 (cdrRecordType): expected 0, 1 or 2, got "${f.get(0)}"`);
    if (index.dateTimeOrigination === undefined) return reject('CMR header, but a CDR row (cdrRecordType 1)');
    return this.#cdr(f, index);
  }

  #readHeader(line: string): LineResult {
    const f = splitCsvLine(line);
    if (!f) return reject(CSV_ERROR);
    const missing = (f.includes('dateTimeOrigination') ? REQUIRED : CMR_REQUIRED).filter((c) => !f.includes(c));
    if (missing.length) return reject(`CUCM header lacks column(s) ${missing.join(', ')}`);
    this.#useHeader(f);
    return skip('CUCM header');
  }

  #cdr(fields: CsvFields, index: Partial<Record<Column, number>>): LineResult {
    // Plain index reads, no closures, numbers read in place: this runs once per CDR line.
    const origination = fields.int(index.dateTimeOrigination!);
    if (origination === undefined) {
      return reject(`column dateTimeOrigination: not epoch seconds: "${fields.get(index.dateTimeOrigination!)}"`);
    }
    const connect = fields.int(index.dateTimeConnect!);
    if (connect === undefined) return reject(`column dateTimeConnect: not epoch seconds: "${fields.get(index.dateTimeConnect!)}"`);
    const disconnect = fields.int(index.dateTimeDisconnect!);
    if (disconnect === undefined) return reject(`column dateTimeDisconnect: not epoch seconds: "${fields.get(index.dateTimeDisconnect!)}"`);
    const duration = fields.int(index.duration!);
    if (duration === undefined) return reject(`column duration: not a whole number of seconds: "${fields.get(index.duration!)}"`);
    const origCause = fields.int(index.origCause_value!);
    const destCause = fields.int(index.destCause_value!);
    if (origCause === undefined || destCause === undefined) return reject(`columns origCause_value/destCause_value: not numbers`);
    // The side that released the call carries the cause; 0 means "not this side". Values above 127
    // are Cisco-specific (call split, conference…), not Q.850.
    const rawCause = destCause !== 0 ? destCause : origCause;
    const cause = rawCause >= 1 && rawCause <= 127 ? rawCause : undefined;
    const connected = connect > 0;
    const origDevice = fields.get(index.origDeviceName!);
    const destDevice = fields.get(index.destDeviceName!);
    // Cause 16 without a connect: the caller hung up while it rang.
    const disposition = connected ? 'answered' : cause === 16 ? 'no_answer' : dispositionFromCause(cause);
    // prettier-ignore
    return rowOf(
      `${fields.get(index.globalCallID_callManagerId!)}-${fields.get(index.globalCallID_callId!)}`,
      origination * 1000, connected ? connect * 1000 : undefined, (disconnect || origination) * 1000, connected ? duration * 1000 : 0,
      fields.get(index.callingPartyNumber!), fields.get(index.finalCalledPartyNumber!), disposition, cause,
      origDevice || undefined, destDevice || undefined, undefined,
    );
  }

  #useHeader(header: string[]): void {
    this.#header = header;
    const index: Partial<Record<Column, number>> = {};
    for (const c of REQUIRED) {
      const i = header.indexOf(c);
      if (i >= 0) index[c] = i;
    }
    this.#index = index;
  }
}
