import { channelPeer } from './formats/fields.js';

/**
 * Splits one CSV line (RFC 4180 quoting: "a ""b""", c). Hand-written rather than csv-parse because
 * the CDR ingest target is >= 500k lines/s/core and csv-parse measured far below that here (see
 * README "Why a hand-written splitter"); CDR files never put line breaks inside fields, so a
 * line-at-a-time splitter is enough. Returns undefined for a line whose quotes are unbalanced or
 * with text after a closing quote (the caller rejects it with that reason).
 */
export function splitCsvLine(line: string, delimiter = ','): string[] | undefined {
  const out: string[] = [];
  const delim = delimiter.charCodeAt(0);
  const n = line.length;
  let i = 0;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = line.indexOf('"', from);
        if (q < 0) return undefined; // no closing quote
        if (line.charCodeAt(q + 1) === 34) {
          value += line.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        value += line.slice(from, q);
        i = q + 1;
        break;
      }
      out.push(value);
      if (i === n) return out;
      if (line.charCodeAt(i) !== delim) return undefined; // text after closing quote
      i += 1;
    } else {
      const next = line.indexOf(delimiter, i);
      if (next < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, next));
      i = next + 1;
    }
  }
}

export const CSV_ERROR = 'malformed CSV (unbalanced quotes or text after a closing quote)';

/**
 * The same splitting as splitCsvLine, but it only records where each field is and makes a string
 * when a field is asked for: CDR lines have 15 to 133 columns of which a parser reads about a
 * dozen, and the strings it never makes are most of the cost of a line.
 */
export class CsvFields {
  #line = '';
  #count = 0;
  /** Per field: start, end (exclusive), 1 if it needs "" → " unescaping. */
  #bounds = new Int32Array(3 * 256);
  readonly #interned = new Map<number, string>();
  /** The last peer interned per (length, last character): see #intern. */
  readonly #recent = new Map<number, string>();

  get count(): number {
    return this.#count;
  }

  /**
   * Scans a line, or the line text[start, end) of a larger text (read in place: no string per
   * line); false when its quoting is malformed.
   */
  scan(line: string, delimiter = ',', start = 0, end = line.length): boolean {
    this.#line = line;
    this.#count = 0;
    const delim = delimiter.charCodeAt(0);
    const n = end;
    let i = start;
    for (;;) {
      if (i < n && line.charCodeAt(i) === 34) {
        const start = i + 1;
        let from = start;
        let escaped = 0;
        for (;;) {
          const q = line.indexOf('"', from);
          if (q < 0 || q >= n) return false;
          if (q + 1 < n && line.charCodeAt(q + 1) === 34) {
            escaped = 1;
            from = q + 2;
            continue;
          }
          this.#push(start, q, escaped);
          i = q + 1;
          break;
        }
        if (i === n) return true;
        if (line.charCodeAt(i) !== delim) return false;
        i += 1;
      } else {
        const next = line.indexOf(delimiter, i);
        if (next < 0 || next >= n) {
          this.#push(i, n, 0);
          return true;
        }
        this.#push(i, next, 0);
        i = next + 1;
      }
    }
  }

