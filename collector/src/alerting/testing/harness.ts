import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config.js';
import { HealthEngine } from '../../health/engine.js';
import { memoryLogger } from '../../lib/test-logger.js';
import type { Metric } from '../../pipeline/metric.js';
import type { SelfChecks } from '../../pipeline/self-checks.js';
import { AlertEngine } from '../engine.js';
import { ManualClock } from './receivers.js';

const createdDirs: string[] = [];

/** Removes the state dirs the harnesses of this process created (afterAll). */
export function removeHarnessDirs(): void {
  for (const dir of createdDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * An AlertEngine built from a config validated by the real schema, with the real health model,
 * driven by a hand-moved clock: each `run` step advances time, feeds metrics, evaluates, and waits
 * for the deliveries it started to end, so minutes of alerting take milliseconds.
 */
export class AlertingHarness {
  readonly clock: ManualClock;
  readonly health: HealthEngine;
  readonly stateDir: string;
  readonly logger = memoryLogger();
  readonly points: Metric[] = [];
  engine: AlertEngine;

  constructor(
    private readonly alerting: object,
    /** `linkFeed: false`: link rules read every link at every evaluation (no change feed), as a reference. */
    private readonly options: { start?: number; timezone?: string; stateDir?: string; selfChecks?: SelfChecks; linkFeed?: boolean } = {},
  ) {
    this.clock = new ManualClock(options.start ?? Date.parse('2026-11-25T12:00:00Z'));
    this.health = new HealthEngine({ holdMs: 30_000, staleAfterMs: 45_000 });
    this.stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'cb-alerting-'));
    if (!options.stateDir) createdDirs.push(this.stateDir);
    this.engine = this.#create(options.timezone ?? 'America/New_York');
  }

  #create(timezone: string): AlertEngine {
    const config = parseConfig({ timezone, stateDir: this.stateDir, alerting: this.alerting });
    return new AlertEngine({
      config: config.alerting!,
      timezone,
      stateDir: this.stateDir,
      log: this.logger.log,
      links: () => this.health.links(),
      ...(this.options.linkFeed === false ? {} : { linkChanges: this.health }),
      selfChecks: this.options.selfChecks,
      now: this.clock.now,
      emit: (points) => this.points.push(...points),
    });
  }

  /** A new engine on the same state dir, as after kill -9 (the old one is abandoned, not stopped). */
  restart(timezone = 'America/New_York'): AlertEngine {
    this.engine = this.#create(timezone);
    return this.engine;
  }

  feed(metrics: Metric[]): void {
    const changes = this.health.observe(metrics);
    this.engine.observe([...metrics, ...changes]);
  }

  /** Advances `ms` in steps; `metrics(t)` is fed at each step before evaluation. */
  async run(ms: number, step: number, metrics?: (t: number) => Metric[]): Promise<void> {
    for (let elapsed = 0; elapsed < ms; elapsed += step) {
      const t = this.clock.advance(step);
      if (metrics) this.feed(metrics(t));
      this.engine.observe(this.health.checkStale(t));
      this.engine.tick();
      await this.engine.idle();
    }
  }
}

export const trunk = (t: number, name: string, group: string, up: boolean): Metric => ({
  measurement: 'trunk_status',
  tags: { switch: 'ss1', trunk: name, trunk_group: group },
  time: t,
  fields: { up: up ? 1 : 0, state: up ? 'up' : 'down' },
});

export const device = (t: number, name: string, tags: Record<string, string>, up: boolean): Metric => ({
  measurement: 'snmp_device',
  tags: { device: name, customer: '', site: '', region: '', role: '', ...tags },
  time: t,
  fields: { up: up ? 1 : 0, unreachable: up ? 0 : 1 },
});
