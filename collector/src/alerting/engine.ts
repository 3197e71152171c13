import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { Link } from '../health/engine.js';
import type { Logger } from '../lib/log.js';
import type { Metric } from '../pipeline/metric.js';
import type { SelfChecks } from '../pipeline/self-checks.js';
import { SEVERITIES, type AlertingConfig, type RuleConfig, type Severity } from './config.js';
import { decide, groupOf, newGroup, type GroupAction, type GroupState } from './groups.js';
import { Inhibitor } from './inhibition.js';
import { MaintenanceWindows } from './maintenance.js';
import { matchesAll, type Labels, type Matcher } from './matchers.js';
import { alertPoint, alertsMeasurement, labelsText } from './measurement.js';
import { createNotifier, type Notification, type NotifiedAlert, type Notifier } from './notifiers/index.js';
import { Outbox } from './outbox.js';
import { deliveryId } from './journal.js';
import type { Delivery } from './outbox.js';
import { RuleView } from './rule-view.js';
import { createEvaluator, type LinkChangeFeed, type Observation, type RuleEvaluator } from './rules.js';
import { alertingSelfMetrics } from './self-metrics.js';
import { Silences, type Silence } from './silences.js';
import { step, type AlertRecord, type Timing } from './state.js';
import { AlertingStore, type AlertingState, type LogEntry } from './store.js';
import { render } from './templates.js';

export interface AlertEngineOptions {
  config: Readonly<AlertingConfig>;
  timezone: string;
  stateDir: string;
  log: Logger;
  /** The health model's links (HealthEngine.links). */
  links: () => readonly Link[];
  /** The health model's change feed (the HealthEngine): link rules then read only the links changed since their last evaluation. */
  linkChanges?: LinkChangeFeed;
  /** The collector's own state, for `self` rules (InfluxDB reachable, spool fill). */
  selfChecks?: SelfChecks;
  /** Injectable clock (tests drive time with it); default Date.now. */
  now?: () => number;
  /** Receives the `alerts` points of state changes (the pipeline, so they reach InfluxDB). */
  emit?: (metrics: Metric[]) => void;
  /** For callboard_alerts and callboard_notifications_total on /metrics. */
  registry?: Registry;
  /** Every state change, as it happens (the /live hub). */
  onChange?: (alert: AlertView) => void;
}

export type AlertView = AlertRecord & { group: string; severity: string };

/** An instance no rule has reported for this long (after a restart, or its link vanished) counts as clear. */
const UNKNOWN_GRACE_MS = 5 * 60_000;
/** Resolved alerts stay listed this long. */
const KEEP_RESOLVED_MS = 3_600_000;

const rank = (s: string) => SEVERITIES.indexOf(s as Severity);

/**
 * Rules → alert state machines → inhibition, silences and maintenance → groups → the outbox of
 * notifications. Metrics are observed as they pass through the pipeline; `tick` evaluates (every
 * evaluationInterval, or driven by a test's clock) and saves the state before anything is sent.
 */
export class AlertEngine {
  readonly #config: Readonly<AlertingConfig>;
  readonly #evaluators: RuleEvaluator[];
  readonly #rules: ReadonlyMap<string, RuleConfig>;
  readonly #notifiers: Map<string, Notifier>;
  readonly #records = new Map<string, AlertRecord>();
  readonly #groups = new Map<string, GroupState>();
  readonly #silences: Silences;
  readonly #windows: MaintenanceWindows;
  readonly #store: AlertingStore;
  readonly #outbox: Outbox;
  readonly #now: () => number;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  /** Per rule that reports only its changes (link rules with a change feed): what it lists now. */
  readonly #views = new Map<string, RuleView>();
  /** Fingerprints by rule and instance key, so an evaluation hashes only instances it has not seen before. */
  readonly #fingerprints = new Map<string, string>();
  readonly #groupCache = new WeakMap<AlertRecord, { key: string; labels: Labels }>();

