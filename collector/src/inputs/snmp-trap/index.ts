import { z } from 'zod';
import { secret } from '../../lib/config-types.js';
import type { LinkRule } from '../../health/rules.js';
import type { Logger } from '../../lib/log.js';
import type { Metric } from '../../pipeline/metric.js';
import type { Emit, Input, InputContext, InputPlugin } from '../input.js';
import { CredentialBinding, type CredentialEntry } from './credentials.js';
import { DeviceDirectory, unlistedDevice, type PolledDevice } from './devices.js';
import { StormLimiter } from './limiter.js';
import { SNMP_TRAP_MEASUREMENTS } from './measurements.js';
import { TrapReceiver, type CredentialKey, type RejectReason } from './receiver.js';
import { trapSelfMetrics, type TrapSelfMetrics } from './self-metrics.js';
import { TrapFormatError, eventMetric, translateTrap, type ReceivedTrap, type TrapDevice, type TrapEvent } from './translate.js';

/** An empty secret file would otherwise accept the empty community, or key a user with an empty passphrase. */
const filledSecret = secret.refine((s) => s.reveal() !== '', { message: 'the secret is empty' });

const user = z
  .strictObject({
    user: z.string().min(1),
    level: z.enum(['authNoPriv', 'authPriv']).default('authPriv'),
    authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).default('sha'),
    authKey: filledSecret,
    privProtocol: z.enum(['des', 'aes', 'aes256b', 'aes256r']).default('aes'),
    privKey: filledSecret.optional(),
  })
  .refine((u) => u.level !== 'authPriv' || u.privKey !== undefined, { message: 'authPriv needs privKey', path: ['privKey'] });

const configSchema = z
  .strictObject({
    type: z.literal('snmp-trap'),
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, "_", "." or "-"'),
    /** 1162 runs unprivileged; production devices send to 162 (see README). */
    listen: z
      .strictObject({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(1, 'expected a port 1–65535 (0 is not possible: net-snmp takes it as 162)').max(65535).default(1162),
      })
      .prefault({}),
    /** v1/v2c communities accepted ({env}/{file} secrets). */
    communities: z.array(filledSecret).default([]),
    /** v3 USM users (traps and informs); a name once (net-snmp would keep only the last entry's keys). */
    users: z
      .array(user)
      .default([])
      .superRefine((users, ctx) =>
        users.forEach((u, i) => {
          if (users.findIndex((other) => other.user === u.user) < i)
            ctx.addIssue({ code: 'custom', path: [i, 'user'], message: `user "${u.user}" is listed twice` });
        }),
      ),
    /**
     * Credentials of one device (its inventory `device` name): accepted from that device only, and
     * that device accepts no others. Users are named from `users`; communities are given here.
     */
    devices: z
      .record(
        z.string().min(1),
        z
          .strictObject({ communities: z.array(filledSecret).default([]), users: z.array(z.string().min(1)).default([]) })
          .refine((d) => d.communities.length > 0 || d.users.length > 0, { message: 'give the device communities or users' }),
      )
      .default({}),
    /** Our SNMPv3 engine ID (hex, 5–32 bytes) for senders that must be configured with it (Cisco v3 informs); default: random per start. */
    engineId: z
      .string()
      .regex(/^(0x)?([0-9a-fA-F]{2}){5,32}$/, 'expected 5 to 32 bytes in hex (e.g. 80001f8880c0ffee0001)')
      .optional(),
    /** Accept notifications from addresses that no SNMP input polls (tagged with the address). */
    acceptUnknownSources: z.boolean().default(false),
    storm: z
      .strictObject({
        ratePerSecond: z.number().positive().default(100),
        burst: z.number().int().min(1).default(500),
        maxPendingPerSource: z.number().int().min(1).default(10_000),
      })
      .prefault({}),
    receiveBufferBytes: z
      .number()
      .int()
      .min(65_536)
      .default(4 << 20),
  })
  .refine((c) => c.communities.length > 0 || c.users.length > 0 || Object.values(c.devices).some((d) => d.communities.length > 0), {
    message: 'give communities (v1/v2c) or users (v3): without either no notification is accepted',
  })
  .superRefine((c, ctx) => {
    const shared = new Set(c.communities.map((s) => s.reveal()));
    const users = new Set(c.users.map((u) => u.user));
    for (const [device, own] of Object.entries(c.devices)) {
      own.communities.forEach((community, i) => {
        if (shared.has(community.reveal()))
          ctx.addIssue({
            code: 'custom',
            path: ['devices', device, 'communities', i],
            message: 'this community is also in communities (shared by every device): it cannot belong to one device',
          });
      });
      own.users.forEach((name, i) => {
        if (!users.has(name))
          ctx.addIssue({ code: 'custom', path: ['devices', device, 'users', i], message: `no user "${name}" in users` });
      });
    }
  });

