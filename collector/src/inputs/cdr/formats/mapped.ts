import { z } from 'zod';
import { CSV_ERROR, splitCsvLine } from '../csv.js';
import { reject, row, skip, type Disposition, type LineResult } from '../record.js';
import type { Zone } from '../zone.js';
import { nonNegativeInt, secondsToMs } from './fields.js';

/** A column by 1-based position or by header name (then `header: true`). */
const column = z.union([z.number().int().min(1), z.string().min(1)]);

/** Column mapping for CSV layouts without a parser of their own. */
export const mappingSchema = z.strictObject({
  delimiter: z.string().length(1).default(','),
  /** The first line names the columns (and is skipped). */
  header: z.boolean().default(false),
  /** How times are written: local wall-clock "YYYY-MM-DD HH:MM:SS" in sourceTimezone, or epoch seconds / ms. */
  timeFormat: z.enum(['local', 'epoch', 'epoch_ms']).default('local'),
  columns: z.strictObject({
    start: column,
    answer: column.optional(),
    end: column.optional(),
    /** Billable (talk) seconds; without it, end - answer. */
    billsec: column.optional(),
    src: column,
    dst: column,
    disposition: column.optional(),
    cause: column.optional(),
    sipCode: column.optional(),
    id: column.optional(),
    inTrunk: column.optional(),
    outTrunk: column.optional(),
    /** Time of first ring/progress, for post-dial delay. */
    progress: column.optional(),
  }),
  /** Disposition column values (case-insensitive); a call with billable time > 0 is answered regardless. */
  dispositions: z
    .strictObject({
      answered: z.array(z.string()).default(['ANSWERED', 'ANSWER']),
      busy: z.array(z.string()).default(['BUSY']),
      no_answer: z.array(z.string()).default(['NO ANSWER', 'NOANSWER', 'CANCEL']),
      failed: z.array(z.string()).default(['FAILED', 'CONGESTION', 'CHANUNAVAIL']),
    })
    .prefault({}),
});

export type Mapping = z.output<typeof mappingSchema>;
type ColumnName = keyof Mapping['columns'];

export interface MappedState {
  header?: string[];
}

export class MappedCsvParser {
  #header: string[] | undefined;
  /** 0-based position of each mapped column (named ones once the header is known), and how many columns a line needs. */
  #position: Partial<Record<ColumnName, number>> = {};
  #width = 0;
  readonly #dispositions = new Map<string, Disposition>();

  constructor(private readonly mapping: Mapping, private readonly zone: Zone, state?: MappedState) {
    this.#useHeader(state?.header);
    for (const [d, values] of Object.entries(mapping.dispositions)) for (const v of values) this.#dispositions.set(v.toUpperCase(), d as Disposition);
  }

  state(): MappedState {
    return this.#header ? { header: this.#header } : {};
  }