  constructor(private readonly options: AlertEngineOptions) {
    this.#config = options.config;
    this.#now = options.now ?? Date.now;
    this.#log = options.log.child({ component: 'alerting' });
    this.#rules = new Map(options.config.rules.map((r) => [r.name, r]));
    // `self` rules also see the outbox's own check: a notifier that stopped delivering is paged through the others.
    const selfChecks: SelfChecks = (now) => [
      ...(options.selfChecks?.(now) ?? []),
      ...(this.#notifiers.size ? [this.#outbox.check(now)] : []),
    ];
    this.#evaluators = options.config.rules.map((r) => createEvaluator(r, options.links, selfChecks, options.linkChanges));
    for (const e of this.#evaluators) if (e.changes) this.#views.set(e.rule.name, new RuleView());
    this.#notifiers = new Map(options.config.notifiers.map((n) => [n.name, createNotifier(n)]));
    this.#windows = new MaintenanceWindows(options.config.maintenance, options.timezone);
    const counted = options.registry && alertingSelfMetrics(options.registry, () => this.#records.values());
    this.#store = new AlertingStore(join(options.stateDir, 'alerting'), counted);
    const { state: saved, cut } = this.#store.load();
    if (cut)
      this.#log.warn(
        { code: 'CALLBOARD_ALERTING_JOURNAL_CUT', lines: cut, file: this.#store.journal.file },
        'the last commit of the alerting journal was unfinished (the process died while writing it): cut off',
      );
    const now = this.#now();
    this.#silences = new Silences(saved?.silences);
    for (const record of saved?.alerts ?? []) {
      if (record.state === 'inactive') continue;
      this.#records.set(record.fingerprint, alertRecord({ ...record, seen: now }));
      if (record.state === 'firing')
        this.#evaluators
          .find((e) => e.rule.name === record.rule)
          ?.restore(stripRuleLabels(record.labels, this.#rules.get(record.rule)), now);
    }
    for (const group of saved?.groups ?? []) this.#groups.set(group.key, group);
    const hooks = {
      now: this.#now,
      firing: (groupKey: string) => this.#groups.has(groupKey),
      changed: (delivery: Delivery) => (this.#persistDelivery(delivery), this.#save(), this.#flushLog()),
      record: (entry: LogEntry) => this.#store.log(entry),
    };
    this.#outbox = new Outbox(this.#notifiers, options.config.retry, hooks, this.#log, saved?.outbox);
  }

  /** A pipeline processor: rules see every metric; the batch passes unchanged. */
  readonly observe = (metrics: readonly Metric[]): readonly Metric[] => {
    const now = this.#now();
    for (const metric of metrics) {
      if (metric.measurement === alertsMeasurement.measurement) continue;
      for (const evaluator of this.#evaluators) evaluator.observe(metric, now);
    }
    return metrics;
  };

  start(): void {
    this.#log.info(
      {
        rules: this.#evaluators.length,
        notifiers: [...this.#notifiers.keys()],
        restored: this.#records.size,
        pending: this.#outbox.entries.length,
      },
      'alerting started',
    );
    this.#timer = setInterval(() => {
      try {
        this.tick();
      } catch (error) {
        this.#log.error(
          { code: 'CALLBOARD_ALERTING_EVALUATION', err: (error as Error).message },
          'alert evaluation failed; retrying next interval',
        );
      }
    }, this.#config.evaluationInterval);
    this.#outbox.pump(); // what was queued before a restart goes out now
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#outbox.idle();
    this.#save();
    this.#flushLog();
    for (const notifier of this.#notifiers.values()) notifier.close?.();
  }

  /** The engine's clock (injectable for tests): the API dates silences by it. */
  now(): number {
    return this.#now();
  }

  /** Resolves when no delivery attempt is under way. */
  idle(): Promise<void> {
    return this.#outbox.idle();
  }

  tick(): void {
    const now = this.#now();
    const changed: AlertRecord[] = [];
    this.#evaluate(now, changed);
    for (const r of changed) this.#persistRecord(r);
    this.#suppress(now);
    this.#notifyGroups(now);
    this.#prune(now);
    if (changed.length) {
      this.options.emit?.(changed.map((r) => alertPoint(r, now)));
      for (const r of changed) this.options.onChange?.(this.#view(r));
    }
    this.#save();
    this.#flushLog();
    this.#outbox.pump();
  }

  alerts(): AlertView[] {
    return [...this.#records.values()]
      .filter((r) => r.state !== 'inactive')
      .map((r) => this.#view(r))
      .sort(
        (a, b) =>
          Number(b.state === 'firing') - Number(a.state === 'firing') ||
          rank(a.severity) - rank(b.severity) ||
          (a.activeSince ?? 0) - (b.activeSince ?? 0),
      );
  }

  groups(): GroupState[] {
    return [...this.#groups.values()];
  }

  notificationLog(limit: number): LogEntry[] {
    return this.#store.recent(limit);
  }

  pendingDeliveries() {
    return this.#outbox.entries.map((d) => ({
      notifier: d.notifier,
      id: d.notification.id,
      event: d.notification.event,
      attempts: d.attempts,
      nextAttemptAt: d.nextAttemptAt,
      lastError: d.lastError,
    }));
  }

  maintenanceActive(): string[] {
    return this.#windows.active(this.#now());
  }

  listSilences() {
    return this.#silences.list(this.#now());
  }

  createSilence(input: { matchers: Matcher[]; startsAt?: number; endsAt: number; createdBy: string; comment: string }): Silence {
    const now = this.#now();
    const silence = this.#silences.create({ ...input, startsAt: input.startsAt ?? now }, now);
    this.#log.info({ silence: silence.id, by: silence.createdBy, matchers: input.matchers.length }, 'silence created');
    this.#store.journal.put('silence', silence.id, silence);
    this.#save();
    return silence;
  }

  expireSilence(id: string, by: string): Silence | undefined {
    const silence = this.#silences.expire(id, this.#now());
    if (silence) {
      this.#log.info({ silence: id, by }, 'silence expired');
      this.#store.journal.put('silence', id, silence);
      this.#save();
    }
    return silence;
  }

  /**
   * Every rule's instances through their state machines. A rule that reports only its changes
   * (after a first full reading) steps those and the instances its timer queue says are due; the
   * alerts of the others could not move, so the result is that of a full reading.
   */
  #evaluate(now: number, changed: AlertRecord[]): void {
    const seen = new Set<string>();
    for (const evaluator of this.#evaluators) {
      const { rule } = evaluator;
      const timing = { forMs: evaluator.event ? 0 : rule.for, resolveAfterMs: rule.resolveAfter };
      const view = this.#views.get(rule.name);
      const delta = view?.valid ? evaluator.changes!(now) : undefined;
      if (view && delta) {
        for (const key of delta.gone) view.remove(key);
        for (const obs of delta.observations) this.#observeListed(view, rule, obs, now, timing, changed);
        for (const obs of view.due(now)) this.#observeListed(view, rule, obs, now, timing, changed);
        continue;
      }
      const observations = evaluator.evaluate(now);
      view?.reset();
      for (const obs of observations)
        if (view) this.#observeListed(view, rule, obs, now, timing, changed);
        else seen.add(this.#observe(rule, obs, now, timing, changed));
    }
    for (const record of this.#records.values()) {
      if (seen.has(record.fingerprint)) continue;
      if (this.#views.get(record.rule)?.lists(record.fingerprint)) {
        record.seen = now;
        continue;
      }
      if (record.state === 'inactive' || record.state === 'resolved') continue;
      const rule = this.#rules.get(record.rule);
      const evaluator = rule && this.#evaluators.find((e) => e.rule === rule);
      // Rules removed from the config resolve at once; unreported instances after the grace period; events when their time is up.
      if (rule && !evaluator!.event && now - record.seen < UNKNOWN_GRACE_MS) continue;
      if (step(record, false, now, { forMs: 0, resolveAfterMs: rule ? rule.resolveAfter : 0 })) changed.push(record);
    }
  }

  /** One observation through its alert's state machine; returns the alert's fingerprint. */
  #observe(rule: RuleConfig, obs: Observation, now: number, timing: Timing, changed: AlertRecord[]): string {
    const instance = `${rule.name}\u0000${obs.key}`;
    let fingerprint = this.#fingerprints.get(instance);
    if (fingerprint === undefined) this.#fingerprints.set(instance, (fingerprint = fingerprintOf(this.#labels(rule, obs.labels))));
    let record = this.#records.get(fingerprint);
    if (!record) {
      if (!obs.active) return fingerprint;
      record = alertRecord({
        fingerprint,
        rule: rule.name,
        labels: this.#labels(rule, obs.labels),
        annotations: {},
        state: 'inactive',
        seen: now,
      });
      this.#records.set(fingerprint, record);
    }
    record.seen = now;
    record.value = obs.value;
    if (obs.detail !== undefined) record.detail = obs.detail;
    if (step(record, obs.active, now, timing)) changed.push(record);
    if (record.state === 'pending' || record.state === 'firing') record.annotations = this.#annotate(rule, record);
    return fingerprint;
  }

  #observeListed(view: RuleView, rule: RuleConfig, obs: Observation, now: number, timing: Timing, changed: AlertRecord[]): void {
    const fingerprint = this.#observe(rule, obs, now, timing, changed);
    view.set(obs, fingerprint);
    view.schedule(obs.key, this.#records.get(fingerprint), obs.active, timing);
  }

  #annotate(rule: RuleConfig, record: AlertRecord): Record<string, string> {
    const context = {
      alertname: rule.name,
      severity: rule.severity,
      labels: record.labels,
      value: record.value,
      detail: record.detail,
      grafanaUrl: this.#config.grafanaUrl,
    };
    return Object.fromEntries(Object.entries(rule.annotations).map(([k, t]) => [k, render(t, context)]));
  }

  /** Inhibition, silences, maintenance windows; each alert newly held back is written to the notification log. */
  #suppress(now: number): void {
    const active = [...this.#records.values()].filter((r) => r.state === 'pending' || r.state === 'firing');
    const inhibitor = new Inhibitor(this.#config.inhibit, active);
    for (const record of active) {
      const before = record.suppressedBy;
      const by = inhibitor.inhibitorOf(record);
      const silence = by ? undefined : this.#silences.muting(record.labels, now);
      const window = by || silence ? undefined : this.#windows.muting(record.labels, now);
      record.suppressedBy = by
        ? `inhibited by ${by.rule} ${labelsText(by.labels)}`
        : silence
          ? `silence ${silence.id}`
          : window
            ? `maintenance ${window}`
            : undefined;
      if (record.suppressedBy !== before) this.#persistRecord(record);
      if (record.suppressedBy && record.state === 'firing' && (record.suppressedBy !== before || record.firingSince === now)) {
        this.#store.log({
          time: now,
          status: 'suppressed',
          group: this.#groupOf(record).key,
          fingerprint: record.fingerprint,
          alertname: record.rule,
          reason: record.suppressedBy,
        });
      }
    }
  }

  #labels(rule: RuleConfig, labels: Labels): Labels {
    return { ...labels, ...rule.labels, alertname: rule.name, severity: rule.severity };
  }

  #groupOf(record: AlertRecord): { key: string; labels: Labels } {
    let group = this.#groupCache.get(record);
    if (!group) {
      const rule = this.#rules.get(record.rule);
      const event = rule?.kind === 'milestone';
      group = groupOf(record.labels, event ? Object.keys(record.labels) : (rule?.groupBy ?? this.#config.groupBy));
      this.#groupCache.set(record, group);
    }
    return group;
  }

  #notifyGroups(now: number): void {
    const members = new Map<string, AlertRecord[]>();
    for (const record of this.#records.values()) {
      if (record.state === 'inactive' || record.state === 'pending') continue;
      const { key, labels } = this.#groupOf(record);
      (members.get(key) ?? members.set(key, []).get(key)!).push(record);
      if (!this.#groups.has(key) && record.state === 'firing') {
        const group = newGroup(key, labels, this.#rules.get(record.rule)?.kind === 'milestone', now);
        this.#groups.set(key, group);
        this.#store.journal.put('group', key, group);
      }
    }
    const timing = { groupWaitMs: this.#config.groupWait, repeatIntervalMs: this.#config.repeatInterval };
    for (const group of [...this.#groups.values()]) {
      const list = members.get(group.key) ?? [];
      const waiting = group.waitingSince;
      const action = decide(group, list, now, timing);
      if (group.waitingSince !== waiting) this.#store.journal.put('group', group.key, group);
      if (action) this.#act(group, action, list, now);
    }
  }

  #act(group: GroupState, action: Exclude<GroupAction, undefined>, members: AlertRecord[], now: number): void {
    if (action === 'drop' || action === 'resolve') this.#store.journal.remove('group', group.key);
    else this.#store.journal.put('group', group.key, group);
    if (action === 'drop') return void this.#groups.delete(group.key);
    if (action === 'resolve') {
      const notified = group.alerts.map((fp) => this.#records.get(fp)).filter((r) => r !== undefined);
      const alerts = notified.length ? notified : members;
      for (const name of group.notifiers)
        if (this.#notifiers.get(name)?.sendResolved)
          this.#persistDelivery(this.#outbox.enqueue(name, this.#notification(group, 'resolve', alerts, now)));
      this.#groups.delete(group.key);
      return;
    }
    const alerts = members.filter((r) => r.state === 'firing' && !r.suppressedBy);
    const targets = [...this.#notifiers.values()].filter((n) => alerts.some((a) => matchesAll(n.match, a.labels)));
    const notification = this.#notification(group, action, alerts, now);
    for (const n of targets) this.#persistDelivery(this.#outbox.enqueue(n.name, notification));
    group.notified = true;
    group.lastNotifiedAt = now;
    group.notifiers = [...new Set([...group.notifiers, ...targets.map((n) => n.name)])];
    group.alerts = [...new Set([...group.alerts, ...alerts.map((a) => a.fingerprint)])];
    if (targets.length === 0)
      this.#log.warn({ code: 'CALLBOARD_ALERT_UNROUTED', group: group.key }, 'no notifier matches this alert group');
  }

  #notification(group: GroupState, event: Notification['event'], alerts: AlertRecord[], now: number): Notification {
    group.seq++;
    const severity = alerts.map((a) => a.labels.severity ?? 'major').sort((a, b) => rank(a) - rank(b))[0] ?? 'major';
    const names = [...new Set(alerts.map((a) => a.rule))].join(', ');
    const where = Object.entries(group.labels)
      .filter(([k]) => k !== 'alertname')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const summary = alerts.length === 1 && alerts[0]!.annotations.summary ? `: ${alerts[0]!.annotations.summary}` : '';
    const title = `${event === 'resolve' ? 'RESOLVED' : 'FIRING'} ${names}${where ? ` ${where}` : ''}${alerts.length > 1 ? ` (${alerts.length} alerts)` : ''}${summary}`;
    return {
      version: '1',
      id: `${group.dedupKey}-${group.createdAt}-${group.seq}`,
      event,
      status: event === 'resolve' ? 'resolved' : 'firing',
      dedupKey: group.dedupKey,
      group: { key: group.key, labels: group.labels },
      severity: severity as Severity,
      title,
      alerts: alerts.map((a) => notifiedAlert(a, event === 'resolve')),
      createdAt: new Date(now).toISOString(),
      ...(this.#config.grafanaUrl ? { grafanaUrl: this.#config.grafanaUrl } : {}),
    };
  }

  #prune(now: number): void {
    for (const [fp, record] of this.#records) {
      if (record.state === 'inactive' || (record.state === 'resolved' && now - record.resolvedAt! > KEEP_RESOLVED_MS)) {
        this.#records.delete(fp);
        if (record.state === 'resolved') this.#store.journal.remove('alert', fp);
      }
    }
    const silences = this.#silences.all();
    if (this.#silences.prune(now)) {
      const kept = new Set(this.#silences.all().map((s) => s.id));
      for (const s of silences) if (!kept.has(s.id)) this.#store.journal.remove('silence', s.id);
    }
    // Series come and go (IADs replaced, trunks renamed): start over rather than grow without bound.
    if (this.#fingerprints.size > 4 * this.#records.size + 100_000) {
      this.#fingerprints.clear();
      for (const view of this.#views.values()) view.valid = false; // they hold fingerprints too
    }
  }

  #persistRecord(record: AlertRecord): void {
    if (record.state === 'inactive') this.#store.journal.remove('alert', record.fingerprint);
    else this.#store.journal.put('alert', record.fingerprint, record);
  }

  #persistDelivery(delivery: Delivery): void {
    if (this.#outbox.entries.includes(delivery)) this.#store.journal.put('delivery', deliveryId(delivery), delivery);
    else this.#store.journal.remove('delivery', deliveryId(delivery));
  }

  #view(record: AlertRecord): AlertView {
    return { ...record, group: this.#groupOf(record).key, severity: record.labels.severity ?? 'major' };
  }

  /**
   * Commits the changes journaled since the last commit (nothing to do when nothing changed). A
   * state that cannot be saved (disk full) is logged and saved whole at the next evaluation;
   * notifications still go out meanwhile: a page that may repeat after a crash beats no page.
   */
  #save(): void {
    try {
      this.#store.journal.commit(() => this.#snapshot());
    } catch (error) {
      this.#log.error({ code: 'CALLBOARD_ALERTING_STATE', err: (error as Error).message }, 'alerting state not saved');
    }
  }

  #flushLog(): void {
    try {
      this.#store.flushLog();
    } catch (error) {
      this.#log.error({ code: 'CALLBOARD_ALERTING_LOG', err: (error as Error).message }, 'notification log not written');
    }
  }

  #snapshot(): AlertingState {
    return {
      version: 1,
      savedAt: this.#now(),
      alerts: [...this.#records.values()].filter((r) => r.state !== 'inactive'),
      groups: [...this.#groups.values()],
      outbox: [...this.#outbox.entries],
      silences: this.#silences.all(),
    };
  }
}

/**
 * Every field in one order, present even when undefined: records restored from disk (where undefined
 * fields are left out) then share one shape with new ones, and loops over 60,000 of them stay fast.
 */
function alertRecord(r: AlertRecord): AlertRecord {
  return {
    fingerprint: r.fingerprint,
    rule: r.rule,
    labels: r.labels,
    annotations: r.annotations,
    state: r.state,
    value: r.value,
    detail: r.detail,
    activeSince: r.activeSince,
    firingSince: r.firingSince,
    clearSince: r.clearSince,
    resolvedAt: r.resolvedAt,
    seen: r.seen,
    suppressedBy: r.suppressedBy,
  };
}

function notifiedAlert(record: AlertRecord, resolved: boolean): NotifiedAlert {
  const startsAt = record.firingSince ?? record.activeSince ?? record.seen;
  return {
    fingerprint: record.fingerprint,
    alertname: record.rule,
    state: resolved ? 'resolved' : 'firing',
    severity: record.labels.severity ?? 'major',
    labels: record.labels,
    annotations: record.annotations,
    ...(record.value !== undefined && Number.isFinite(record.value) ? { value: record.value } : {}),
    startsAt: new Date(startsAt).toISOString(),
    ...(resolved && record.resolvedAt ? { endsAt: new Date(record.resolvedAt).toISOString() } : {}),
  };
}

export function fingerprintOf(labels: Labels): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

/** The labels a rule's evaluator produced, without those the rule itself adds. */
function stripRuleLabels(labels: Labels, rule: RuleConfig | undefined): Labels {
  const out: Record<string, string> = { ...labels };
  delete out.alertname;
  delete out.severity;
  for (const name of Object.keys(rule?.labels ?? {})) delete out[name];
  return out;
}