export type SnmpTrapConfig = z.output<typeof configSchema>;

/**
 * The receiver's communities (shared ones first, then each device's, each string once) and what
 * each community and user may speak for. Labels are config paths, never the secret.
 */
function credentialEntries(config: SnmpTrapConfig): { communities: string[]; entries: CredentialEntry[] } {
  const communities: string[] = [];
  const entries: CredentialEntry[] = [];
  const byCommunity = new Map<string, { label: string; devices?: string[] }>();
  config.communities.forEach((c, i) => void byCommunity.set(c.reveal(), { label: `communities[${i}]` }));
  const ownersOf = new Map<string, string[]>();
  for (const [device, own] of Object.entries(config.devices)) {
    own.communities.forEach((c, i) => {
      const known = byCommunity.get(c.reveal());
      // Several devices may share one of their own; a shared one cannot be a device's (refused by the schema).
      if (known?.devices) known.devices.push(device);
      else if (!known) byCommunity.set(c.reveal(), { label: `devices.${device}.communities[${i}]`, devices: [device] });
    });
    for (const user of own.users) ownersOf.set(user, [...(ownersOf.get(user) ?? []), device]);
  }
  for (const [community, { label, devices }] of byCommunity) {
    entries.push({ key: `community:${communities.length}`, label, ...(devices ? { devices } : {}) });
    communities.push(community);
  }
  for (const u of config.users) {
    const devices = ownersOf.get(u.user);
    entries.push({ key: `user:${u.user}`, label: `user "${u.user}"`, ...(devices ? { devices } : {}) });
  }
  return { communities, entries };
}

export const snmpTrapInput: InputPlugin<typeof configSchema> = {
  type: 'snmp-trap',
  description:
    'SNMP trap and inform receiver (v1, v2c, v3 USM): link, DS1, IP SLA and voice notifications as events and instant link health.',
  configSchema,
  measurements: SNMP_TRAP_MEASUREMENTS,
  create: (config, context) => new SnmpTrapInput(config, context),
};

interface Pending {
  readonly event: TrapEvent;
  readonly trap: ReceivedTrap;
  readonly device: TrapDevice | PolledDevice;
  readonly time: number;
}

const DRAIN_MS = 100;
const WARN_EVERY_MS = 60_000;
const MAX_SERIES_REMEMBERED = 100_000;

