/**
 * Wall-clock arithmetic in one IANA zone (the carrier's day, or the zone a switch writes local
 * times in), built on Intl with caches so that it costs almost nothing per CDR line.
 * A local day runs from one local midnight to the next: 23 h or 25 h on DST change days.
 */
const SLOT_MS = 15 * 60_000; // every real zone changes offset on a quarter hour
const MAX_SHIFT_MS = 2 * 3_600_000; // no zone moves its clocks back by more (most by 1 h, Lord Howe 30 min, Troll 2 h)

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export class Zone {
  readonly #format: Intl.DateTimeFormat;
  readonly #offsets = new Map<number, number>();
  #lastSlot = NaN;
  #lastOffset = 0;
  readonly #hourOffsets = new Map<number, number>();
  /** The last hour read, as its text "YYYY-MM-DD HH" (made here, not cut from a line: see #hourAt). */
  #lastHourText = '';
  #lastHourStart = 0;
  #dayStart = 1;
  #dayEnd = 0;
  #dayName = '';

  constructor(readonly name: string) {
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local time minus UTC at the instant, in ms (e.g. -18 000 000 for EST). */
  offsetAt(epochMs: number): number {
    const slot = Math.floor(epochMs / SLOT_MS);
    // Calls come in time order: most ask about the same quarter hour as the call before.
    if (slot === this.#lastSlot) return this.#lastOffset;
    let offset = this.#offsets.get(slot);
    if (offset === undefined) {
      const at = slot * SLOT_MS;
      const p: Record<string, number> = {};
      for (const part of this.#format.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
      offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - at;
      if (this.#offsets.size > 100_000) this.#offsets.clear();
      this.#offsets.set(slot, offset);
    }
    this.#lastSlot = slot;
    this.#lastOffset = offset;
    return offset;
  }

  /**
   * The instant a local wall-clock time names. In the repeated hour of a fall-back day the earlier
   * instant is taken; a time in the skipped spring-forward hour is read with the offset before the
   * change (02:30 → 03:30 EDT), as JavaScript's Date does.
   */
  toEpoch(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
    const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    let best: number | undefined;
    for (const probe of [asUtc - 86_400_000, asUtc, asUtc + 86_400_000]) {
      const offset = this.offsetAt(probe);
      const candidate = asUtc - offset;
      if (this.offsetAt(candidate) === offset && (best === undefined || candidate < best)) best = candidate;
    }
    return best ?? asUtc - this.offsetAt(asUtc - 86_400_000);
  }

  /**
   * "YYYY-MM-DD HH:MM:SS[.fff…]" (or with T) read as local time; undefined when not that shape.
   * `notBefore`: the time is known not to precede that instant (a call's answer or end, after its
   * start); a reading in the repeated hour of a fall-back day is then the later instant when the
   * earlier one would precede it (a call from 01:50 EDT to 01:10 EST reads "01:50" → "01:10").
   */
  parseLocal(text: string, notBefore?: number): number | undefined {
    return this.parseLocalAt(text, 0, text.length, notBefore);
  }

  /** parseLocal of text[start, end), without cutting it out first (CDR parsers read fields in place). */
  parseLocalAt(text: string, start: number, end: number, notBefore?: number): number | undefined {
    const length = end - start;
    if (length < 19) return undefined;
    const minute = twoDigits(text, start + 14);
    const second = twoDigits(text, start + 17);
    if (minute === undefined || second === undefined || text.charCodeAt(start + 16) !== 58 || text.charCodeAt(start + 13) !== 58 || minute > 59 || second > 60) {
      return undefined;
    }
    let ms = 0;
    if (length > 19) {
      const fraction = text.charCodeAt(start + 19) === 46 ? fractionMs(text, start + 20, end) : undefined;
      if (fraction === undefined) return undefined;
      ms = fraction;
    }
    // CDRs come in time order: most lines fall in the same hour as the line before.
    if (this.#lastHourText !== '' && text.startsWith(this.#lastHourText, start)) {
      return this.#notBefore(this.#lastHourStart + minute * 60_000 + second * 1000 + ms, notBefore);
    }
    const hourStart = this.#hourAt(text, start);
    if (hourStart === undefined) return undefined;
    return this.#notBefore(hourStart + minute * 60_000 + second * 1000 + ms, notBefore);
  }

  /** The instant read (the earlier of a repeated hour), or the same wall-clock time one shift later when that is meant (see parseLocal). */
  #notBefore(instant: number, notBefore: number | undefined): number {
    if (notBefore === undefined || instant >= notBefore) return instant;
    const offset = this.offsetAt(instant);
    const shift = offset - this.offsetAt(instant + MAX_SHIFT_MS);
    // Only a reading whose wall-clock time comes round again (a fall-back) has a later instant, and it is meant only if it fits.
    return shift > 0 && instant + shift >= notBefore && this.offsetAt(instant + shift) === offset - shift ? instant + shift : instant;
  }

  /** Start of the local hour "YYYY-MM-DD HH" (or with T) at text[start]; remembered as the last hour read. */
  #hourAt(text: string, start: number): number | undefined {
    const century = twoDigits(text, start);
    const yearOfCentury = twoDigits(text, start + 2);
    const month = twoDigits(text, start + 5);
    const day = twoDigits(text, start + 8);
    const hour = twoDigits(text, start + 11);
    const separator = text.charCodeAt(start + 10);
    if (
      century === undefined || yearOfCentury === undefined || month === undefined || day === undefined || hour === undefined ||
      text.charCodeAt(start + 4) !== 45 || text.charCodeAt(start + 7) !== 45 || (separator !== 32 && separator !== 84) ||
      month < 1 || month > 12 || day < 1 || day > 31 || hour > 23
    ) {
      return undefined;
    }
    const year = century * 100 + yearOfCentury;
    // A number, not the text, is the key: a cut-out key would keep the whole chunk it was cut from alive.
    const key = ((year * 16 + month) * 32 + day) * 32 + hour;
    let hourStart = this.#hourOffsets.get(key);
    if (hourStart === undefined) {
      hourStart = this.toEpoch(year, month, day, hour);
      if (this.#hourOffsets.size > 50_000) this.#hourOffsets.clear();
      this.#hourOffsets.set(key, hourStart);
    }
    this.#lastHourText = formatHour(year, month, day, hour, separator);
    this.#lastHourStart = hourStart;
    return hourStart;
  }

  localDate(epochMs: number): LocalDate {
    const d = new Date(epochMs + this.offsetAt(epochMs));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }

  /** Local day (YYYY-MM-DD) of an instant; cached for the current day, so a stream of calls costs two comparisons each. */
  dayOf(epochMs: number): string {
    if (epochMs >= this.#dayStart && epochMs < this.#dayEnd) return this.#dayName;
    const { year, month, day } = this.localDate(epochMs);
    this.#dayName = formatDay(year, month, day);
    this.#dayStart = this.toEpoch(year, month, day);
    this.#dayEnd = this.toEpoch(year, month, day + 1);
    return this.#dayName;
  }

  /** [start, end) of a local day in epoch ms. */
  dayRange(day: string): { start: number; end: number } {
    const { year, month, day: d } = parseDay(day);
    return { start: this.toEpoch(year, month, d), end: this.toEpoch(year, month, d + 1) };
  }

  /** Start of the local hour containing the instant (hours are real hours: a 25-h day has 25). */
  hourStart(epochMs: number): number {
    const offset = this.offsetAt(epochMs);
    const local = epochMs + offset;
    return local - (((local % 3_600_000) + 3_600_000) % 3_600_000) - offset;
  }

  /** Minutes since local midnight on the wall clock (0..1439), for time-of-day profiles. */
  minuteOfDay(epochMs: number): number {
    const local = epochMs + this.offsetAt(epochMs);
    return Math.floor((((local % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
  }

  /** Day of week of a local day, 0 = Sunday. */
  static weekday(day: string): number {
    const { year, month, day: d } = parseDay(day);
    return new Date(Date.UTC(year, month - 1, d)).getUTCDay();
  }

  static addDays(day: string, n: number): string {
    const { year, month, day: d } = parseDay(day);
    const t = new Date(Date.UTC(year, month - 1, d + n));
    return formatDay(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
  }
}

/**
 * The decimals text[start, end) after a point as milliseconds: the first three digits, half up on
 * the fourth (digits, not floating-point arithmetic); undefined when empty or not all digits.
 */
export function fractionMs(text: string, start: number, end: number): number | undefined {
  if (end <= start) return undefined;
  // Whole numbers only (no scale /= 10): this runs for the times and durations of every line.
  let ms = 0;
  let roundUp = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    const place = i - start;
    if (place < 3) ms = ms * 10 + c;
    else if (place === 3) roundUp = c >= 5 ? 1 : 0;
  }
  const digits = end - start;
  return (digits === 1 ? ms * 100 : digits === 2 ? ms * 10 : ms) + roundUp;
}

function twoDigits(text: string, at: number): number | undefined {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : undefined;
}

function formatHour(year: number, month: number, day: number, hour: number, separator: number): string {
  return `${formatDay(year, month, day)}${String.fromCharCode(separator)}${String(hour).padStart(2, '0')}`;
}

export function formatDay(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDay(day: string): LocalDate {
  const m = DAY_PATTERN.exec(day);
  if (!m) throw new Error(`expected a day as YYYY-MM-DD, got "${day}"`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

export function isValidDay(day: string): boolean {
  const m = DAY_PATTERN.exec(day);
  if (!m) return false;
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return formatDay(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()) === day;
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
