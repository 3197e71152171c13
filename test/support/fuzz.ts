// Shared fast-check arbitraries for the fuzz tests: mutations of a valid input, the kinds of damage
// a broken device, a truncated datagram or a hostile client produce.
import fc from 'fast-check';

/**
 * Bounded runs keep `npm test` in seconds; CALLBOARD_FUZZ_SCALE=20 runs twenty times as many for a
 * longer hunt. fast-check prints the seed and path of any failure, to replay it.
 */
export const runs = (numRuns: number) => ({
  numRuns: Math.max(1, Math.round(numRuns * (Number(process.env.CALLBOARD_FUZZ_SCALE) || 1))),
  endOnFailure: true,
});

type Mutation = (input: Buffer) => Buffer;

const truncate = fc.nat().map<Mutation>((n) => (input) => input.subarray(0, input.length ? n % input.length : 0));
const overwrite = fc
  .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 })
  .map<Mutation>((edits) => (input) => {
    const out = Buffer.from(input);
    for (const [at, byte] of edits) if (out.length) out[at % out.length] = byte;
    return out;
  });
const insert = fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 40 })).map<Mutation>(([at, bytes]) => (input) => {
  const cut = input.length ? at % (input.length + 1) : 0;
  return Buffer.concat([input.subarray(0, cut), Buffer.from(bytes), input.subarray(cut)]);
});
/** A length byte claiming far more than there is, or a long-form length with too many bytes. */
const lengthBomb = fc
  .tuple(fc.nat(), fc.constantFrom([0x84, 0xff, 0xff, 0xff, 0xff], [0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0x80], [0xff]))
  .map<Mutation>(([at, bomb]) => (input) => {
    const cut = input.length ? at % input.length : 0;
    return Buffer.concat([input.subarray(0, cut), Buffer.from(bomb), input.subarray(cut + 1)]);
  });
const replace = fc.uint8Array({ maxLength: 300 }).map<Mutation>((bytes) => () => Buffer.from(bytes));
const duplicate = fc.tuple(fc.nat(), fc.nat()).map<Mutation>(([a, b]) => (input) => {
  if (!input.length) return input;
  const start = a % input.length;
  const end = start + (b % (input.length - start + 1));
  return Buffer.concat([input.subarray(0, end), input.subarray(start)]);
});

/** One to three stacked mutations of `input`. */
export function mutationOf(): fc.Arbitrary<Mutation> {
  return fc
    .array(fc.oneof(truncate, overwrite, insert, lengthBomb, replace, duplicate), { minLength: 1, maxLength: 3 })
    .map((steps) => (input: Buffer) => steps.reduce((buf, step) => step(buf), input));
}

export function mutated(input: Buffer): fc.Arbitrary<Buffer> {
  return mutationOf().map((mutate) => mutate(input));
}

/** Text damage: bytes flipped, cut, doubled, or odd characters (NUL, quotes, separators, non-ASCII) put in. */
export function mutatedText(input: string): fc.Arbitrary<string> {
  const odd = fc.constantFrom(
    '\0',
    '"',
    "'",
    ',',
    ';',
    '|',
    '\t',
    '\n',
    '\r',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ':',
    '-',
    '%',
    'é',
    '\u202e',
    '\ud800',
    '9'.repeat(40),
    '-1',
    'NaN',
  );
  const edit = fc.oneof(
    fc.tuple(fc.nat(), odd).map(
      ([at, s]) =>
        (t: string) =>
          t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1)),
    ),
    fc.nat().map((at) => (t: string) => t.slice(0, at % (t.length + 1))),
    fc.tuple(fc.nat(), fc.nat()).map(
      ([a, b]) =>
        (t: string) =>
          t.slice(0, a % (t.length + 1)) + t.slice(b % (t.length + 1)),
    ),
    fc.string({ maxLength: 80, unit: 'binary' }).map((s) => () => s),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce((t, e) => e(t), input));
}
