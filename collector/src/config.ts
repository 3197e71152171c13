import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { alertingSchema } from './alerting/config.js';
import { apiConfigSchema } from './api/config.js';
import { duration, Secret } from './lib/config-types.js';
import { registerSecret } from './lib/log.js';
import { influxOutputSchema } from './outputs/influx/config.js';
import { inputPlugins, findInputPlugin, type InputConfig } from './inputs/registry.js';
import { trunkGroupsSchema } from './traffic/trunk-groups.js';
import { healthConfigSchema } from './health/config.js';
import { parseShard } from './inputs/snmp/shard.js';

export class ConfigError extends Error {
  readonly code = 'CALLBOARD_CONFIG_INVALID';
  constructor(readonly source: string, readonly problems: readonly string[]) {
    super(`${source}: invalid configuration\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Each input is validated by its own plugin's schema. This runs as a second pass, after the
 * top level, so that one run reports the errors of the inputs and of the rest together.
 */
function parseInputs(entries: readonly { type?: string }[], addIssue: (path: PropertyKey[], message: string) => void): InputConfig[] {
  const parsed: { index: number; config: InputConfig }[] = [];
  const nameAt = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (entry.type === undefined) return; // already reported by the top-level schema
    const plugin = findInputPlugin(entry.type);
    if (!plugin) {
      const known = inputPlugins.map((p) => p.type).join(', ');
      addIssue([index, 'type'], `unknown input type "${entry.type}" (known: ${known})`);
      return;
    }
    const result = plugin.configSchema.safeParse(entry, { reportInput: true });
    if (!result.success) {
      for (const issue of result.error.issues) for (const line of describeIssue({ ...issue, path: ['inputs', index, ...issue.path] })) addIssue([], line);
      return;
    }
    const config = result.data as InputConfig;
    const first = nameAt.get(config.name);
    if (first !== undefined)
      addIssue([index, 'name'], `duplicate input name "${config.name}" (also ${formatPath(['inputs', first, 'name'])})`);
    else nameAt.set(config.name, index);
    parsed.push({ index, config });
  });
  cdrNamesAlsoDevices(parsed, addIssue);
  cdrQuarantinesShared(parsed, addIssue);
  return parsed.map(({ config }) => config);
}

/** Each CDR input cuts its quarantine file back to its own checkpoint (Quarantine.cutTo): a shared file would lose another input's lines. */
function cdrQuarantinesShared(
  inputs: readonly { index: number; config: InputConfig }[],
  addIssue: (path: PropertyKey[], message: string) => void,
): void {
  const fileAt = new Map<string, number>();
  for (const { index, config } of inputs) {
    if (config.type !== 'cdr' || config.quarantine === undefined) continue;
    const file = resolve(config.quarantine);
    const first = fileAt.get(file);
    if (first === undefined) {
      fileAt.set(file, index);
      continue;
    }
    const other = formatPath(['inputs', first, 'quarantine']);
    addIssue([index, 'quarantine'], `"${config.quarantine}" is also ${other}: each CDR input needs a quarantine file of its own`);
  }
}

/**
 * A trunk group member "<prefix>/<trunk>" whose prefix is a CDR input counts traffic only, never up/down
 * (traffic/trunk-groups.ts): a CDR input named like an SNMP device would make that device's spans
 * CDR trunks. (A CDR input named like another input is already a duplicate input name.)
 */
function cdrNamesAlsoDevices(
  inputs: readonly { index: number; config: InputConfig }[],
  addIssue: (path: PropertyKey[], message: string) => void,
): void {
  const deviceAt = new Map<string, PropertyKey[]>();
  for (const { index, config } of inputs) {
    if (config.type !== 'snmp') continue;
    config.targets.forEach((target, j) => {
      if (!deviceAt.has(target.device)) deviceAt.set(target.device, ['inputs', index, 'targets', j, 'device']);
    });
  }
  for (const { index, config } of inputs) {
    const device = config.type === 'cdr' ? deviceAt.get(config.name) : undefined;
    if (device)
      addIssue(
        [index, 'name'],
        `"${config.name}" is also ${formatPath(device)}: trunk group members "${config.name}/…" would be ambiguous`,
      );
  }
}

export const configSchema = z.strictObject({
  /** The carrier's day: daily totals and milestones follow this zone, DST included. */
  timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as "America/New_York"').default('America/New_York'),
  stateDir: z.string().default('.callboard/state'),
  /** "K/N": this collector polls the K-th of N shards of every SNMP inventory (`callboard run --shard` overrides). */
  shard: z
    .string()
    .transform((text, ctx) => {
      try {
        return parseShard(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') }).prefault({}),
  api: apiConfigSchema,
  outputs: z.strictObject({ influx: influxOutputSchema.optional() }).prefault({}),
  /** Trunk groups: members, provisioned channels, direction, carrier (see collector/src/traffic/README.md). */
  trunkGroups: trunkGroupsSchema.default([]),
  /** The link health model: hysteresis, when silence means stale, thresholds per rule (collector/src/health/README.md). */
  health: healthConfigSchema,
  /** Alert rules, notifiers, grouping, inhibition and maintenance windows (collector/src/alerting/README.md); absent: no alerting. */
  alerting: alertingSchema.optional(),
  inputs: z.array(z.looseObject({ type: z.string() })).default([]),
  shutdownTimeout: duration('10s'),
});

export type CallboardConfig = Omit<z.output<typeof configSchema>, 'inputs'> & { inputs: InputConfig[] };

/** A key a person can read as it stands (`noc-v3`, `pbx1`); any other (empty, spaces, `: `…) is quoted so the path stays unambiguous. */
const PLAIN_KEY = /^[\w$-]+$/;

/** `inputs[0].url` style, the path a person would type to find the value in the YAML. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    if (!PLAIN_KEY.test(name)) return `${out}[${JSON.stringify(name)}]`;
    return out ? `${out}.${name}` : name;
  }, '');
}

function describeIssue(issue: z.core.$ZodIssue): string[] {
  const where = formatPath(issue.path);
  const at = (p: string) => (p ? `${p}: ` : '');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${at(formatPath([...issue.path, key]))}unknown key (misspelt or not supported here)`);
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return [`${at(where)}required`];
  if (issue.code === 'invalid_type') return [`${at(where)}expected ${issue.expected}, got ${describeValue(issue.input)}`];
  return [`${at(where)}${issue.message}`];
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // JSON.stringify throws on a bigint and gives undefined for a function or symbol.
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') return typeof value;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Secret) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function registerSecrets(value: unknown): void {
  if (value instanceof Secret) registerSecret(value.reveal());
  else if (value && typeof value === 'object') for (const child of Object.values(value)) registerSecrets(child);
}

/** Validates an already-parsed object; throws ConfigError listing every problem with its path. */
export function parseConfig(raw: unknown, source = 'config'): Readonly<CallboardConfig> {
  const result = configSchema.safeParse(raw ?? {}, { reportInput: true });
  const problems = result.success ? [] : result.error.issues.flatMap(describeIssue);
  const entries = result.success ? result.data.inputs : Array.isArray((raw as { inputs?: unknown })?.inputs) ? validEntries((raw as { inputs: unknown[] }).inputs) : [];
  const inputs = parseInputs(entries, (path, message) => problems.push(path.length ? `${formatPath(['inputs', ...path])}: ${message}` : message));
  if (!result.success || problems.length) throw new ConfigError(source, problems);
  const config = { ...result.data, inputs };
  registerSecrets(config);
  return deepFreeze(config);
}

/** Inputs whose type could be read (same indexes), so their own errors are reported even when the top level has others. */
function validEntries(entries: unknown[]): { type?: string }[] {
  return entries.map((e) => (e && typeof e === 'object' && typeof (e as { type?: unknown }).type === 'string' ? (e as { type: string }) : {}));
}

export function loadConfig(file: string): Readonly<CallboardConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read file: ${(error as NodeJS.ErrnoException).code ?? error}`]);
  }
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length) {
    throw new ConfigError(
      file,
      document.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}, column ${e.linePos?.[0]?.col ?? '?'}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`),
    );
  }
  return parseConfig(document.toJS(), file);
}
