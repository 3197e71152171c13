// The InfluxDB 1.x output: validates metrics against their schemas, encodes them as line protocol
// into the durable disk spool, writes them in batches into the `raw` retention policy, and keeps
// the database layout (retention policies, rollup continuous queries) in place. README.md
// describes the design.
import type { Registry } from 'prom-client';
import type { Logger } from '../../lib/log.js';
import { forStorage, type MeasurementSchema, type Metric } from '../../pipeline/metric.js';
import { PointsLostError, type FlushOptions, type Sink } from '../../pipeline/sink.js';
import { Backfiller, backfillStatements, LateTracker } from './backfill.js';
import { backoffDelay, Batcher, FlushTimeoutError, Gate, type BatcherListener } from './batcher.js';
import type { InfluxOutputConfig } from './config.js';
import { LogLimiter } from './log-limit.js';
import { lineKey, LineEncoder } from './line-protocol.js';
import { createInfluxMetrics, createSpoolMetrics, type InfluxMetrics, type SpoolMetrics } from './metrics.js';
import { MemoryQueue, type PointBuffer } from './queue.js';
import { rolledUp, type DesiredLayout } from './schema.js';
import { applySetup } from './setup.js';
import { isTimeZone } from './timezone.js';
import { DiskSpool } from './spool.js';
import { createInfluxClient, InfluxQLError, LineTransport, pingInflux, runQuery } from './transport.js';
import { MetricValidator, type Rejection } from './validate.js';

export { FlushTimeoutError } from './batcher.js';
export { SpoolError } from './spool.js';
export { PointsLostError } from '../../pipeline/sink.js';
export type { InfluxOutputConfig } from './config.js';

export interface InfluxSinkOptions {
  /** Every measurement that may be written; others are rejected. Those with `rollup` get CQs. */
  schemas: readonly MeasurementSchema[];
  log: Logger;
  /** The sink registers its callboard_influx_* metrics here. */
  registry: Registry;
  /** IANA zone of the carrier's day, for the 1d rollups. */
  timezone: string;
  /**
   * Directory of the durable spool (config `spool.dir` wins). Without either, points queue in
   * memory only: for one-shot writers such as `cdr import --influx`, which can read their input again.
   */
  spoolDir?: string;
}

/** A spool above spool.alarmAt stays in alarm until it is this much (of maxBytes) below it. */
const ALARM_HYSTERESIS = 0.05;
/** How often a durable flush re-checks whether what it waits for reached the disk. */
const DURABLE_POLL_MS = 20;

/** Repeated log lines (invalid metrics, an outage that goes on) at most this often per kind. */
const LOG_EVERY_MS = 30_000;
/** Backfills of late points start this long after the first late batch, to take a backlog in few runs … */
const BACKFILL_DELAY_MS = 1000;
/** … and at least this far apart. */
const BACKFILL_INTERVAL_MS = 30_000;

export class InfluxSink implements Sink {
  readonly name = 'influx';
  readonly #config: InfluxOutputConfig;
  readonly #log: Logger;
  readonly #layout: DesiredLayout;
  readonly #influx;
  readonly #validator: MetricValidator;
  readonly #encoder: LineEncoder;
  readonly #queue: PointBuffer<string>;
  readonly #spool?: DiskSpool;
  readonly #transport: LineTransport;
  readonly #gate = new Gate();
  readonly #batcher: Batcher<string>;
  readonly #metrics: InfluxMetrics;
  readonly #spoolMetrics?: SpoolMetrics;
  #alarm = 0;
  /** Points the spool dropped since the start; every one had a sequence number below #droppedBelow. */
  #spoolDropped = 0;
  #droppedBelow = 0;
  /** Per flush caller: the spool sequence its last settled durable flush covered (drops below it are not its concern). */
  readonly #flushedTo = new WeakMap<object, number>();
  /** Since when and why InfluxDB has not been taking requests (undefined while it does, or before the first). */
  #unreachable: { since: number; error: string } | undefined;
  #everReached = false;
  readonly #tracker: LateTracker;
  readonly #backfiller: Backfiller;
  readonly #limiter = new LogLimiter(LOG_EVERY_MS);
  #state: 'new' | 'started' | 'stopped' = 'new';
  #setupFailures = 0;
  #setupSleep?: { timer: NodeJS.Timeout; wake: () => void };
  #stopping?: Promise<void>;
  /** Database, RPs and CQs are in place (the gate opens earlier, once the database and RPs are). */
  #setupComplete = false;

