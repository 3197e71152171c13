// Fuzzing the config loader (collector/src/config.ts) with damaged versions of the shipped example
// configs: as YAML text (syntax damage) and as parsed values (a value replaced, removed or added at
// a random place), plus arbitrary values. Each load gives a frozen config or a ConfigError whose
// problems are readable lines naming where; nothing else may be thrown.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig, parseConfig } from '../collector/src/config.js';
import { mutatedText, runs } from './support/fuzz.js';

const EXAMPLES = join(import.meta.dirname, '../collector/examples');
for (const name of [
  'CALLBOARD_API_TOKEN',
  'SNMP_COMMUNITY',
  'SNMP_IAD_COMMUNITY',
  'SNMP_V3_AUTH',
  'SNMP_V3_PRIV',
  'CALLBOARD_SIM_COMMUNITY',
])
  process.env[name] ??= 'fuzz-example';
for (const name of ['CALLBOARD_PAGERDUTY_ROUTING_KEY', 'CALLBOARD_SMTP_PASSWORD', 'CALLBOARD_WEBHOOK_TOKEN'])
  process.env[name] ??= 'fuzz-example';
process.env.CALLBOARD_SLACK_WEBHOOK_URL ??= 'https://hooks.slack.com/services/T000/B000/example';

/** The examples that load as shipped (the config test checks that all do); relative inventory paths resolve from the repo root. */
const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(EXAMPLES, f), 'utf8'))
  .filter((text) => {
    try {
      parseConfig(parseYaml(text));
      return true;
    } catch {
      return false;
    }
  });
const dir = mkdtempSync(join(tmpdir(), 'cb-fuzz-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const outcomes = { loaded: 0, refused: 0 };

function checkLoad(load: () => unknown): void {
  try {
    const config = load();
    expect(Object.isFrozen(config)).toBe(true);
    outcomes.loaded++;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw new Error(`not a ConfigError: ${(error as Error)?.stack ?? String(error)}`);
    expect(error.code).toBe('CALLBOARD_CONFIG_INVALID');
    expect(error.problems.length).toBeGreaterThan(0);
    for (const problem of error.problems) {
      expect(typeof problem).toBe('string');
      expect(problem.trim().length).toBeGreaterThan(3);
      expect(problem).not.toMatch(/\[object Object\]|undefined: |^: /);
    }
    outcomes.refused++;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Replaces, removes or adds one value at a random depth of a parsed config. */
function edit(value: Json, path: readonly number[], replacement: Json, action: number, key: string): Json {
  if (value === null || typeof value !== 'object' || path.length === 0) return action === 0 ? replacement : value;
  const entries: Array<[string, Json]> = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  if (entries.length === 0 || path.length === 1) {
    if (action === 1 && entries.length) entries.splice(path[0]! % entries.length, 1);
    else if (action === 2) entries.push([Array.isArray(value) ? String(entries.length) : key, replacement]);
    else if (entries.length) entries[path[0]! % entries.length]![1] = replacement;
  } else {
    const at = path[0]! % entries.length;
    entries[at]![1] = edit(entries[at]![1], path.slice(1), replacement, action, key);
  }
  return Array.isArray(value) ? entries.map(([, v]) => v) : Object.fromEntries(entries);
}

describe('config loader fed damaged configs', () => {
  it('has example configs to damage', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it('damaged YAML text: a config or a ConfigError with readable problems', () => {
    let file = 0;
    fc.assert(
      fc.property(fc.constantFrom(...examples).chain(mutatedText), (text) => {
        const path = join(dir, `c${file++ % 8}.yaml`);
        writeFileSync(path, text);
        checkLoad(() => loadConfig(path));
      }),
      runs(400),
    );
  });

  // Found by the text fuzzer (seed 866675274, path "338"): a malformed env name reached the SNMP credential check as a raw object.
  it.each([
    [
      'a malformed env name',
      'env: SNMP_V3_AUTH }',
      'env: SNMP_V3_A;UTH }',
      /authKey\.env: expected an environment variable name, got "SNMP_V3_A;UTH"/,
    ],
    ['an empty file path', 'env: SNMP_V3_AUTH }', "file: '' }", /authKey\.file: expected a file path/],
  ])('regression: snmp.yaml with %s in a v3 key is a ConfigError naming the key', (_, from, to, problem) => {
    const text = readFileSync(join(EXAMPLES, 'snmp.yaml'), 'utf8');
    expect(text).toContain(from);
    const path = join(dir, 'regression.yaml');
    writeFileSync(path, text.replace(from, to));
    const error = (() => {
      try {
        loadConfig(path);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringMatching(problem)]);
  });

  it('damaged values (replaced, removed, added anywhere): a config or a ConfigError with readable problems', () => {
    const replacement = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
      fc.constantFrom<Json>('', -1, 0, 1e308, '1s', '999999d', '__proto__', { env: 'PATH' }, { file: '/' }, { file: dir }, []),
    );
    const key = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'token', 'type'),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...examples.map((t) => parseYaml(t) as Json)),
        fc.array(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), replacement, fc.integer({ min: 0, max: 2 }), key), {
          minLength: 1,
          maxLength: 3,
        }),
        (config, edits) => {
          const damaged = edits.reduce((c, [path, value, action, k]) => edit(c, path, value, action, k), config);
          checkLoad(() => parseConfig(damaged));
        },
      ),
      runs(1500),
    );
  });

  it('arbitrary values: a config or a ConfigError', () => {
    fc.assert(
      fc.property(
        fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withTypedArray: true }),
        (raw) => {
          checkLoad(() => parseConfig(raw));
        },
      ),
      runs(500),
    );
    expect(outcomes.loaded).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});
