import { reject, type LineResult } from '../record.js';
import type { Zone } from '../zone.js';
import { parseAsteriskLine } from './asterisk.js';
import { CucmParser } from './cucm.js';
import { detectFormat, type CdrFormat } from './detect.js';
import { parseFreeswitchLine } from './freeswitch.js';
import { DEFAULT_KAMAILIO_LAYOUT, parseKamailioLine, type KamailioLayout } from './kamailio.js';
import { MappedCsvParser, type Mapping } from './mapped.js';

export { FORMATS, detectFormat, type CdrFormat } from './detect.js';

export interface ParserOptions {
  format: CdrFormat | 'auto';
  /** Zone in which the switch writes local wall-clock times. */
  sourceZone: Zone;
  kamailio?: KamailioLayout;
  mapping?: Mapping;
}

/** What a file's parser must remember across restarts: the detected format and any header. */
export interface ParserState {
  format?: CdrFormat;
  header?: string[];
}

/** How the legs of one call are combined: Asterisk rows each bill their own part, FreeSWITCH A/B legs repeat the same talk time. */
export type LegBillable = 'sum' | 'max';

/** A per-file, stateful line parser: header-based formats and auto-detection remember what they saw. */
export class LineParser {
  #format: CdrFormat | undefined;
  #cucm: CucmParser | undefined;
  #mapped: MappedCsvParser | undefined;

  constructor(private readonly options: ParserOptions, state?: ParserState) {
    const format = options.format === 'auto' ? state?.format : options.format;
    if (options.format === 'csv' && !options.mapping) throw new Error('format "csv" needs a column mapping');
    if (format) this.#use(format, state);
  }

  get format(): CdrFormat | undefined {
    return this.#format;
  }

  get legBillable(): LegBillable {
    return this.#format === 'freeswitch' ? 'max' : 'sum';
  }

  state(): ParserState {
    const header = this.#cucm?.state().header ?? this.#mapped?.state().header;
    return { ...(this.#format ? { format: this.#format } : {}), ...(header ? { header } : {}) };
  }

  parse(line: string): LineResult {
    return this.parseAt(line, 0, line.length);
  }

  /** Parses the line text[start, end); the formats with the largest files read it in place, the others get it cut out. */
  parseAt(text: string, start: number, end: number): LineResult {
    if (!this.#format) {
      const detected = detectFormat(cut(text, start, end));
      if (!detected) return reject('format not recognised (expected Asterisk, FreeSWITCH, CUCM or Kamailio CDRs)');
      this.#use(detected);
    }
    const zone = this.options.sourceZone;
    switch (this.#format!) {
      case 'asterisk':
        return parseAsteriskLine(text, zone, start, end);
      case 'freeswitch':
        return parseFreeswitchLine(text, zone, start, end);
      case 'kamailio':
        return parseKamailioLine(text, zone, this.options.kamailio ?? DEFAULT_KAMAILIO_LAYOUT, start, end);
      case 'cucm':
        return this.#cucm!.parseAt(text, start, end);
      case 'csv':
        return this.#mapped!.parse(cut(text, start, end));
    }
  }

  #use(format: CdrFormat, state?: ParserState): void {
    this.#format = format;
    const header = state?.header ? { header: state.header } : undefined;
    if (format === 'cucm') this.#cucm = new CucmParser(header);
    if (format === 'csv') this.#mapped = new MappedCsvParser(this.options.mapping!, this.options.sourceZone, header);
  }
}

const cut = (text: string, start: number, end: number): string => (start === 0 && end === text.length ? text : text.slice(start, end));