export class SnmpTrapInput implements Input {
  readonly type = 'snmp-trap';
  readonly name: string;
  readonly #receiver: TrapReceiver;
  readonly #limiter: StormLimiter<Pending>;
  readonly #devices = new DeviceDirectory();
  readonly #binding: CredentialBinding;
  readonly #metrics: TrapSelfMetrics;
  readonly #log: Logger;
  readonly #health: InputContext['health'];
  /** The collector's interface rule (its include/exclude and admin-down convention), so that a trap is judged as the poll is. */
  readonly #interfaceRule: LinkRule | undefined;
  /** Last time written per series: two events of one object in one millisecond must not overwrite each other in InfluxDB. */
  readonly #lastTime = new Map<string, number>();
  readonly #warnedAt = new Map<string, number>();
  #emit?: Emit;
  #batch: Metric[] = [];
  #flushScheduled = false;
  #drainTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: SnmpTrapConfig,
    context: InputContext,
  ) {
    this.name = config.name;
    this.#log = context.log.child({ input: 'snmp-trap', name: config.name });
    this.#metrics = trapSelfMetrics(context.registry);
    this.#health = context.health;
    this.#interfaceRule = context.health?.rule('snmp_interface');
    this.#limiter = new StormLimiter(config.storm);
    const { communities, entries } = credentialEntries(config);
    this.#binding = new CredentialBinding(entries);
    this.#receiver = new TrapReceiver(
      {
        host: config.listen.host,
        port: config.listen.port,
        ...(config.engineId ? { engineId: config.engineId } : {}),
        communities,
        users: config.users.map((u) => ({
          user: u.user,
          level: u.level,
          authProtocol: u.authProtocol,
          authKey: u.authKey.reveal(),
          privProtocol: u.privProtocol,
          privKey: u.privKey?.reveal(),
        })),
        receiveBufferBytes: config.receiveBufferBytes,
      },
      {
        onTrap: (trap, credential) => this.#onTrap(trap, credential),
        onReject: (reason, source, detail) => this.#drop(reason, source, detail),
        onDatagram: () => this.#metrics.datagrams.labels(this.name).inc(),
        onSocketError: (error) => this.#log.error({ code: 'CALLBOARD_TRAP_SOCKET', err: error.message }, 'trap receiver socket error'),
      },
    );
  }

  async start(emit: Emit): Promise<void> {
    this.#emit = emit;
    await this.#receiver.start();
    this.#drainTimer = setInterval(() => this.#drain(), DRAIN_MS);
    this.#log.info(
      {
        listen: `${this.config.listen.host}:${this.config.listen.port}`,
        communities: this.config.communities.length,
        users: this.config.users.length,
      },
      'SNMP trap receiver listening',
    );
  }

  async stop(): Promise<void> {
    await this.#receiver.stop();
    clearInterval(this.#drainTimer);
    // Events held by the storm limiter are the latest state of their objects: applied, not lost.
    this.#limiter.flushAll((item) => this.#apply(item));
    this.#flush();
  }

  /** Whether the notification is accepted (applied now or held by the storm limiter). */
  #onTrap(trap: ReceivedTrap, credential: CredentialKey): boolean {
    const time = Date.now();
    this.#metrics.received.labels(this.name, trap.version).inc();
    const device = this.#devices.lookup(trap.source) ?? (this.config.acceptUnknownSources ? unlistedDevice(trap.source) : undefined);
    if (!device) return this.#refuse('unknown_source', trap.source, 'not in any SNMP input inventory');
    const refusal = this.#binding.refusal(credential, device.device);
    if (refusal) return this.#refuse('credential_mismatch', trap.source, `from the address of ${device.device}: ${refusal}`);
    let event: TrapEvent;
    try {
      event = translateTrap(trap, device, this.#interfaceRule);
    } catch (error) {
      if (error instanceof TrapFormatError) return this.#refuse('malformed', trap.source, error.message);
      throw error;
    }
    const outcome = this.#limiter.offer(trap.source, event.key, { event, trap, device, time }, performance.now(), (item) =>
      this.#apply(item),
    );
    if (outcome === 'superseded') this.#metrics.dropped.labels(this.name, 'rate_limited').inc();
    else if (outcome === 'overflow') this.#drop('overflow', trap.source, `more than ${this.config.storm.maxPendingPerSource} objects held`);
    return true;
  }

  #refuse(reason: 'unknown_source' | 'credential_mismatch' | 'malformed', source: string, detail: string): false {
    this.#drop(reason, source, detail);
    return false;
  }

  #drain(): void {
    this.#limiter.drain(performance.now(), (item) => this.#apply(item));
    this.#metrics.held.labels(this.name).set(this.#limiter.held);
  }

  #apply({ event, trap, device, time }: Pending): void {
    this.#metrics.events.labels(this.name, event.event).inc();
    if (event.counterRestart && 'counterRestart' in device) device.counterRestart();
    const seriesKey = `${device.device}\u0000${event.event}\u0000${event.object}`;
    const at = Math.max(time, (this.#lastTime.get(seriesKey) ?? 0) + 1);
    // Bounded (accepted unknown sources could name any number of objects); forgetting costs only the guard.
    if (this.#lastTime.size >= MAX_SERIES_REMEMBERED) this.#lastTime.clear();
    this.#lastTime.set(seriesKey, at);
    this.#batch.push(eventMetric(event, trap, device, at));
    if (event.link && this.#health) {
      const change = this.#health.report(event.link, event.link.verdict, time, 'trap');
      if (change) this.#batch.push(change);
    }
    // One pipeline call for everything applied in this turn of the event loop (a storm's burst).
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#batch.length === 0 || !this.#emit) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#emit(batch);
  }

  #drop(reason: RejectReason | 'unknown_source' | 'credential_mismatch' | 'overflow', source: string | undefined, detail: string): void {
    this.#metrics.dropped.labels(this.name, reason).inc();
    // Counted always; logged once a minute per reason, so a hostile flood cannot flood the log.
    const now = Date.now();
    if (now - (this.#warnedAt.get(reason) ?? -Infinity) < WARN_EVERY_MS) return;
    this.#warnedAt.set(reason, now);
    // The community or user name a stranger sent is not logged: it may be someone's secret elsewhere.
    const shown = reason === 'unauthorized' ? 'unknown community or user' : detail;
    this.#log.warn(
      { code: 'CALLBOARD_TRAP_DROPPED', reason, source, detail: shown },
      'SNMP notification dropped (further drops for this reason are only counted for a minute)',
    );
  }
}
