import type { MeasurementSchema, Metric } from '../pipeline/metric.js';
import { defaultRules, type Ds1Thresholds, type LinkRule } from './rules.js';
import { LinkTracker, SEVERITY, worst, type LinkState, type LinkStatus, type Verdict } from './state.js';

export const linkHealth: MeasurementSchema = {
  measurement: 'link_health',
  description: 'State of every link (SIP trunk, interface, DS1 span, IP SLA path) after hysteresis: written on each change.',
  tags: ['kind', 'group', 'link'],
  fields: { state: 'string', severity: 'integer', reasons: 'string', since_ms: 'integer' },
};

export interface Link extends LinkStatus {
  id: string;
  kind: string;
  group: string;
}

export interface GroupRollup {
  group: string;
  state: LinkState;
  links: number;
  counts: Record<LinkState, number>;
}

export interface HealthOptions {
  holdMs: number;
  staleAfterMs: number;
  rules?: readonly LinkRule[];
  /** Thresholds of the default DS1 rule (ignored when `rules` is given). */
  ds1?: Readonly<Ds1Thresholds>;
}

/**
 * The link health model: each link's verdict goes through its own LinkTracker; every state
 * change becomes a `link_health` point (stored, and pushed on /live), so a flapping source never
 * floods either.
 */
export class HealthEngine {
  /** `polled`: a rule has observed the link (a link only ever reported by traps has no data to go stale). */
  readonly #links = new Map<string, { tracker: LinkTracker; kind: string; group: string; polled: boolean }>();
  readonly #rules: ReadonlyMap<string, LinkRule>;

  constructor(private readonly options: HealthOptions) {
    this.#rules = new Map((options.rules ?? defaultRules(options.ds1)).map((r) => [r.measurement, r]));
  }

  /** Observes every metric that a rule covers; returns the link_health points of the changes. */
  observe(metrics: readonly Metric[]): Metric[] {
    const changes: Metric[] = [];
    for (const metric of metrics) {
      if (metric.measurement === linkHealth.measurement) continue;
      const rule = this.#rules.get(metric.measurement);
      if (!rule) continue;
      const id = `${rule.kind}:${rule.linkId(metric.tags)}`;
      let link = this.#links.get(id);
      if (!link) {
        link = {
          tracker: new LinkTracker(this.options.holdMs, this.options.staleAfterMs),
          kind: rule.kind,
          group: rule.group(metric.tags),
          polled: true,
        };
        this.#links.set(id, link);
      }
      link.polled = true;
      // A poll's tags name the group (its trunk group is tagged by the pipeline); a trap that
      // created the link first knew only the device's site.
      link.group = rule.group(metric.tags);
      const change = link.tracker.observe(rule.evaluate(metric.fields), metric.time);
      if (change) changes.push(this.#point(id, link, change, metric.time));
    }
    return changes;
  }

  checkStale(now: number): Metric[] {
    const changes: Metric[] = [];
    for (const [id, link] of this.#links) {
      if (!link.polled) continue;
      const change = link.tracker.checkStale(now);
      if (change) changes.push(this.#point(id, link, change, now));
    }
    return changes;
  }

  /**
   * A link state the device reported itself (source `trap`): applied at once, returned as the
   * link_health point of the change; the link's next poll confirms or corrects it. `link.id` must
   * be what the link's polling rule would name it, so that both speak of one link.
   */
  report(link: { kind: string; id: string; group: string }, verdict: Verdict, time: number, source: string): Metric | undefined {
    const id = `${link.kind}:${link.id}`;
    let entry = this.#links.get(id);
    if (!entry) this.#links.set(id, (entry = { tracker: new LinkTracker(this.options.holdMs, this.options.staleAfterMs), kind: link.kind, group: link.group, polled: false }));
    const change = entry.tracker.report(verdict, time, source);
    return change && this.#point(id, entry, change, time);
  }

  /** Every link, worst first, then by group and id. */
  links(): Link[] {
    const out: Link[] = [];
    for (const [id, link] of this.#links) {
      const status = link.tracker.status;
      if (status) out.push({ id, kind: link.kind, group: link.group, ...status });
    }
    return out.sort((a, b) => SEVERITY[b.state] - SEVERITY[a.state] || a.group.localeCompare(b.group) || a.id.localeCompare(b.id));
  }

  rollups(): GroupRollup[] {
    const groups = new Map<string, Link[]>();
    for (const link of this.links()) (groups.get(link.group) ?? groups.set(link.group, []).get(link.group)!).push(link);
    return [...groups]
      .map(([group, links]) => {
        const counts: Record<LinkState, number> = { ok: 0, degraded: 0, down: 0, stale: 0 };
        for (const l of links) counts[l.state]++;
        return { group, state: worst(links.map((l) => l.state)), links: links.length, counts };
      })
      .sort((a, b) => SEVERITY[b.state] - SEVERITY[a.state] || a.group.localeCompare(b.group));
  }

  #point(id: string, link: { kind: string; group: string }, status: LinkStatus, time: number): Metric {
    return {
      measurement: linkHealth.measurement,
      tags: { kind: link.kind, group: link.group, link: id.slice(link.kind.length + 1) },
      time,
      fields: { state: status.state, severity: SEVERITY[status.state], reasons: status.reasons.join('; '), since_ms: status.since },
    };
  }
}
