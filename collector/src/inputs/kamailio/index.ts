import { join } from 'node:path';
import { z } from 'zod';
import { duration, httpUrl } from '../../lib/config-types.js';
import { JsonCheckpoint } from '../../lib/checkpoint.js';
import type { Logger } from '../../lib/log.js';
import type { Metric } from '../../pipeline/metric.js';
import type { Emit, Input, InputContext, InputPlugin } from '../input.js';
import { CallAccounting, type AccountingCheckpoint, type IntervalFigures } from './accounting.js';
import { EvapiSubscriber, type CallEvent } from './evapi.js';
import { softswitchCalls, trunkStatus } from './measurements.js';
import { STATS_FETCH_PARAMS, parseDialogStates, parseDispatcherList, parseSwitchCounters, parseTrunkCounters, parseUptime, type Gateway } from './parse.js';
import { TrunkAccounting, type TrunkFigures, type TrunkSample } from './trunk-accounting.js';
import { KamailioRpc } from './rpc.js';

const configSchema = z.strictObject({
  type: z.literal('kamailio'),
  /** The switch tag on every metric, e.g. "ss1-nyc". */
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, "_", "." or "-"'),
  /** JSON-RPC endpoint served by xhttp + jsonrpcs. */
  url: httpUrl,
  interval: duration('1s'),
  timeout: duration('800ms'),
  /** Kamailio's evapi listener: dialog events for sub-second live counts between polls. */
  evapi: z.strictObject({ host: z.string().default('127.0.0.1'), port: z.number().int().min(1).max(65535) }).optional(),
  /** Also poll dispatcher.list for trunk (gateway) state. */
  trunks: z.boolean().default(true),
  /** The htable in which the Kamailio script counts calls per gateway (see README); absent: not polled. */
  trunkCalls: z.string().regex(/^[A-Za-z0-9_]+$/, 'expected an htable name').optional(),
});

export type KamailioConfig = z.output<typeof configSchema>;

export const kamailioInput: InputPlugin<typeof configSchema> = {
  type: 'kamailio',
  description: 'Kamailio softswitch: calls, answers, failures, minutes of use and trunk state over JSON-RPC, live via evapi.',
  configSchema,
  measurements: [softswitchCalls, trunkStatus],
  create: (config, context) => new KamailioInput(config, context),
};

const percent = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : undefined);

export function callsMetric(switchName: string, time: number, f: IntervalFigures): Metric {
  const completed = f.answered + f.failed;
  const asr = percent(f.answered, completed);
  const ner = percent(f.answered + Math.min(f.userFailures, f.failed), completed);
  return {
    measurement: softswitchCalls.measurement,
    tags: { switch: switchName },
    time,
    fields: {
      active: f.active,
      early: f.early,
      attempts: f.attempts,
      answered: f.answered,
      failed: f.failed,
      cancelled: f.cancelled,
      user_failures: f.userFailures,
      minutes: f.minutes,
      interval_ms: f.intervalMs,
      restarted: f.restarted ? 1 : 0,
      ...(asr === undefined ? {} : { asr }),
      ...(ner === undefined ? {} : { ner }),
    },
  };
}

export function trunkMetric(switchName: string, time: number, g: Gateway, calls?: TrunkFigures): Metric {
  return {
    measurement: trunkStatus.measurement,
    tags: { switch: switchName, trunk: g.name },
    time,
    fields: {
      up: g.state === 'up' ? 1 : 0,
      state: g.state,
      uri: g.uri,
      latency_avg_ms: g.latencyAvgMs,
      latency_max_ms: g.latencyMaxMs,
      probe_timeouts: g.probeTimeouts,
      ...(calls
        ? {
            calls_active: calls.active,
            calls_attempts: calls.attempts,
            calls_answered: calls.answered,
            calls_failed: calls.failed,
            calls_blocked: calls.blocked,
            minutes: calls.minutes,
          }
        : {}),
    },
  };
}

interface Checkpoint {
  calls?: AccountingCheckpoint;
  trunks?: TrunkSample;
}

/**
 * Live call levels between polls: evapi events move them at once. Each poll resets them to the
 * switch's own figures, then replays the events Kamailio stamped after the poll read its
 * dialogs, so a poll answered a few ms late never rolls the live count back; a lost event
 * lasts one interval at most.
 */
export class LiveCalls {
  active = 0;
  early = 0;
  #recent: CallEvent[] = [];

  reconcile(active: number, early: number, readAtMs: number): number {
    const before = { active: this.active, early: this.early };
    this.active = active;
    this.early = early;
    this.#recent = this.#recent.filter((e) => e.ts * 1000 > readAtMs);
    for (const event of this.#recent) this.#move(event);
    return Math.abs(before.active - this.active) + Math.abs(before.early - this.early);
  }

  apply(event: CallEvent): void {
    // Bounded in case polls keep failing while events still arrive.
    if (this.#recent.length >= 10_000) this.#recent.shift();
    this.#recent.push(event);
    this.#move(event);
  }

  #move(event: CallEvent): void {
    switch (event.event) {
      case 'call_attempt':
        this.early += 1;
        break;
      case 'call_answered':
        this.early = Math.max(0, this.early - 1);
        this.active += 1;
        break;
      case 'call_failed':
        this.early = Math.max(0, this.early - 1);
        break;
      case 'call_ended':
        this.active = Math.max(0, this.active - 1);
        break;
    }
  }
}

class KamailioInput implements Input {
  readonly type = 'kamailio';
  readonly name: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly #rpc: KamailioRpc;
  readonly #log: Logger;
  readonly #checkpoint: JsonCheckpoint<Checkpoint>;
  readonly #accounting: CallAccounting;
  readonly #trunkAccounting: TrunkAccounting;
  readonly #live = new LiveCalls();
  #evapi: EvapiSubscriber | undefined;

