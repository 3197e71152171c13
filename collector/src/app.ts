import { join } from 'node:path';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { AlertEngine } from './alerting/engine.js';
import { alertLiveEvent, alertsMeasurement } from './alerting/measurement.js';
import { apiSecurityOptions } from './api/config.js';
import { ApiServer } from './api/server.js';
import type { CallboardConfig } from './config.js';
import { cdrReconciliation, findMilestoneBook, reconcilePairs } from './inputs/cdr/index.js';
import { inputPlugins, findInputPlugin } from './inputs/registry.js';
import { HealthEngine, linkHealth } from './health/engine.js';
import type { Input } from './inputs/input.js';
import type { Logger } from './lib/log.js';
import { InfluxSink } from './outputs/influx/index.js';
import { influxSelfChecks } from './outputs/influx/self-checks.js';
import { LiveHub } from './outputs/live/hub.js';
import { LiveStore } from './outputs/live/store.js';
import { TrafficProfileSink } from './outputs/traffic/profile.js';
import type { MeasurementSchema } from './pipeline/metric.js';
import type { SelfChecks } from './pipeline/self-checks.js';
import { Pipeline } from './pipeline/pipeline.js';
import { Scheduler } from './pipeline/scheduler.js';
import { flushSinks, type Sink } from './pipeline/sink.js';
import { sourceStatus } from './pipeline/source-status.js';
import { TrunkAdvisor, trunkAdvice } from './traffic/advice.js';
import { TrunkGroups, trunkGroup } from './traffic/trunk-groups.js';
import { VERSION } from './version.js';

export function allMeasurementSchemas(): MeasurementSchema[] {
  return [sourceStatus, linkHealth, trunkGroup, trunkAdvice, alertsMeasurement, ...inputPlugins.flatMap((p) => p.measurements)];
}

/**
 * One running collector. Start order: sinks, inputs, API; stop order the reverse, so that no
 * input emits into a stopped sink and the last points are flushed after the last poll.
 */
export class Collector {
  readonly registry = new Registry();
  readonly store = new LiveStore();
  readonly health: HealthEngine;
  readonly alerting: AlertEngine | undefined;
  readonly api: ApiServer;
  readonly #sinks: Sink[];
  readonly #inputs: Input[];
  readonly #scheduler: Scheduler;
  readonly #pipeline: Pipeline;
  readonly #hub: LiveHub;
  readonly #advisor: TrunkAdvisor;
  readonly #log: Logger;
  #staleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly config: Readonly<CallboardConfig>, log: Logger) {
    this.#log = log;
    collectDefaultMetrics({ register: this.registry, prefix: 'callboard_process_' });
    new Gauge({ name: 'callboard_build_info', help: 'Collector version', labelNames: ['version'], registers: [this.registry] }).set({ version: VERSION }, 1);

    const trafficProfile = new TrafficProfileSink(join(config.stateDir, 'traffic-profile.json'), { groups: config.trunkGroups });
    this.#sinks = [this.store, trafficProfile];
    let selfChecks: SelfChecks | undefined;
    if (config.outputs.influx) {
      const influx = new InfluxSink(config.outputs.influx, {
        schemas: allMeasurementSchemas(),
        log,
        registry: this.registry,
        timezone: config.timezone,
        spoolDir: join(config.stateDir, 'influx-spool'),
      });
      this.#sinks.unshift(influx);
      selfChecks = (now) => influxSelfChecks(influx, now);
    }
    const { hold, staleAfter, ...thresholds } = config.health;
    this.health = new HealthEngine({ holdMs: hold, staleAfterMs: staleAfter, ...thresholds });
    const trunkGroups = new TrunkGroups(config.trunkGroups, { cdrSources: config.inputs.filter((i) => i.type === 'cdr').map((i) => i.name) });
    this.#advisor = new TrunkAdvisor(config.trunkGroups, trafficProfile, config.timezone);
    this.alerting = config.alerting && new AlertEngine({
      config: config.alerting,
      timezone: config.timezone,
      stateDir: config.stateDir,
      log,
      links: () => this.health.links(),
      linkChanges: this.health,
      selfChecks,
      registry: this.registry,
      emit: (points) => this.#pipeline.emit(points),
      onChange: (alert) => this.#hub.publish(alertLiveEvent(alert, Date.now())),
    });
    this.#pipeline = new Pipeline(this.#sinks, log, this.registry, [
      trunkGroups.process,
      cdrReconciliation(reconcilePairs(config.inputs), config.timezone),
      (metrics) => [...metrics, ...this.health.observe(metrics)],
      ...(this.alerting ? [this.alerting.observe] : []),
    ]);
    const context = { log, stateDir: config.stateDir, timezone: config.timezone, registry: this.registry, health: this.health, shard: config.shard };
    // Each input its own flush (caller token): points a sink dropped are reported to the inputs that wrote since.
    this.#inputs = config.inputs.map((inputConfig) =>
      findInputPlugin(inputConfig.type)!.create(inputConfig as never, { ...context, flush: flushSinks(this.#sinks) }),
    );
    this.#scheduler = new Scheduler(this.#inputs, this.#pipeline.emit, log, this.registry);
    this.#hub = new LiveHub(this.store, config.api.maxUpdatesPerSecond);
    this.api = new ApiServer({
      host: config.api.host,
      port: config.api.port,
      ...apiSecurityOptions(config.api),
      config,
      maxUpdatesPerSecond: config.api.maxUpdatesPerSecond,
      store: this.store,
      health: this.health,
      trunkGroups: { groups: config.trunkGroups, profile: trafficProfile, timezone: config.timezone },
      milestones: findMilestoneBook(this.#inputs),
      alerting: this.alerting,
      selfChecks,
      hub: this.#hub,
      registry: this.registry,
      log,
      version: VERSION,
    });
  }

  async start(): Promise<void> {
    for (const sink of this.#sinks) await sink.start();
    this.#hub.start();
    for (const input of this.#inputs) await input.start?.(this.#pipeline.emit);
    this.#scheduler.start();
    this.#staleTimer = setInterval(() => this.#pipeline.emit(this.health.checkStale(Date.now())), 1000).unref();
    this.#advisor.start(this.#pipeline.emit);
    this.alerting?.start();
    await this.api.start();
    this.#log.info({ inputs: this.#inputs.map((i) => `${i.type}:${i.name}`), sinks: this.#sinks.map((s) => s.name) }, 'collector started');
  }

  async stop(): Promise<void> {
    const deadline = setTimeout(() => {
      this.#log.error({ code: 'CALLBOARD_SHUTDOWN_TIMEOUT' }, `shutdown exceeded ${this.config.shutdownTimeout} ms; exiting`);
      process.exit(1);
    }, this.config.shutdownTimeout).unref();
    await this.api.stop();
    await this.#scheduler.stop();
    clearInterval(this.#staleTimer);
    this.#advisor.stop();
    await Promise.allSettled(this.#inputs.map((i) => i.stop?.()));
    await this.alerting?.stop();
    this.#hub.stop();
    for (const sink of [...this.#sinks].reverse()) {
      try {
        await sink.stop();
      } catch (error) {
        this.#log.error({ sink: sink.name, err: (error as Error).message }, 'sink did not stop cleanly');
      }
    }
    clearTimeout(deadline);
    this.#log.info('collector stopped');
  }
}
