import { z } from 'zod';
import { duration, secret, type Secret } from '../../lib/config-types.js';
import type { Logger } from '../../lib/log.js';
import type { Metric } from '../../pipeline/metric.js';
import type { Emit, Input, InputContext, InputPlugin } from '../input.js';
import { checkUnique, InventoryError, inventoryRow, profilesOf, readInventory, splitAddress, type InventoryRow } from './inventory.js';
import { SNMP_MEASUREMENTS, snmpCycle, snmpRegion } from './measurements.js';
import { pollDevice, type DeviceState } from './poll-device.js';
import { PROFILE_MEASUREMENTS, PROFILE_NAMES } from './profiles/index.js';
import { inShard, type Shard } from './shard.js';
import { snmpSelfMetrics, type SnmpSelfMetrics } from './self-metrics.js';
import { SnmpClient, SnmpError, type SnmpTarget } from './session.js';
import { TargetScheduler, type CycleStats, type PollOutcome } from './target-scheduler.js';
import { registerTargetsSource, unregisterTargetsSource } from './targets-report.js';
import { newRateState, pollMetrics, unreachableMetric, type RateState } from './to-metrics.js';

const credentials = z.strictObject({
  version: z.enum(['1', '2c', '3']).default('2c'),
  community: secret.optional(),
  v3: z
    .strictObject({
      user: z.string().min(1),
      level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']).default('authPriv'),
      authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).default('sha'),
      authKey: secret.optional(),
      privProtocol: z.enum(['des', 'aes', 'aes256b', 'aes256r']).default('aes'),
      privKey: secret.optional(),
      context: z.string().optional(),
    })
    .optional(),
});
export type SnmpCredentials = z.output<typeof credentials>;

const profileName = z
  .string()
  .refine((p) => p === 'auto' || PROFILE_NAMES.includes(p), { message: `expected auto or one of ${PROFILE_NAMES.join(', ')}` });

const configSchema = z
  .strictObject({
    type: z.literal('snmp'),
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, "_", "." or "-"'),
    interval: duration('15s'),
    /** Per request; a poll of several requests can take longer. */
    timeout: duration('1s'),
    retries: z.number().int().min(0).max(5).default(1),
    maxInFlight: z.number().int().min(1).max(20_000).default(500),
    /** UDP sockets shared by all v1/v2c targets. */
    sockets: z.number().int().min(1).max(256).default(8),
    unreachableAfter: z.number().int().min(1).default(2),
    maxBackoff: duration('5m'),
    /** Named credentials; targets refer to them by name ("default" when they name none). */
    credentials: z.record(z.string(), credentials).default({}),
    targets: z.array(inventoryRow).default([]),
    /** CSV (header: device,address,credentials,customer,site,region,role[,profiles,wan_if_index]) or YAML list. */
    inventory: z.string().optional(),
    profiles: z.array(profileName).optional(),
  })
  .refine((c) => c.targets.length > 0 || c.inventory !== undefined, { message: 'give targets or an inventory file' })
  .superRefine((c, ctx) => {
    for (const problem of credentialProblems(c.credentials)) ctx.addIssue({ code: 'custom', ...problem });
    c.targets.forEach((row, i) => {
      const missing = missingCredentials(row, c.credentials);
      if (missing) ctx.addIssue({ code: 'custom', path: ['targets', i, 'credentials'], message: missing });
    });
  });

type Problem = { path: (string | number)[]; message: string };

/**
 * Nothing is assumed for a secret: no `public` community, no empty v3 key. Each credentials
 * entry must carry what its version and security level use.
 */
