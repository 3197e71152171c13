import type { MeasurementSchema, Metric } from '../pipeline/metric.js';
import { defaultRules, type LinkRule, type RuleThresholds } from './rules.js';
import { LinkTracker, SEVERITY, type LinkState, type LinkStatus, type Verdict } from './state.js';

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
  /** Inventory tags of the link's device, for roll-ups by site, region or customer. */
  site?: string;
  region?: string;
  customer?: string;
}

/** What a roll-up groups by: the link's group (trunk group, else site…), or one inventory tag, or the kind. */
export const ROLLUP_KEYS = ['group', 'site', 'region', 'customer', 'kind'] as const;
export type RollupBy = (typeof ROLLUP_KEYS)[number];

export interface GroupRollup {
  group: string;
  state: LinkState;
  links: number;
  counts: Record<LinkState, number>;
}

/** A selection of links: each set given must contain the link's value; a page of the worst-first order. */
export interface LinkFilter {
  states?: ReadonlySet<string>;
  kinds?: ReadonlySet<string>;
  groups?: ReadonlySet<string>;
  sites?: ReadonlySet<string>;
  regions?: ReadonlySet<string>;
  customers?: ReadonlySet<string>;
}

export interface LinkPage {
  /** Links matching the filter, all pages. */
  total: number;
  links: Link[];
}

export interface HealthOptions extends RuleThresholds {
  holdMs: number;
  staleAfterMs: number;
  /** The rules (default: every built-in rule with the given thresholds). */
  rules?: readonly LinkRule[];
}

interface Entry {
  readonly tracker: LinkTracker;
  readonly kind: string;
  group: string;
  site: string | undefined;
  region: string | undefined;
  customer: string | undefined;
  /** A rule has observed the link (a link only ever reported by traps has no data to go stale). */
  polled: boolean;
}

/** Code-unit order: cheap enough to sort 60,000 links, and the same on every machine. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The link health model: each link's verdict goes through its own LinkTracker; every state
 * change becomes a `link_health` point (stored, and pushed on /live), so a flapping source never
 * floods either.
 */
export class HealthEngine {
  readonly #links = new Map<string, Entry>();
  readonly #rules: ReadonlyMap<string, LinkRule>;
  /** Links worst first, then by group and id; rebuilt after a change of state, group or membership only. */
  #sorted: [string, Entry][] | undefined;

  constructor(private readonly options: HealthOptions) {
    this.#rules = new Map((options.rules ?? defaultRules(options)).map((r) => [r.measurement, r]));
  }

  get size(): number {
    return this.#links.size;
  }

  /** Observes every metric that a rule covers; returns the link_health points of the changes. */
  observe(metrics: readonly Metric[]): Metric[] {
    const changes: Metric[] = [];
    for (const metric of metrics) {
      const rule = this.#rules.get(metric.measurement);
      if (!rule || (rule.accepts && !rule.accepts(metric.tags))) continue;
      const id = `${rule.kind}:${rule.linkId(metric.tags)}`;
      // A poll's tags name the group (its trunk group is tagged by the pipeline); a trap that
      // created the link first knew only the device's site.
      const group = rule.group(metric.tags);
      let link = this.#links.get(id);
      if (!link) link = this.#add(id, rule.kind, group, true);
      else if (link.group !== group) ((link.group = group), (this.#sorted = undefined));
      link.polled = true;
      const { site, region, customer } = metric.tags;
      if (link.site !== site || link.region !== region || link.customer !== customer) Object.assign(link, { site, region, customer });
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
    const entry = this.#links.get(id) ?? this.#add(id, link.kind, link.group, false);
    const change = entry.tracker.report(verdict, time, source);
    return change && this.#point(id, entry, change, time);
  }

  /** Every link, worst first, then by group and id. */
  links(): Link[] {
    return this.#order().flatMap(([id, entry]) => linkOf(id, entry) ?? []);
  }

  /** The links matching `filter`, worst first, from `offset`, at most `limit`; only the page is copied. */
  query(filter: LinkFilter, offset = 0, limit = Infinity): LinkPage {
    const page: Link[] = [];
    let total = 0;
    for (const [id, entry] of this.#order()) {
      const status = entry.tracker.status;
      if (!status || !matches(filter, entry, status.state)) continue;
      if (total >= offset && page.length < limit) page.push(linkOf(id, entry)!);
      total++;
    }
    return { total, links: page };
  }

  /** Each group's worst member and counts, worst group first; `by` chooses what a group is. */
  rollups(by: RollupBy = 'group', filter: LinkFilter = {}): GroupRollup[] {
    const groups = new Map<string, GroupRollup>();
    for (const entry of this.#links.values()) {
      const state = entry.tracker.status?.state;
      if (!state || !matches(filter, entry, state)) continue;
      const key = entry[by] ?? 'unspecified';
      let rollup = groups.get(key);
      if (!rollup) groups.set(key, (rollup = { group: key, state: 'ok', links: 0, counts: { ok: 0, degraded: 0, down: 0, stale: 0 } }));
      rollup.links++;
      rollup.counts[state]++;
      if (SEVERITY[state] > SEVERITY[rollup.state]) rollup.state = state;
    }
    return [...groups.values()].sort((a, b) => SEVERITY[b.state] - SEVERITY[a.state] || byText(a.group, b.group));
  }

  #add(id: string, kind: string, group: string, polled: boolean): Entry {
    const entry: Entry = {
      tracker: new LinkTracker(this.options.holdMs, this.options.staleAfterMs),
      kind,
      group,
      site: undefined,
      region: undefined,
      customer: undefined,
      polled,
    };
    this.#links.set(id, entry);
    this.#sorted = undefined;
    return entry;
  }

  #order(): [string, Entry][] {
    if (!this.#sorted) {
      const rank = (e: Entry) => SEVERITY[e.tracker.status?.state ?? 'ok'];
      this.#sorted = [...this.#links].sort(([ia, a], [ib, b]) => rank(b) - rank(a) || byText(a.group, b.group) || byText(ia, ib));
    }
    return this.#sorted;
  }

  #point(id: string, link: Entry, status: LinkStatus, time: number): Metric {
    this.#sorted = undefined;
    return {
      measurement: linkHealth.measurement,
      tags: { kind: link.kind, group: link.group, link: id.slice(link.kind.length + 1) },
      time,
      fields: { state: status.state, severity: SEVERITY[status.state], reasons: status.reasons.join('; '), since_ms: status.since },
    };
  }
}

function linkOf(id: string, entry: Entry): Link | undefined {
  const status = entry.tracker.status;
  if (!status) return undefined;
  const { kind, group, site, region, customer } = entry;
  return {
    id,
    kind,
    group,
    ...(site ? { site } : {}),
    ...(region ? { region } : {}),
    ...(customer ? { customer } : {}),
    ...status,
    reasons: [...status.reasons],
  };
}

function matches(filter: LinkFilter, entry: Entry, state: LinkState): boolean {
  return (
    (!filter.states || filter.states.has(state)) &&
    (!filter.kinds || filter.kinds.has(entry.kind)) &&
    (!filter.groups || filter.groups.has(entry.group)) &&
    (!filter.sites || filter.sites.has(entry.site ?? '')) &&
    (!filter.regions || filter.regions.has(entry.region ?? '')) &&
    (!filter.customers || filter.customers.has(entry.customer ?? ''))
  );
}
