import { z } from 'zod';
import type { CallRecord } from './record.js';

/**
 * Call classification by a carrier's dial plan; the default is the North American Numbering Plan.
 * Class and direction become tags, so every value they can take is bounded: the built-in classes,
 * plus the class names of configured rules.
 */
const digitPrefix = z.string().regex(/^\d{1,15}$/, 'expected digits only');

export const dialPlanSchema = z
  .strictObject({
    /** Number prefixes (national, digits only) belonging to the carrier: calls between two of them are on-net. */
    ownPrefixes: z.array(digitPrefix).default([]),
    /** Numbers of at most this many digits are the carrier's own extensions (0: none). */
    extensionMaxDigits: z.number().int().min(0).max(9).default(0),
    /** NPA (3 digits) or NPA-NXX (6 digits) in the local calling area. */
    localPrefixes: z.array(digitPrefix).default([]),
    /** Area code prepended to 7-digit numbers. */
    homeAreaCode: z.string().regex(/^[2-9]\d\d$/, 'expected a 3-digit NPA').optional(),
    internationalPrefix: digitPrefix.default('011'),
    emergencyNumbers: z.array(digitPrefix).default(['911', '933']),
    tollFreeAreaCodes: z.array(z.string().regex(/^\d{3}$/)).default(['800', '833', '844', '855', '866', '877', '888']),
    /** Checked first, in order: a dialled number matching `match` (a regular expression over its digits) is of `class`. */
    rules: z
      .array(
        z.strictObject({
          class: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case class name'),
          match: z.string().refine(isRegExp, 'expected a regular expression'),
        }),
      )
      .default([]),
  })
  .prefault({});

export type DialPlanConfig = z.output<typeof dialPlanSchema>;

