import type { Link } from '../health/engine.js';
import { seriesKey, type Metric } from '../pipeline/metric.js';
import { sourceStatus } from '../pipeline/source-status.js';
import { milestone } from '../inputs/cdr/measurements.js';
import { statusRank, type SelfChecks } from '../pipeline/self-checks.js';
import { holds } from './clause.js';
import type { RuleConfig } from './config.js';
import { matchesAll, type Labels } from './matchers.js';

/** What a rule says about one of its instances (a link, a series, an input) at an evaluation. */
export interface Observation {
  /** Identity of the instance within its rule (series key, link id, input name): equal keys, equal labels. */
  key: string;
  labels: Labels;
  active: boolean;
  value?: number;
  /** Shown as {{detail}} in annotations: the health model's reasons, a milestone's text. */
  detail?: string;
}

/**
 * One rule over Callboard's live state. Instances a rule does not list at an evaluation are
 * unknown (no data yet, e.g. after a restart): their alert keeps its state until it goes stale.
 */
export interface RuleEvaluator {
  readonly rule: RuleConfig;
  /** Event rules (milestones) fire once per event and never send a resolve. */
  readonly event: boolean;
  observe(metric: Metric, now: number): void;
  evaluate(now: number): Observation[];
  /**
   * Only rules that can tell what changed (link rules, from the health model's change feed): the
   * instances changed since the previous `evaluate` or `changes`, and the keys of those no longer
   * listed; instances in neither are listed as before. Undefined when only `evaluate` can tell.
   */
  changes?(now: number): { observations: Observation[]; gone: string[] } | undefined;
  /** Called with the labels of alerts restored as firing, for rules that must remember silent series. */
  restore(labels: Labels, now: number): void;
}

const IGNORED = { observe() {}, restore() {} };

/** The health model's change feed (HealthEngine): which links changed since a version. */
export interface LinkChangeFeed {
  readonly linkVersion: number;
  linksChangedSince(version: number): Link[] | undefined;
}

function linkRule(rule: Extract<RuleConfig, { kind: 'link' }>, links: () => readonly Link[], feed?: LinkChangeFeed): RuleEvaluator {
  const observation = (link: Link): Observation | undefined => {
    const labels = { kind: link.kind, [rule.groupLabel]: link.group, link: link.id.slice(link.kind.length + 1) };
    if (!matchesAll(rule.match, labels)) return undefined;
    return {
      key: link.id,
      labels,
      active: (rule.states as readonly string[]).includes(link.state),
      detail: [link.state, ...link.reasons].join(': '),
    };
  };
  /** The feed's version at the last reading; undefined until a full reading. */
  let version: number | undefined;
  return {
    rule,
    event: false,
    ...IGNORED,
    evaluate() {
      version = feed?.linkVersion;
      return links().flatMap((link) => observation(link) ?? []);
    },
    ...(feed && {
      changes() {
        const changed = version === undefined ? undefined : feed.linksChangedSince(version);
        if (!changed) return undefined;
        version = feed.linkVersion;
        const observations: Observation[] = [];
        const gone: string[] = [];
        for (const link of changed) {
          const obs = observation(link);
          if (obs) observations.push(obs);
          else gone.push(link.id);
        }
        return { observations, gone };
      },
    }),
  };
}

function thresholdRule(rule: Extract<RuleConfig, { kind: 'threshold' }>): RuleEvaluator {
  const series = new Map<string, Observation & { seen: number }>();
  return {
    rule,
    event: false,
    restore() {},
    observe(metric, now) {
      if (metric.measurement !== rule.measurement || !matchesAll(rule.where, metric.tags)) return;
      const first = metric.fields[rule.when[0]!.field];
      const key = seriesKey(metric.measurement, metric.tags);
      series.set(key, {
        key,
        labels: metric.tags,
        active: rule.when.every((c) => holds(c, metric.fields)),
        value: typeof first === 'number' ? first : undefined,
        seen: now,
      });
    },
    evaluate(now) {
      const out: Observation[] = [];
      for (const [key, s] of series) {
        if (now - s.seen > rule.staleAfter) series.delete(key);
        else out.push(s);
      }
      return out;
    },
  };
}