  get(index: number): string {
    if (index >= this.#count) return '';
    const b = this.#bounds;
    const text = this.#line.slice(b[3 * index]!, b[3 * index + 1]!);
    return b[3 * index + 2] ? text.replace(/""/g, '"') : text;
  }

  /** A whole non-negative number read in place; undefined when the field is not one. */
  int(index: number): number | undefined {
    if (index >= this.#count) return undefined;
    const b = this.#bounds;
    const start = b[3 * index]!;
    const end = b[3 * index + 1]!;
    if (end === start || end - start > 15) return undefined;
    let value = 0;
    for (let i = start; i < end; i++) {
      const c = this.#line.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return undefined;
      value = value * 10 + c;
    }
    return value;
  }

  /** A local wall-clock time read in place (see Zone.parseLocal, also for `notBefore`). */
  localTime(
    index: number,
    zone: { parseLocalAt(text: string, start: number, end: number, notBefore?: number): number | undefined },
    notBefore?: number,
  ): number | undefined {
    if (index >= this.#count) return undefined;
    const b = this.#bounds;
    return zone.parseLocalAt(this.#line, b[3 * index]!, b[3 * index + 1]!, notBefore);
  }

  /** Whether the field starts with `prefix`. */
  startsWith(index: number, prefix: string): boolean {
    return index < this.#count && this.#bounds[3 * index + 1]! - this.#bounds[3 * index]! >= prefix.length && this.#line.startsWith(prefix, this.#bounds[3 * index]);
  }

  /**
   * An Asterisk channel's peer, cut out once: "SIP/211553-00000003" → "SIP/211553" (see
   * channelPeer); undefined for Local channels and empty fields.
   */
  peer(index: number): string | undefined {
    if (index >= this.#count || this.#bounds[3 * index + 2]) return channelPeer(this.get(index));
    const start = this.#bounds[3 * index]!;
    const end = this.#bounds[3 * index + 1]!;
    if (end === start || this.#line.startsWith('Local/', start)) return undefined;
    const dash = this.#line.lastIndexOf('-', end - 1);
    return this.#intern(start, dash > start ? dash : end);
  }

  /**
   * line[start, end) as a string shared by every line that has it: a switch has few peers, and a
   * string seen before is already hashed for the dial plan's trunk set and tag maps. Bounded.
   */
  #intern(start: number, end: number): string {
    const line = this.#line;
    // Most lines name a peer seen a moment ago: one comparison against the last peer of the same length and last character.
    const quick = ((end - start) << 8) | (line.charCodeAt(end - 1) & 0xff);
    const recent = this.#recent.get(quick);
    if (recent !== undefined && line.startsWith(recent, start)) return recent;
    const found = this.#internHashed(start, end);
    if (this.#recent.size >= 256) this.#recent.clear();
    this.#recent.set(quick, found);
    return found;
  }

  #internHashed(start: number, end: number): string {
    const line = this.#line;
    let hash = end - start;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + line.charCodeAt(i)) | 0;
    const known = this.#interned.get(hash);
    if (known !== undefined && known.length === end - start && line.startsWith(known, start)) return known;
    if (this.#interned.size >= 4096) this.#interned.clear();
    // Concatenated and cut again: a copy of its own, not a slice that would keep the line's whole piece of text alive.
    const text = (line.slice(start, end) + ' ').slice(0, -1);
    this.#interned.set(hash, text);
    return text;
  }

  /**
   * The position in `values` of the value the field holds, compared in place (no string made); -1
   * when none. For fields with a few known values (dispositions, cause names): most lines repeat one.
   */
  indexIn(index: number, values: readonly string[]): number {
    for (let v = 0; v < values.length; v++) if (this.is(index, values[v]!)) return v;
    return -1;
  }

  /** Whether the field holds exactly `value` (compared in place). */
  is(index: number, value: string): boolean {
    if (index >= this.#count) return value === '';
    const b = this.#bounds;
    const start = b[3 * index]!;
    if (b[3 * index + 2]) return this.get(index) === value;
    return b[3 * index + 1]! - start === value.length && this.#line.startsWith(value, start);
  }

  isEmpty(index: number): boolean {
    return index >= this.#count || this.#bounds[3 * index] === this.#bounds[3 * index + 1];
  }

  #push(start: number, end: number, escaped: number): void {
    if (3 * (this.#count + 1) > this.#bounds.length) {
      const bigger = new Int32Array(this.#bounds.length * 2);
      bigger.set(this.#bounds);
      this.#bounds = bigger;
    }
    const at = 3 * this.#count;
    this.#bounds[at] = start;
    this.#bounds[at + 1] = end;
    this.#bounds[at + 2] = escaped;
    this.#count += 1;
  }
}
