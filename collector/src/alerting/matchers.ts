/**
 * Label matchers in the Alertmanager form, one string each: `site=nyc-pop1`, `role!=iad`,
 * `region=~"east|west"`, `alertname!~"^test"`. The same strings are used in the config
 * (rules, inhibition, maintenance windows, notifier routes) and in the silences API.
 */
export type Labels = Readonly<Record<string, string>>;

export interface Matcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

/** Parses one matcher; throws an Error whose message says what is wrong with the text. */
export function parseMatcher(text: string): Matcher {
  const match = MATCHER.exec(text);
  if (!match) throw new Error(`expected a matcher such as 'site=nyc-pop1' or 'role=~"core|edge"', got ${JSON.stringify(text)}`);
  const [, name, op, raw] = match as unknown as [string, string, Matcher['op'], string];
  const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (op === '=~' || op === '!~') {
    try {
      new RegExp(`^(?:${value})$`);
    } catch (error) {
      throw new Error(`invalid regular expression in ${JSON.stringify(text)}: ${(error as Error).message}`);
    }
  }
  return { name, op, value };
}

const compiled = new Map<string, RegExp>();
function anchored(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) compiled.set(pattern, (re = new RegExp(`^(?:${pattern})$`)));
  return re;
}

/** A missing label matches as the empty string (as in Prometheus), so `role!=iad` matches alerts without a role. */
export function matches(matcher: Matcher, labels: Labels): boolean {
  const value = labels[matcher.name] ?? '';
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return anchored(matcher.value).test(value);
    case '!~':
      return !anchored(matcher.value).test(value);
  }
}

export const matchesAll = (matchers: readonly Matcher[], labels: Labels): boolean => matchers.every((m) => matches(m, labels));

export const formatMatcher = (m: Matcher): string => `${m.name}${m.op}${m.op.includes('~') ? JSON.stringify(m.value) : m.value}`;