function isRegExp(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

export const BUILTIN_CLASSES = ['local', 'long_distance', 'international', 'toll_free', 'emergency', 'on_net', 'inbound', 'other'] as const;
export type Direction = 'inbound' | 'outbound' | 'internal' | 'transit';
const DIRECTIONS: readonly Direction[] = ['inbound', 'outbound', 'internal', 'transit'];

export interface Classified {
  class: string;
  direction: Direction;
  /** The trunk the call used on the carrier's side, bounded (see trunkTag). */
  trunk: string;
}

/**
 * NXX-XXXX or NPA-NXX-XXXX: 7 or 10 digits whose exchange (and area code) starts with 2-9. For numbers
 * in national form (see national()), which are digits only once a leading "+" is ruled out. Loops,
 * not regular expressions: this runs for every call.
 */
function isNanp(digits: string, length: 7 | 10): boolean {
  if (digits.length !== length) return false;
  const first = digits.charCodeAt(0);
  const exchange = digits.charCodeAt(length - 7);
  return first >= 50 && first <= 57 && exchange >= 50 && exchange <= 57;
}

function allDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export class DialPlan {
  readonly #rules: { class: string; match: RegExp }[];
  readonly #trunks: ReadonlySet<string>;
  readonly #seenTrunks = new Set<string>();
  readonly #own: PrefixSet;
  readonly #local: PrefixSet;
  readonly #tollFree: PrefixSet;

  constructor(
    private readonly config: DialPlanConfig,
    /** Names of trunks to the PSTN or other carriers; calls on them are off-net on that side. Empty: any peer is tagged, up to maxTrunks. */
    trunks: readonly string[] = [],
    private readonly maxTrunks = 100,
  ) {
    this.#rules = config.rules.map((r) => ({ class: r.class, match: new RegExp(r.match) }));
    this.#trunks = new Set(trunks);
    this.#own = new PrefixSet(config.ownPrefixes);
    this.#local = new PrefixSet(config.localPrefixes);
    this.#tollFree = new PrefixSet(config.tollFreeAreaCodes);
  }

  get classes(): string[] {
    return [...new Set([...BUILTIN_CLASSES, ...this.#rules.map((r) => r.class)])];
  }

  classify(call: Pick<CallRecord, 'src' | 'dst' | 'inTrunk' | 'outTrunk'>): Classified {
    const fromTrunk = call.inTrunk !== undefined && this.#trunks.has(call.inTrunk);
    const toTrunk = call.outTrunk !== undefined && this.#trunks.has(call.outTrunk);
    const dst = national(call.dst);
    const srcOwn = !fromTrunk && this.isOwn(national(call.src));
    const dstOwn = !toTrunk && this.isOwn(dst);
    const direction: Direction = srcOwn ? (dstOwn ? 'internal' : 'outbound') : dstOwn ? 'inbound' : 'transit';
    const dialled = this.dialledClass(dst);
    const cls = dialled === 'emergency' || this.#isRuleClass(dialled) ? dialled : srcOwn && dstOwn ? 'on_net' : dstOwn ? 'inbound' : dialled;
    return this.#result(cls, direction, this.#trunkTag(call, fromTrunk, toTrunk));
  }

  /** Class of a dialled number (digits, national form) by the rules and then NANP. */
  dialledClass(digits: string): string {
    for (const rule of this.#rules) if (rule.match.test(digits)) return rule.class;
    const c = this.config;
    if (c.emergencyNumbers.includes(digits)) return 'emergency';
    if (digits.startsWith('+') || (digits.startsWith(c.internationalPrefix) && digits.length > c.internationalPrefix.length)) return 'international';
    let number = digits;
    if (isNanp(number, 7)) {
      if (!c.homeAreaCode) return 'local';
      number = c.homeAreaCode + number;
    }
    if (!isNanp(number, 10)) return 'other';
    if (this.#tollFree.matches(number)) return 'toll_free';
    return this.#local.matches(number) ? 'local' : 'long_distance';
  }

  isOwn(digits: string): boolean {
    if (digits.length === 0) return false;
    if (digits.length <= this.config.extensionMaxDigits && !this.config.emergencyNumbers.includes(digits)) return true;
    return this.#own.matches(digits);
  }

  /** Results are shared per (class, direction, trunk): a few hundred objects instead of one per call. By trunk, then class. */
  readonly #results = new Map<string, Map<string, Classified[]>>();

  #result(cls: string, direction: Direction, trunk: string): Classified {
    let byClass = this.#results.get(trunk);
    if (!byClass) this.#results.set(trunk, (byClass = new Map()));
    let byDirection = byClass.get(cls);
    if (!byDirection) byClass.set(cls, (byDirection = []));
    const d = DIRECTIONS.indexOf(direction);
    return (byDirection[d] ??= Object.freeze({ class: cls, direction, trunk }));
  }

  #isRuleClass(cls: string): boolean {
    for (const rule of this.#rules) if (rule.class === cls) return true;
    return false;
  }

  #trunkTag(call: Pick<CallRecord, 'inTrunk' | 'outTrunk'>, fromTrunk: boolean, toTrunk: boolean): string {
    if (toTrunk) return call.outTrunk!;
    if (fromTrunk) return call.inTrunk!;
    if (this.#trunks.size > 0) return 'none';
    // Without a trunk list every peer name could be a tag value: cap how many distinct ones are used.
    const name = call.outTrunk ?? call.inTrunk;
    if (name === undefined) return 'none';
    if (this.#seenTrunks.has(name)) return name;
    if (this.#seenTrunks.size >= this.maxTrunks) return 'other';
    this.#seenTrunks.add(name);
    return name;
  }
}

/**
 * Digit prefixes, looked up by value per prefix length: a number costs one lookup per distinct
 * length (NPA, NPA-NXX) instead of one comparison per prefix; this runs for every call. Lengths up
 * to 6 digits are a bitmap (at most 125 KB), longer ones a set of numbers.
 */
export class PrefixSet {
  readonly #lengths: number[] = [];
  readonly #bitmaps: (Uint8Array | undefined)[] = [];
  readonly #sets: (Set<number> | undefined)[] = [];

  constructor(prefixes: readonly string[]) {
    const byLength = new Map<number, number[]>();
    for (const p of prefixes) byLength.set(p.length, [...(byLength.get(p.length) ?? []), Number(p)]);
    for (const length of [...byLength.keys()].sort((a, b) => a - b)) {
      const values = byLength.get(length)!;
      this.#lengths.push(length);
      if (length <= BITMAP_MAX_DIGITS) {
        const bits = new Uint8Array(Math.ceil(10 ** length / 8));
        for (const v of values) bits[v >> 3]! |= 1 << (v & 7);
        this.#bitmaps.push(bits);
        this.#sets.push(undefined);
      } else {
        this.#bitmaps.push(undefined);
        this.#sets.push(new Set(values));
      }
    }
  }

  /** Whether `text` starts with one of the prefixes (which are digits only, so a "+…" never does). */
  matches(text: string): boolean {
    let value = 0;
    let read = 0;
    const lengths = this.#lengths;
    for (let g = 0; g < lengths.length; g++) {
      const length = lengths[g]!;
      if (text.length < length) return false;
      for (; read < length; read++) {
        const c = text.charCodeAt(read) - 48;
        if (c < 0 || c > 9) return false;
        value = value * 10 + c;
      }
      const bits = this.#bitmaps[g];
      if (bits ? (bits[value >> 3]! & (1 << (value & 7))) !== 0 : this.#sets[g]!.has(value)) return true;
    }
    return false;
  }
}

const BITMAP_MAX_DIGITS = 6;

/**
 * A number as dialled, in national form: digits only, with a leading "+" kept for non-NANP E.164;
 * "+1" and a leading "1" on 11 digits (NANP long-distance prefix) are dropped.
 */
export function national(number: string): string {
  if (allDigits(number)) return number.length === 11 && number.charCodeAt(0) === 49 ? number.slice(1) : number;
  let digits = '';
  for (let i = 0; i < number.length; i++) {
    const c = number.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += number[i];
    else if (c === 64 /* @ */) break; // sip:user@host
  }
  const plus = number.startsWith('+') || number.startsWith('sip:+');
  if (plus) return digits.startsWith('1') && digits.length === 11 ? digits.slice(1) : `+${digits}`;
  return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
}