  parse(line: string): LineResult {
    const f = splitCsvLine(line, this.mapping.delimiter);
    if (!f) return reject(CSV_ERROR);
    if (this.mapping.header && !this.#header) {
      const missing = Object.values(this.mapping.columns).filter((c) => typeof c === 'string' && !f.includes(c));
      if (missing.length) return reject(`header lacks mapped column(s) ${missing.join(', ')}`);
      this.#useHeader(f);
      return skip('header');
    }
    // A short line would otherwise read its missing columns as empty: a call without an end or a number.
    if (f.length < this.#width) return reject(this.#missingColumns(f.length));
    const position = this.#position;
    const value = (name: ColumnName): string | undefined => {
      const i = position[name];
      return i === undefined ? undefined : f[i];
    };
    const time = (name: ColumnName, notBefore?: number): number | undefined | 'bad' => {
      const text = value(name);
      if (text === undefined || text === '') return undefined;
      const t =
        this.mapping.timeFormat === 'local'
          ? this.zone.parseLocal(text, notBefore)
          : this.mapping.timeFormat === 'epoch'
            ? secondsToMs(text)
            : nonNegativeInt(text);
      return t === undefined ? 'bad' : t;
    };
    const startMs = time('start');
    if (startMs === undefined || startMs === 'bad') return reject(`column ${String(this.mapping.columns.start)} (start): not a time: "${value('start') ?? ''}"`);
    const answerMs = time('answer', startMs);
    if (answerMs === 'bad') return reject(`column ${String(this.mapping.columns.answer)} (answer): not a time: "${value('answer')}"`);
    const endMs = time('end', startMs);
    if (endMs === 'bad') return reject(`column ${String(this.mapping.columns.end)} (end): not a time: "${value('end')}"`);
    const progressMs = time('progress', startMs);
    if (progressMs === 'bad') return reject(`column ${String(this.mapping.columns.progress)} (progress): not a time: "${value('progress')}"`);
    let billableMs: number | undefined;
    if (this.mapping.columns.billsec !== undefined) {
      billableMs = secondsToMs(value('billsec'));
      if (billableMs === undefined) return reject(`column ${String(this.mapping.columns.billsec)} (billsec): not seconds: "${value('billsec') ?? ''}"`);
    } else billableMs = answerMs !== undefined && endMs !== undefined ? Math.max(0, endMs - answerMs) : 0;
    const dispositionText = value('disposition');
    let disposition: Disposition | undefined = billableMs > 0 || (dispositionText === undefined && answerMs !== undefined) ? 'answered' : undefined;
    if (!disposition && dispositionText !== undefined) {
      disposition = this.#dispositions.get(dispositionText.toUpperCase());
      if (!disposition) return reject(`column ${String(this.mapping.columns.disposition)} (disposition): unknown value "${dispositionText}"`);
    }
    const causeText = value('cause');
    const cause = causeText ? nonNegativeInt(causeText) : undefined;
    if (causeText && cause === undefined) return reject(`column ${String(this.mapping.columns.cause)} (cause): not a number: "${causeText}"`);
    const sipText = value('sipCode');
    const sipCode = sipText ? nonNegativeInt(sipText) : undefined;
    if (sipText && sipCode === undefined) return reject(`column ${String(this.mapping.columns.sipCode)} (sipCode): not a number: "${sipText}"`);
    return row({
      id: value('id') ?? '',
      startMs,
      ...(answerMs !== undefined ? { answerMs } : {}),
      endMs: endMs ?? startMs + (answerMs !== undefined ? answerMs - startMs : 0) + billableMs,
      billableMs: disposition === 'answered' || disposition === undefined ? billableMs : 0,
      src: value('src') ?? '',
      dst: value('dst') ?? '',
      disposition: disposition ?? 'no_answer',
      ...(cause !== undefined ? { cause } : {}),
      ...(sipCode !== undefined ? { sipCode } : {}),
      ...(value('inTrunk') ? { inTrunk: value('inTrunk') } : {}),
      ...(value('outTrunk') ? { outTrunk: value('outTrunk') } : {}),
      ...(progressMs !== undefined ? { pddMs: Math.max(0, progressMs - startMs) } : {}),
    });
  }

  #useHeader(header: string[] | undefined): void {
    this.#header = header;
    this.#position = {};
    for (const [name, c] of Object.entries(this.mapping.columns) as Array<[ColumnName, string | number | undefined]>) {
      const i = c === undefined ? -1 : typeof c === 'number' ? c - 1 : (header?.indexOf(c) ?? -1);
      if (i >= 0) this.#position[name] = i;
    }
    this.#width = Math.max(0, ...Object.values(this.#position).map((i) => i + 1));
  }

  #missingColumns(count: number): string {
    const missing = (Object.entries(this.#position) as Array<[ColumnName, number]>)
      .filter(([, i]) => i >= count)
      .map(([name]) => `${String(this.mapping.columns[name])} (${name})`);
    return `expected at least ${this.#width} columns, got ${count}: missing mapped column(s) ${missing.join(', ')}`;
  }
}
