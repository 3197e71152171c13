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

export interface Classified {
  class: string;
  direction: Direction;
  /** The trunk the call used on the carrier's side, bounded (see trunkTag). */
  trunk: string;
}

const NANP_NUMBER = /^[2-9]\d\d[2-9]\d{6}$/;
const LOCAL_7 = /^[2-9]\d{6}$/;

export class DialPlan {
  readonly #rules: { class: string; match: RegExp }[];
  readonly #trunks: ReadonlySet<string>;
  readonly #seenTrunks = new Set<string>();

  constructor(
    private readonly config: DialPlanConfig,
    /** Names of trunks to the PSTN or other carriers; calls on them are off-net on that side. Empty: any peer is tagged, up to maxTrunks. */
    trunks: readonly string[] = [],
    private readonly maxTrunks = 100,
  ) {
    this.#rules = config.rules.map((r) => ({ class: r.class, match: new RegExp(r.match) }));
    this.#trunks = new Set(trunks);
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
    if (LOCAL_7.test(number)) {
      if (!c.homeAreaCode) return 'local';
      number = c.homeAreaCode + number;
    }
    if (!NANP_NUMBER.test(number)) return 'other';
    if (c.tollFreeAreaCodes.includes(number.slice(0, 3))) return 'toll_free';
    return startsWithAny(number, c.localPrefixes) ? 'local' : 'long_distance';
  }

  isOwn(digits: string): boolean {
    if (digits.length === 0) return false;
    if (digits.length <= this.config.extensionMaxDigits && !this.config.emergencyNumbers.includes(digits)) return true;
    return startsWithAny(digits, this.config.ownPrefixes);
  }

  /** Results are shared per (class, direction, trunk): a few hundred objects instead of one per call. */
  readonly #results = new Map<string, Map<string, Map<string, Classified>>>();

  #result(cls: string, direction: Direction, trunk: string): Classified {
    let byDirection = this.#results.get(cls);
    if (!byDirection) this.#results.set(cls, (byDirection = new Map()));
    let byTrunk = byDirection.get(direction);
    if (!byTrunk) byDirection.set(direction, (byTrunk = new Map()));
    let result = byTrunk.get(trunk);
    if (!result) byTrunk.set(trunk, (result = Object.freeze({ class: cls, direction, trunk })));
    return result;
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
 * A number as dialled, in national form: digits only, with a leading "+" kept for non-NANP E.164;
 * "+1" and a leading "1" on 11 digits (NANP long-distance prefix) are dropped.
 */
// Loops rather than .some(callback) here and below: these run for every call.
function startsWithAny(text: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (text.startsWith(p)) return true;
  return false;
}

const DIGITS_ONLY = /^\d*$/;

export function national(number: string): string {
  if (DIGITS_ONLY.test(number)) return number.length === 11 && number.charCodeAt(0) === 49 ? number.slice(1) : number;
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