function credentialProblems(entries: Record<string, SnmpCredentials>): Problem[] {
  const problems: Problem[] = [];
  const empty = (s: Secret | undefined) => s !== undefined && s.reveal() === '';
  for (const [name, c] of Object.entries(entries)) {
    const at = (...path: string[]) => ['credentials', name, ...path];
    if (c.version !== '3') {
      if (!c.community) problems.push({ path: at('community'), message: `required for SNMP v${c.version} (no community is assumed)` });
      else if (empty(c.community)) problems.push({ path: at('community'), message: `${c.community} is empty` });
      if (c.v3) problems.push({ path: at('v3'), message: `only used with version "3" (this entry is version "${c.version}")` });
      continue;
    }
    if (c.community) problems.push({ path: at('community'), message: 'only used with versions "1" and "2c" (this entry is version "3")' });
    const v3 = c.v3;
    if (!v3) {
      problems.push({ path: at('v3'), message: 'required for version "3" (user, level and keys)' });
      continue;
    }
    const keys = [
      ['authKey', v3.authKey, v3.level !== 'noAuthNoPriv'],
      ['privKey', v3.privKey, v3.level === 'authPriv'],
    ] as const;
    for (const [key, value, needed] of keys) {
      if (needed && !value) problems.push({ path: at('v3', key), message: `required for level ${v3.level} (no empty key is assumed)` });
      else if (needed && empty(value)) problems.push({ path: at('v3', key), message: `${value} is empty` });
    }
  }
  return problems;
}

/** Why a target or inventory row has no credentials to poll with; undefined when it has. */
function missingCredentials(row: InventoryRow, entries: Record<string, SnmpCredentials>): string | undefined {
  if (entries[row.credentials]) return undefined;
  return row.credentials === 'default'
    ? `device "${row.device}" names no credentials and there is no "default" entry in credentials (no community is assumed)`
    : `device "${row.device}": no credentials named "${row.credentials}"`;
}

export type SnmpConfig = z.output<typeof configSchema>;

export const snmpInput: InputPlugin<typeof configSchema> = {
  type: 'snmp',
  description: 'SNMP polling of routers, voice gateways and IADs (IF-MIB, Cisco CPU/memory, IP SLA, voice) at 60,000-device scale.',
  configSchema,
  measurements: [...SNMP_MEASUREMENTS, ...PROFILE_MEASUREMENTS],
  create: (config, context) => new SnmpInput(config, context),
};

export interface PollTarget {
  readonly id: string;
  readonly snmp: SnmpTarget;
  readonly region: string;
  readonly profiles: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly device: DeviceState;
  readonly rates: RateState;
}

const reveal = (s: Secret | undefined) => s?.reveal();

export function toSnmpTarget(address: string, creds: SnmpCredentials, timeoutMs: number, retries: number): SnmpTarget {
  const { host, port } = splitAddress(address);
  return snmpTargetFrom(host, port, credentialsOf(creds), timeoutMs, retries);
}

/** The parts of an SnmpTarget that come from a credentials entry, revealed once per entry. */
type TargetCredentials = Pick<SnmpTarget, 'version' | 'community' | 'v3'>;

function credentialsOf(creds: SnmpCredentials): TargetCredentials {
  const version = creds.version;
  const v3 = creds.v3;
  return {
    version,
    community: version !== '3' ? reveal(creds.community) : undefined,
    v3:
      version === '3' && v3
        ? {
            user: v3.user,
            level: v3.level,
            authProtocol: v3.authProtocol,
            authKey: reveal(v3.authKey),
            privProtocol: v3.privProtocol,
            privKey: reveal(v3.privKey),
            context: v3.context,
          }
        : undefined,
  };
}

// Every target object has the same shape (absent parts undefined), so V8 keeps them all compact.
const snmpTargetFrom = (host: string, port: number, c: TargetCredentials, timeoutMs: number, retries: number): SnmpTarget => ({
  host,
  port,
  version: c.version,
  community: c.community,
  v3: c.v3,
  timeoutMs,
  retries,
});

/** One copy of each repeated string (regions, roles, customers, hosts) instead of one per row. */
function interner(): (s: string) => string {
  const seen = new Map<string, string>();
  return (s) => {
    const known = seen.get(s);
    if (known !== undefined) return known;
    seen.set(s, s);
    return s;
  };
}