  constructor(config: InfluxOutputConfig, options: InfluxSinkOptions) {
    if (!isTimeZone(options.timezone)) throw new Error(`InfluxDB output: unknown time zone "${options.timezone}"`);
    this.#config = config;
    this.#log = options.log.child({ output: 'influx' });
    this.#validator = new MetricValidator(options.schemas);
    this.#layout = { database: config.database, retention: config.retention, schemas: options.schemas, timezone: options.timezone };
    this.#influx = createInfluxClient(config, options.schemas);
    this.#encoder = new LineEncoder(options.schemas);
    this.#metrics = createInfluxMetrics(options.registry, () => this.#batcher.pending);
    const spoolDir = config.spool.dir ?? options.spoolDir;
    if (spoolDir !== undefined) {
      this.#spoolMetrics = createSpoolMetrics(options.registry, {
        bytes: () => this.#spool!.diskBytes,
        maxBytes: () => config.spool.maxBytes,
        memoryPoints: () => this.#spool!.memoryPoints,
        oldestPushedAt: () => this.#spool!.oldestPushedAt(),
        alarm: () => this.#checkAlarm(),
      });
      this.#spool = new DiskSpool({
        dir: spoolDir,
        maxBytes: config.spool.maxBytes,
        segmentBytes: config.spool.segmentBytes,
        fsyncIntervalMs: config.spool.fsyncInterval,
        maxMemoryPoints: config.maxQueuedPoints,
        log: this.#log,
        events: {
          damaged: (records) => this.#spoolMetrics!.damaged.inc(records),
          replayed: (points) => this.#spoolMetrics!.replayed.inc(points),
          dropped: (points, below) => {
            this.#spoolDropped += points;
            this.#droppedBelow = Math.max(this.#droppedBelow, below);
          },
        },
      });
      this.#queue = this.#spool;
    } else {
      this.#queue = new MemoryQueue<string>(config.maxQueuedPoints);
    }
    this.#transport = new LineTransport(config);
    this.#batcher = new Batcher({
      queue: this.#queue,
      transport: this.#transport,
      listener: this.#listener(),
      gate: this.#gate,
      batchSize: config.batchSize,
      flushIntervalMs: config.flushInterval,
      retry: { initialMs: config.retry.initial, maxMs: config.retry.max },
    });
    const rolled = new Map(options.schemas.filter(rolledUp).map((s) => [s.measurement, s] as const));
    this.#tracker = new LateTracker(rolled.keys());
    this.#backfiller = new Backfiller({
      tracker: this.#tracker,
      plan: (hours) => backfillStatements(hours, rolled, config.database, options.timezone),
      run: async (statement) => void (await runQuery(this.#influx, statement, config.database)),
      gate: this.#gate,
      retry: { initialMs: config.retry.initial, maxMs: config.retry.max },
      delayMs: BACKFILL_DELAY_MS,
      minIntervalMs: BACKFILL_INTERVAL_MS,
      log: this.#log,
    });
  }

  /** True once the database and its retention policies are in place and writes can go out. */
  get ready(): boolean {
    return this.#gate.isOpen;
  }

  /** Points not yet written (queued plus the batch in flight). */
  get pending(): number {
    return this.#batcher.pending;
  }

  /** The spool's state for health checks and alerts; undefined without a spool. */
  spoolStatus():
    { bytes: number; maxBytes: number; memoryPoints: number; alarm: number; diskError?: string; oldestPushedAt?: number } | undefined {
    const spool = this.#spool;
    if (!spool) return undefined;
    const alarm = this.#checkAlarm();
    const oldest = spool.oldestPushedAt();
    return {
      bytes: spool.diskBytes,
      maxBytes: spool.maxBytes,
      memoryPoints: spool.memoryPoints,
      alarm,
      ...(spool.diskError !== undefined ? { diskError: spool.diskError } : {}),
      ...(oldest !== undefined ? { oldestPushedAt: oldest } : {}),
    };
  }

  /** Whether InfluxDB answered the last request (ping, setup, write); since when and why not, for health checks and alerts. */
  connectionStatus(): { reachable: boolean; since?: number; error?: string } {
    if (this.#unreachable) return { reachable: false, ...this.#unreachable };
    return { reachable: this.#everReached };
  }

  #reached(ok: boolean, error?: string): void {
    this.#metrics.up.set(ok ? 1 : 0);
    if (ok) {
      this.#everReached = true;
      this.#unreachable = undefined;
    } else {
      this.#unreachable = { since: this.#unreachable?.since ?? Date.now(), error: error ?? 'unknown error' };
    }
  }

  /**
   * Starts the write loop and sets up InfluxDB (database, retention policies, CQs). If InfluxDB
   * cannot be reached or set up on the first attempt, resolves anyway and keeps trying in the
   * background with backoff; points queue up meanwhile.
   */
  async start(): Promise<void> {
    if (this.#state !== 'new') return;
    this.#state = 'started';
    this.#batcher.start();
    if (!(await this.#trySetup())) void this.#setupLoop();
  }

  /** Synchronous and never throws: live-only metrics are skipped, invalid ones rejected and counted, the rest queued. */
  write(metrics: readonly Metric[]): void {
    try {
      if (this.#state === 'stopped') {
        const n = metrics.filter(forStorage).length;
        if (n > 0) {
          this.#metrics.dropped.inc({ reason: 'shutdown' }, n);
          if (this.#limiter.allow('after-stop'))
            this.#log.warn({ points: n }, 'points written after the InfluxDB output stopped were dropped');
        }
        return;
      }
      const accepted: Metric[] = [];
      for (const metric of metrics) {
        if (metric === null || typeof metric !== 'object') {
          this.#rejectInvalid({ code: 'unknown-measurement', measurement: String(metric), reason: 'not a metric object' }, metric);
          continue;
        }
        if (!forStorage(metric)) continue;
        const checked = this.#validator.check(metric);
        if (checked.ok) accepted.push(checked.metric);
        else this.#rejectInvalid(checked.rejection, metric);
      }
      if (accepted.length === 0) return;
      const lines = accepted.map((m) => this.#encoder.encode(m));
      const dropped = this.#queue.push(lines, Date.now());
      if (dropped > 0) {
        this.#metrics.dropped.inc({ reason: this.#spool ? 'spool_full' : 'queue_full' }, dropped);
        const allowed = this.#limiter.allow('queue-full');
        if (allowed) {
          this.#log.error(
            {
              code: 'CALLBOARD_INFLUX_POINTS_DROPPED',
              dropped,
              maxQueuedPoints: this.#config.maxQueuedPoints,
              droppedSinceLastLog: allowed.suppressed,
            },
            this.#spool
              ? 'InfluxDB spool is full and so is its overflow in memory (maxQueuedPoints): dropped the oldest points in memory'
              : 'InfluxDB output queue is full: dropped the oldest points',
          );
        }
      }
      this.#checkAlarm();
      this.#batcher.notify();
    } catch (error) {
      this.#log.error({ err: (error as Error).message }, 'InfluxDB output: unexpected error in write()');
    }
  }

  /**
   * With a spool: resolves when every point written before the call is on disk (fdatasync) or in
   * InfluxDB — the hand-off the CDR input waits for before it checkpoints. Rejects with
   * FlushTimeoutError when that takes longer than `timeoutMs` (default 3 × config.timeout, 30 s:
   * the spool is full and InfluxDB down, which is the back-pressure), and with PointsLostError
   * when points were dropped that were written since `caller`'s last settled flush (without a
   * caller: since the start): whatever the caller wrote may be among them, so it must write them
   * again (the CDR input reads again from its checkpoint). The caller's next flush covers only
   * what is written after the rejection, so it succeeds once the spool has room again (README,
   * "Dropped points"). `delivered: true` (and a sink without spool) waits until InfluxDB took
   * them (or refused them as bad data, or they were dropped).
   */
  flush(options: FlushOptions & { timeoutMs?: number; delivered?: boolean } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 3 * this.#config.timeout;
    if (!this.#spool || options.delivered) return this.#batcher.flush(timeoutMs);
    return this.#durable(this.#spool, timeoutMs, options.caller);
  }

  async #durable(spool: DiskSpool, timeoutMs: number, caller: object | undefined): Promise<void> {
    const target = spool.tailSeq;
    const since = (caller && this.#flushedTo.get(caller)) ?? 0;
    const settle = (seq: number): void => {
      if (caller) this.#flushedTo.set(caller, Math.max(seq, this.#flushedTo.get(caller) ?? 0));
    };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#droppedBelow > since) {
        settle(spool.tailSeq); // the caller writes again whatever it had written up to now
        if (this.#limiter.allow('flush-after-drop')) {
          this.#log.error(
            { code: 'CALLBOARD_INFLUX_POINTS_DROPPED', dropped: this.#spoolDropped },
            'InfluxDB output dropped points a waiting input had written (spool and memory full): its checkpoint stays; inputs with checkpoints read again from it once the spool has room',
          );
        }
        throw new PointsLostError(
          `InfluxDB spool dropped points written since this caller's last flush (${this.#spoolDropped} since the start)`,
        );
      }
      if (this.#state === 'stopped') throw new Error('InfluxDB output stopped before the flush finished');
      spool.sync();
      if (spool.durableSeq >= target) {
        settle(target);
        return;
      }
      if (Date.now() >= deadline) throw new FlushTimeoutError(timeoutMs, spool.tailSeq - spool.durableSeq);
      await new Promise((resolve) => setTimeout(resolve, DURABLE_POLL_MS));
    }
  }

  /** 0 ok, 1 above spool.alarmAt, 2 full or failing disk (points in memory); logs changes. */
  #checkAlarm(): number {
    const spool = this.#spool;
    if (!spool) return 0;
    const { maxBytes, alarmAt } = this.#config.spool;
    const ratio = spool.diskBytes / maxBytes;
    let level = spool.memoryPoints > 0 || spool.diskError !== undefined ? 2 : ratio >= alarmAt ? 1 : 0;
    if (level === 0 && this.#alarm === 1 && ratio >= alarmAt - ALARM_HYSTERESIS) level = 1;
    if (level === this.#alarm) return level;
    const fields = {
      code: 'CALLBOARD_INFLUX_SPOOL_ALARM',
      alarm: level, // not `level`: that is pino's own
      bytes: spool.diskBytes,
      maxBytes,
      memoryPoints: spool.memoryPoints,
      ...(spool.diskError ? { diskError: spool.diskError } : {}),
    };
    if (level === 2)
      this.#log.error(
        fields,
        `InfluxDB spool full${spool.diskError ? ` (disk: ${spool.diskError})` : ''}: new points wait in memory (up to maxQueuedPoints, then the oldest are dropped); InfluxDB must come back or the spool needs room`,
      );
    else if (level === 1)
      this.#log.warn(
        fields,
        `InfluxDB spool above ${Math.round(alarmAt * 100)} % of spool.maxBytes: InfluxDB has not been taking writes for a while`,
      );
    else this.#log.info(fields, 'InfluxDB spool alarm cleared');
    this.#alarm = level;
    return level;
  }

  /**
   * Flushes for at most `timeoutMs` (default: config.timeout, at most 5 s, so the collector's own
   * shutdown deadline is kept), runs pending late-point backfills in what is left of that time,
   * then stops. Logs how many points were left unwritten, if any.
   */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.#stopping ??= this.#stop(options.timeoutMs);
    return this.#stopping;
  }

  async #stop(timeoutOption: number | undefined): Promise<void> {
    const wasStarted = this.#state === 'started';
    const timeoutMs = timeoutOption ?? Math.min(this.#config.timeout, 5000);
    const started = Date.now();
    if (wasStarted) {
      try {
        await this.#batcher.flush(timeoutMs);
      } catch {
        // reported below as unwritten points
      }
    }
    this.#state = 'stopped';
    if (this.#setupSleep) {
      clearTimeout(this.#setupSleep.timer);
      this.#setupSleep.wake();
    }
    if (wasStarted) await this.#backfiller.finish(Math.max(0, timeoutMs - (Date.now() - started)));
    const backfillsLeft = this.#backfiller.pendingStatements();
    this.#backfiller.stop();
    const { unwritten, inFlight } = this.#batcher.stop();
    this.#transport.close();
    // The spool keeps what is on disk for the next start; only its memory overflow is lost.
    const lost = this.#spool ? this.#spool.memoryPoints : unwritten;
    this.#spool?.close();
    if (lost > 0) {
      this.#metrics.dropped.inc({ reason: 'shutdown' }, lost);
      this.#log.error(
        { unwritten: lost, inFlight, timeoutMs },
        `InfluxDB output stopped with ${lost} points unwritten${this.#spool ? ' (in memory: the spool was full)' : ''}`,
      );
    }
    if (this.#spool && unwritten > lost) {
      this.#log.info(
        { spooled: unwritten - lost, dir: this.#config.spool.dir },
        `InfluxDB output stopped; ${unwritten - lost} points stay in the spool and are written at the next start`,
      );
    }
    if (backfillsLeft.length > 0) {
      this.#log.warn(
        { statements: backfillsLeft },
        'rollups of late points were not recomputed before shutdown; these statements would do it',
      );
    }
    if (unwritten === 0) this.#log.info({ ms: Date.now() - started }, 'InfluxDB output stopped, everything written');
  }

  #rejectInvalid(rejection: Rejection, metric: Metric): void {
    this.#metrics.rejected.inc({ reason: 'invalid' });
    const what =
      rejection.field !== undefined ? `field "${rejection.field}"` : rejection.tag !== undefined ? `tag "${rejection.tag}"` : undefined;
    const allowed = this.#limiter.allow(
      `invalid|${rejection.code}|${rejection.measurement}|${rejection.field ?? ''}|${rejection.tag ?? ''}`,
    );
    if (!allowed) return;
    this.#log.error(
      {
        measurement: rejection.measurement,
        ...(rejection.field !== undefined ? { field: rejection.field } : {}),
        ...(rejection.tag !== undefined ? { tag: rejection.tag } : {}),
        reason: rejection.reason,
        tags: metric?.tags,
        pointTime: metric?.time,
        suppressedSinceLastLog: allowed.suppressed,
      },
      `rejected a ${rejection.measurement} point${what ? `: ${what}` : ''}: ${rejection.reason} (not sent to InfluxDB)`,
    );
  }

  #listener(): BatcherListener<string> {
    return {
      attempted: (durationMs, outcome) => {
        this.#metrics.writeDuration.observe(durationMs / 1000);
        if (outcome.kind === 'retry') {
          this.#metrics.writeErrors.inc({ reason: 'unavailable' });
          this.#reached(false, outcome.message);
        } else {
          if (outcome.kind !== 'written') this.#metrics.writeErrors.inc({ reason: 'rejected' });
          this.#reached(true);
        }
      },
      settled: (points, outcome) => {
        const rejected = outcome.kind === 'rejected' ? outcome.rejected : 0;
        this.#metrics.written.inc(points.length - rejected);
        if (outcome.kind === 'rejected') {
          this.#metrics.rejected.inc({ reason: 'server' }, rejected);
          const allowed = this.#limiter.allow(`server|${outcome.status}|${outcome.message.replace(/\d+/g, '#').slice(0, 120)}`);
          if (allowed) {
            this.#log.error(
              {
                status: outcome.status,
                rejected,
                batch: points.length,
                influxError: outcome.message,
                ...(outcome.line !== undefined ? { line: outcome.line } : {}),
                suppressedSinceLastLog: allowed.suppressed,
              },
              `InfluxDB refused ${rejected} of ${points.length} points as bad data${outcome.line !== undefined ? `, e.g. ${outcome.line}` : ''}; the others were written`,
            );
          }
        }
        if (this.#config.manageLayout && this.#tracker.note(points.map(lineKey), Date.now())) this.#backfiller.kick();
      },
      retrying: (outcome, attempt, delayMs) => {
        this.#spool?.markBacklog();
        const fields = {
          err: outcome.message,
          ...(outcome.status !== undefined ? { status: outcome.status } : {}),
          attempt,
          retryInMs: delayMs,
          pending: this.#batcher.pending,
        };
        if (attempt === 1) {
          this.#limiter.reset('write-retry');
          this.#limiter.allow('write-retry');
          this.#log.warn(
            fields,
            `InfluxDB write failed; retrying the same batch (points stay queued ${this.#spool ? 'in the spool' : 'in memory'})`,
          );
        } else if (this.#limiter.allow('write-retry')) {
          this.#log.warn(fields, 'InfluxDB still not accepting writes; retrying');
        }
      },
      recovered: (failedAttempts, outageMs) => {
        this.#log.info({ failedAttempts, outageMs, pending: this.#batcher.pending }, 'InfluxDB accepts writes again');
      },
      needsSetup: () => {
        if (!this.#gate.isOpen || this.#state !== 'started') return;
        this.#gate.close();
        this.#log.warn({ database: this.#config.database }, 'InfluxDB says the database does not exist; setting it up again');
        this.#setupFailures = 0;
        const looping = !this.#setupComplete; // a loop still retrying refused CQs also fixes this
        this.#setupComplete = false;
        if (!looping) void this.#setupLoop();
      },
    };
  }

  /**
   * One attempt: ping, then create or fix the layout. Opens the gate once the database and its
   * retention policies are in place; true only when the CQs are in place too.
   */
  async #trySetup(): Promise<boolean> {
    try {
      const { version } = await pingInflux(this.#config);
      if (!this.#config.manageLayout) return this.#writeOnly(version);
      const { ran, refused } = await applySetup(this.#influx, this.#layout);
      if (this.#state !== 'started') return false;
      this.#gate.open();
      this.#reached(true);
      const fields = {
        url: this.#config.url,
        version,
        database: this.#config.database,
        ...(ran.length ? { ran } : {}),
        ...(this.#setupFailures ? { failedAttempts: this.#setupFailures } : {}),
      };
      if (refused.length > 0) {
        this.#setupFailures++;
        if (this.#setupFailures === 1 || this.#limiter.allow('setup-cq')) {
          this.#log.error(
            { ...fields, refused: refused.map((e) => ({ statement: e.statement, err: e.influxError })) },
            'InfluxDB refused continuous queries: raw points are written, but rollups are missing; retrying in the background (check the time zone and the InfluxDB host)',
          );
        }
        return false;
      }
      this.#log.info(fields, ran.length ? `InfluxDB set up (${ran.length} statements)` : 'InfluxDB ready, layout already in place');
      this.#setupFailures = 0;
      this.#setupComplete = true;
      return true;
    } catch (error) {
      const err = (error as Error).message;
      this.#reached(false, err);
      this.#setupFailures++;
      const refused = error instanceof InfluxQLError;
      if (this.#setupFailures === 1) {
        this.#limiter.reset('setup');
        this.#limiter.allow('setup');
        this.#log[refused ? 'error' : 'warn'](
          { url: this.#config.url, err },
          refused
            ? 'InfluxDB refused a setup statement; retrying in the background (check the configuration)'
            : 'waiting for InfluxDB: not reachable or not ready; the collector keeps running, points queue in the spool, setup is retried in the background',
        );
      } else if (this.#limiter.allow('setup')) {
        this.#log[refused ? 'error' : 'warn'](
          { url: this.#config.url, err, attempts: this.#setupFailures, pending: this.#batcher.pending },
          'still waiting for InfluxDB',
        );
      }
      return false;
    }
  }

  /** The endpoint answered /ping and takes writes; its layout is not ours to manage. */
  #writeOnly(version: string): boolean {
    if (this.#state !== 'started') return false;
    this.#gate.open();
    this.#reached(true);
    this.#setupComplete = true;
    this.#setupFailures = 0;
    this.#log.info(
      { url: this.#config.url, version, database: this.#config.database },
      'InfluxDB write endpoint reachable (manageLayout: false, no setup)',
    );
    return true;
  }

  /** Retries setup with backoff until it succeeds or the sink stops. */
  async #setupLoop(): Promise<void> {
    for (let attempt = 0; this.#state === 'started' && !this.#setupComplete; attempt++) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoffDelay(attempt, { initialMs: this.#config.retry.initial, maxMs: this.#config.retry.max }));
        timer.unref();
        this.#setupSleep = { timer, wake: resolve };
      });
      this.#setupSleep = undefined;
      if (this.#state !== 'started') return;
      if (await this.#trySetup()) return;
    }
  }
}