function sourceRule(rule: Extract<RuleConfig, { kind: 'source' }>): RuleEvaluator {
  const inputs = new Map<string, { labels: Labels; up: boolean; seen: number }>();
  return {
    rule,
    event: false,
    observe(metric, now) {
      if (metric.measurement !== sourceStatus.measurement || !matchesAll(rule.where, metric.tags)) return;
      inputs.set(metric.tags.input ?? '', {
        labels: { input: metric.tags.input ?? '', type: metric.tags.type ?? '' },
        up: metric.fields.up === 1,
        seen: now,
      });
    },
    restore(labels, now) {
      if (!inputs.has(labels.input ?? '')) inputs.set(labels.input ?? '', { labels, up: false, seen: now });
    },
    evaluate: (now) =>
      [...inputs.values()].map((s) => {
        const silent = rule.noDataFor !== undefined && now - s.seen > rule.noDataFor;
        return { key: s.labels.input ?? '', labels: s.labels, active: !s.up || silent, value: s.up && !silent ? 1 : 0 };
      }),
  };
}

function noDataRule(rule: Extract<RuleConfig, { kind: 'no_data' }>): RuleEvaluator {
  const series = new Map<string, { key: string; labels: Labels; seen: number }>();
  return {
    rule,
    event: false,
    observe(metric, now) {
      if (metric.measurement !== rule.measurement || !matchesAll(rule.where, metric.tags)) return;
      const key = seriesKey(metric.measurement, metric.tags);
      series.set(key, { key, labels: metric.tags, seen: now });
    },
    /** A series that was silent when the collector stopped is still silent until it reports again. */
    restore(labels) {
      const key = seriesKey(rule.measurement, labels);
      if (!series.has(key)) series.set(key, { key, labels, seen: -Infinity });
    },
    evaluate: (now) =>
      [...series.values()].map((s) => ({
        key: s.key,
        labels: s.labels,
        active: now - s.seen > rule.after,
        value: Number.isFinite(s.seen) ? (now - s.seen) / 1000 : undefined,
      })),
  };
}

function selfRule(rule: Extract<RuleConfig, { kind: 'self' }>, selfChecks: SelfChecks | undefined): RuleEvaluator {
  return {
    rule,
    event: false,
    ...IGNORED,
    evaluate: (now) =>
      (selfChecks?.(now) ?? [])
        .filter((check) => rule.checks.length === 0 || (rule.checks as readonly string[]).includes(check.name))
        .map((check) => ({
          key: check.name,
          labels: { check: check.name },
          active: statusRank(check.status) >= statusRank(rule.status),
          value: check.value,
          detail: check.reason ?? check.status,
        })),
  };
}

function milestoneRule(rule: Extract<RuleConfig, { kind: 'milestone' }>): RuleEvaluator {
  let events: Observation[] = [];
  return {
    rule,
    event: true,
    restore() {},
    observe(metric) {
      if (metric.measurement !== milestone.measurement || !matchesAll(rule.where, metric.tags)) return;
      const labels = { source: metric.tags.source ?? '', target: metric.tags.target ?? '', day: String(metric.fields.day ?? '') };
      events.push({
        key: JSON.stringify(labels),
        labels,
        active: true,
        value: typeof metric.fields.value === 'number' ? metric.fields.value : undefined,
        detail: String(metric.fields.text ?? ''),
      });
    },
    evaluate() {
      const out = events;
      events = [];
      return out;
    },
  };
}

export function createEvaluator(
  rule: RuleConfig,
  links: () => readonly Link[],
  selfChecks?: SelfChecks,
  linkChanges?: LinkChangeFeed,
): RuleEvaluator {
  switch (rule.kind) {
    case 'link':
      return linkRule(rule, links, linkChanges);
    case 'threshold':
      return thresholdRule(rule);
    case 'source':
      return sourceRule(rule);
    case 'no_data':
      return noDataRule(rule);
    case 'self':
      return selfRule(rule, selfChecks);
    case 'milestone':
      return milestoneRule(rule);
  }
}