export function buildTargets(config: SnmpConfig, shard?: Shard): PollTarget[] {
  const inventory = config.inventory ? readInventory(config.inventory) : [];
  const rows = [...config.targets, ...inventory];
  checkUnique(rows);
  // The config's own targets were checked by the schema, with their paths; the file's rows are checked here.
  inventory.forEach((row, i) => {
    const missing = missingCredentials(row, config.credentials);
    if (missing) throw new InventoryError(`${config.inventory}: row ${i + 1}: ${missing}`);
  });
  const intern = interner();
  const credentials = new Map<string, TargetCredentials>();
  const profileLists = new Map<string, readonly string[]>();
  const targets: PollTarget[] = [];
  for (const row of rows) {
    if (!inShard(row.device, shard)) continue;
    let creds = credentials.get(row.credentials);
    if (!creds) {
      const entry = config.credentials[row.credentials];
      // Unreachable after the schema's and the inventory check above, unless a caller built the config by hand.
      if (!entry) throw new InventoryError(missingCredentials(row, config.credentials)!);
      credentials.set(row.credentials, (creds = credentialsOf(entry)));
    }
    const names = row.profiles === undefined && config.profiles ? config.profiles : profilesOf(row);
    const profilesKey = names.join('+');
    let profiles = profileLists.get(profilesKey);
    if (!profiles) profileLists.set(profilesKey, (profiles = Object.freeze([...names])));
    const device: DeviceState = { profileState: {} };
    if (row.wan_if_index) device.profileState.iad = { wanIfIndex: row.wan_if_index };
    const { host, port } = splitAddress(row.address);
    // Empty inventory columns are left out: InfluxDB has no empty tag values.
    // Built from {} (room for four properties inside the object) rather than a one-key literal.
    const tags: Record<string, string> = {};
    tags.device = row.device;
    for (const key of ['customer', 'site', 'region', 'role'] as const) if (row[key] !== '') tags[key] = intern(row[key]);
    targets.push({
      id: row.device,
      snmp: snmpTargetFrom(intern(host), port, creds, row.timeout ?? config.timeout, row.retries ?? config.retries),
      region: intern(row.region),
      profiles,
      tags,
      device,
      rates: newRateState(),
    });
  }
  return targets;
}

/** Emitting every poll's metrics separately would cost a pipeline call per poll; batch them. */
const FLUSH_MS = 50;

export class SnmpInput implements Input {
  readonly type = 'snmp';
  readonly name: string;
  readonly targets: PollTarget[];
  readonly #client: SnmpClient;
  readonly #scheduler: TargetScheduler<PollTarget>;
  readonly #log: Logger;
  readonly #metrics: SnmpSelfMetrics;
  #emit?: Emit;
  #pending: Metric[] = [];
  /** Devices whose credentials were refused since their last good poll. */
  readonly #authFailing = new Set<string>();
  #flushTimer?: NodeJS.Timeout;
  lastCycle?: CycleStats;
  /** This collector's share of the targets (see shard.ts); all of them when unset. */
  readonly shard?: Shard;

  /** Only the interval is kept from the config: its targets and credentials live on in compact form (targets). */
  readonly #intervalMs: number;