  constructor(private readonly config: KamailioConfig, context: InputContext) {
    this.name = config.name;
    this.intervalMs = config.interval;
    this.timeoutMs = config.timeout;
    this.#rpc = new KamailioRpc(config.url, config.timeout);
    this.#log = context.log.child({ input: 'kamailio', switch: config.name });
    this.#checkpoint = new JsonCheckpoint(join(context.stateDir, `kamailio-${config.name}.json`));
    const saved = this.#checkpoint.read();
    const maxGapMs = Math.max(10 * config.interval, 10_000);
    this.#accounting = new CallAccounting(saved?.calls, maxGapMs);
    this.#trunkAccounting = new TrunkAccounting(saved?.trunks, maxGapMs);
  }

  async start(emit: Emit): Promise<void> {
    const evapi = this.config.evapi;
    if (!evapi) return;
    this.#evapi = new EvapiSubscriber(evapi.host, evapi.port, {
      onEvent: (event) => {
        this.#live.apply(event);
        emit([this.#liveMetric(Math.round(event.ts * 1000))]);
      },
      onMalformed: (reason) => this.#log.warn({ code: 'CALLBOARD_EVAPI_MALFORMED', reason }, 'evapi: malformed event ignored'),
      onConnected: () => this.#log.info({ host: evapi.host, port: evapi.port }, 'evapi connected'),
      onDisconnected: (reason) => this.#log.warn({ reason }, 'evapi disconnected; polling carries on, reconnecting'),
    });
    this.#evapi.start();
  }

  async stop(): Promise<void> {
    this.#evapi?.stop();
  }

  async gather(signal: AbortSignal): Promise<readonly Metric[]> {
    const call = (method: string, params?: unknown[]) => this.#rpc.call(method, params, signal);
    const requested = Date.now();
    let dialogsReadAt = requested;
    const { trunks: pollTrunks, trunkCalls } = this.config;
    const [uptime, counters, dialogs, gateways, trunkCounters] = await Promise.all([
      call('core.uptime'),
      call('stats.fetch', STATS_FETCH_PARAMS),
      call('dlg.stats_active').finally(() => (dialogsReadAt = (requested + Date.now()) / 2)),
      pollTrunks ? call('dispatcher.list') : Promise.resolve(undefined),
      pollTrunks && trunkCalls ? call('htable.dump', [trunkCalls]) : Promise.resolve(undefined),
    ]);
    const time = Date.now();
    const sample = {
      time,
      upSince: parseUptime(uptime).upSince,
      counters: parseSwitchCounters(counters),
      dialogs: parseDialogStates(dialogs),
    };
    const trunks = pollTrunks ? parseDispatcherList(gateways) : [];
    const figures = this.#accounting.next(sample);
    if (figures.restarted) this.#log.warn({ code: 'CALLBOARD_SWITCH_RESTARTED' }, 'Kamailio restarted: counting from zero for the new run');
    const callsByTrunk = trunkCalls
      ? this.#trunkAccounting.next({ time, upSince: sample.upSince, trunks: Object.fromEntries(parseTrunkCounters(trunkCounters, trunkCalls)) })
      : undefined;
    this.#checkpoint.write({ calls: this.#accounting.checkpoint, trunks: this.#trunkAccounting.checkpoint });
    const polled = callsMetric(this.name, time, figures);
    const idle: TrunkFigures = { attempts: 0, answered: 0, failed: 0, blocked: 0, active: 0, minutes: 0 };
    const trunkMetrics = trunks.map((g) => trunkMetric(this.name, time, g, callsByTrunk && (callsByTrunk.get(g.uri) ?? idle)));
    if (!this.#evapi) return [polled, ...trunkMetrics];
    // Storage gets the exact polled levels; the live view gets them with later events replayed.
    const drift = this.#live.reconcile(figures.active, figures.early, dialogsReadAt);
    if (drift > 0) this.#log.debug({ drift }, 'live counts corrected by poll');
    const live: Metric = { ...polled, fields: { ...polled.fields, active: this.#live.active, early: this.#live.early }, destination: 'live' };
    return [{ ...polled, destination: 'storage' }, live, ...trunkMetrics];
  }

  #liveMetric(time: number): Metric {
    return {
      measurement: softswitchCalls.measurement,
      tags: { switch: this.name },
      time,
      fields: { active: this.#live.active, early: this.#live.early },
      destination: 'live',
    };
  }
}