  constructor(config: SnmpConfig, context: InputContext) {
    this.#intervalMs = config.interval;
    this.name = config.name;
    this.shard = context.shard;
    this.#log = context.log.child({ input: 'snmp', name: config.name });
    this.targets = buildTargets(config, context.shard);
    this.#client = new SnmpClient(config.sockets);
    this.#metrics = snmpSelfMetrics(context.registry);
    this.#scheduler = new TargetScheduler(
      this.targets,
      (t, i) => this.#pollOne(t, i),
      {
        intervalMs: config.interval,
        maxInFlight: config.maxInFlight,
        unreachableAfter: config.unreachableAfter,
        maxBackoffMs: config.maxBackoff,
      },
      {
        onCycle: (stats) => this.#onCycle(stats),
        onBackedOff: (t) => this.#queue([unreachableMetric(t.tags, Date.now(), true)]),
        onPolled: (_t, outcome, ms) => {
          this.#metrics.polls.labels(this.name, outcome.result).inc();
          this.#metrics.pollDuration.labels(this.name).observe(ms / 1000);
        },
      },
    );
  }

  get scheduler(): TargetScheduler<PollTarget> {
    return this.#scheduler;
  }

  async start(emit: Emit): Promise<void> {
    this.#emit = emit;
    this.#log.info(
      {
        targets: this.targets.length,
        intervalMs: this.#intervalMs,
        ...(this.shard ? { shard: `${this.shard.index}/${this.shard.count}` } : {}),
      },
      'SNMP polling started',
    );
    this.#flushTimer = setInterval(() => this.#flush(), FLUSH_MS);
    this.#scheduler.start();
    registerTargetsSource(this);
  }

  async stop(): Promise<void> {
    unregisterTargetsSource(this);
    await this.#scheduler.stop();
    clearInterval(this.#flushTimer);
    this.#flush();
    this.#client.close();
  }

  async #pollOne(target: PollTarget, index: number): Promise<PollOutcome> {
    const started = performance.now();
    try {
      const outcome = await pollDevice(this.#client, target.snmp, target.profiles, target.device, false);
      const time = Date.now();
      this.#queue(pollMetrics(outcome.result, target.rates, target.tags, time, performance.now() - started));
      if (this.#authFailing.size > 0) this.#authFailing.delete(target.id);
      if (outcome.errors.length > 0) {
        this.#log.debug({ device: target.id, errors: outcome.errors }, 'some profiles failed');
      }
      return { result: 'ok' };
    } catch (error) {
      const timeout = error instanceof SnmpError && error.kind === 'timeout';
      if (error instanceof SnmpError && error.kind === 'auth') this.#authFailed(target, error);
      this.#queue([unreachableMetric(target.tags, Date.now(), this.#scheduler.isUnreachable(index))]);
      return { result: timeout ? 'timeout' : 'error', message: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Counted every time; logged once per device until it polls again (a wrong key fails every interval). */
  #authFailed(target: PollTarget, error: SnmpError): void {
    this.#metrics.authFailures.labels(this.name).inc();
    if (this.#authFailing.has(target.id)) return;
    this.#authFailing.add(target.id);
    this.#log.warn(
      { code: 'CALLBOARD_SNMP_AUTH_FAILED', device: target.id, error: error.message },
      'SNMPv3 credentials refused by the device',
    );
  }

  #onCycle(stats: CycleStats): void {
    this.lastCycle = stats;
    const finished = stats.ok + stats.timeouts + stats.errors;
    const pollsPerS = finished / (this.#intervalMs / 1000);
    this.#metrics.skipped.labels(this.name).inc(stats.skipped);
    this.#metrics.cycleDuration.labels(this.name).set(stats.cycleMs / 1000);
    this.#metrics.pollsPerSecond.labels(this.name).set(pollsPerS);
    this.#metrics.unreachable.labels(this.name).set(stats.unreachable);
    this.#metrics.inFlight.labels(this.name).set(this.#scheduler.inFlight);
    if (stats.overrun > 0 || stats.skipped > 0 || stats.answeredMs > this.#intervalMs)
      this.#log.warn({ code: 'CALLBOARD_SNMP_CYCLE_OVERRUN', ...stats }, 'SNMP poll cycle did not finish within its interval');
    const time = stats.cycleStartMs + this.#intervalMs;
    const metrics: Metric[] = [
      {
        measurement: snmpCycle.measurement,
        tags: { input: this.name },
        time,
        fields: {
          targets: stats.targets,
          polled: stats.polled,
          ok: stats.ok,
          timeouts: stats.timeouts,
          errors: stats.errors,
          skipped: stats.skipped,
          unreachable: stats.unreachable,
          cycle_ms: stats.cycleMs,
          answered_ms: stats.answeredMs,
          overrun: stats.overrun,
          polls_per_s: pollsPerS,
        },
      },
    ];
    // Migration view: devices planned vs reporting per region (reporting = answered within two intervals).
    const regions = new Map<string, { planned: number; reporting: number; unreachable: number }>();
    this.targets.forEach((target, i) => {
      const r = regions.get(target.region) ?? { planned: 0, reporting: 0, unreachable: 0 };
      const lastOkMs = this.#scheduler.lastOkMs(i);
      r.planned++;
      if (lastOkMs !== undefined && time - lastOkMs <= 2 * this.#intervalMs) r.reporting++;
      if (this.#scheduler.isUnreachable(i)) r.unreachable++;
      regions.set(target.region, r);
    });
    for (const [region, r] of regions)
      metrics.push({ measurement: snmpRegion.measurement, tags: { input: this.name, region }, time, fields: r });
    this.#queue(metrics);
  }

  #queue(metrics: readonly Metric[]): void {
    for (const m of metrics) this.#pending.push(m);
    if (this.#pending.length >= 5000) this.#flush();
  }

  #flush(): void {
    if (this.#pending.length === 0 || !this.#emit) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#emit(batch);
  }
}
