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
  /** Stale only once silent for this many of the link's own intervals too (default 3). */
  staleIntervals?: number;
  /** The rules (default: every built-in rule with the given thresholds). */
  rules?: readonly LinkRule[];
}

interface Entry {
  readonly id: string;
  readonly tracker: LinkTracker;
  readonly kind: string;
  group: string;
  site: string | undefined;
  region: string | undefined;
  customer: string | undefined;
  /** A rule has observed the link (a link only ever reported by traps has no data to go stale). */
  polled: boolean;
}

const WORST_FIRST: readonly LinkState[] = (Object.keys(SEVERITY) as LinkState[]).sort((a, b) => SEVERITY[b] - SEVERITY[a]);

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
  /** Links by group and id, rebuilt when a link is added or changes group (not on a change of state). */
  #byGroup: Entry[] | undefined;
  /** No link can turn stale before this (ms): the periodic check skips the scan of 60,000 links until then. */
  #nextStaleAt = Infinity;
  /** The change feed: ids of the links changed at versions #changesFrom + 1 … #changesFrom + length, oldest first. */
  #changes: string[] = [];
  #changesFrom = 0;

  constructor(private readonly options: HealthOptions) {
    this.#rules = new Map((options.rules ?? defaultRules(options)).map((r) => [r.measurement, r]));
  }

  /** The rule judging a measurement's points: a trap about a link is judged by its polling rule, so that both agree. */
  rule(measurement: string): LinkRule | undefined {
    return this.#rules.get(measurement);
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
      else if (link.group !== group) {
        link.group = group;
        this.#byGroup = undefined;
        this.#changed(id);
      }
      link.polled = true;
      if (metric.time + this.options.staleAfterMs < this.#nextStaleAt) this.#nextStaleAt = metric.time + this.options.staleAfterMs;
      const { site, region, customer } = metric.tags;
      if (link.site !== site || link.region !== region || link.customer !== customer) {
        Object.assign(link, { site, region, customer });
        this.#changed(id);
      }
      const change = link.tracker.observe(rule.evaluate(metric.fields), metric.time);
      if (change) {
        changes.push(this.#point(id, link, change, metric.time));
        this.#changed(id);
      }
    }
    return changes;
  }

  checkStale(now: number): Metric[] {
    const changes: Metric[] = [];
    if (now < this.#nextStaleAt) return changes;
    let next = Infinity;
    for (const [id, link] of this.#links) {
      if (!link.polled) continue;
      const change = link.tracker.checkStale(now);
      if (change) {
        changes.push(this.#point(id, link, change, now));
        this.#changed(id);
      }
      const staleAt = link.tracker.staleAt;
      if (staleAt < next) next = staleAt;
    }
    this.#nextStaleAt = next;
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
    // A polled link a trap brought back from stale can go stale again.
    if (entry.polled) this.#nextStaleAt = Math.min(this.#nextStaleAt, entry.tracker.staleAt);
    if (change) this.#changed(id);
    return change && this.#point(id, entry, change, time);
  }

  /** Counts every change of a link's state, reasons, group or inventory tags (not of lastSeen): see linksChangedSince. */
  get linkVersion(): number {
    return this.#changesFrom + this.#changes.length;
  }

  /**
   * The links changed after `version` (an earlier linkVersion), each once, so that a reader of all
   * links (a link alert rule, every second) can read only those; undefined when changes that old are
   * no longer kept (about two per link are): read links() then.
   */
  linksChangedSince(version: number): Link[] | undefined {
    if (version < this.#changesFrom || version > this.linkVersion) return undefined;
    const ids = new Set<string>();
    for (let i = version - this.#changesFrom; i < this.#changes.length; i++) ids.add(this.#changes[i]!);
    return [...ids].flatMap((id) => linkOf(this.#links.get(id)!) ?? []);
  }

  /** Every link, worst first, then by group and id. */
  links(): Link[] {
    return this.query({}).links;
  }

  /**
   * The links matching `filter`, worst first, then by group and id; from `offset`, at most
   * `limit`. One pass over the group order per state: no sort when only states changed, and only
   * the page is copied.
   */
  query(filter: LinkFilter, offset = 0, limit = Infinity): LinkPage {
    const page: Link[] = [];
    let total = 0;
    const ordered = this.#ordered();
    for (const state of WORST_FIRST) {
      if (filter.states && !filter.states.has(state)) continue;
      for (const entry of ordered) {
        if (entry.tracker.state !== state || !matches(filter, entry, state)) continue;
        if (total >= offset && page.length < limit) page.push(linkOf(entry)!);
        total++;
      }
    }
    return { total, links: page };
  }

  /** Each group's worst member and counts, worst group first; `by` chooses what a group is. */
  rollups(by: RollupBy = 'group', filter: LinkFilter = {}): GroupRollup[] {
    const groups = new Map<string, GroupRollup>();
    for (const entry of this.#links.values()) {
      const state = entry.tracker.state;
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
      id,
      tracker: new LinkTracker(this.options.holdMs, this.options.staleAfterMs, this.options.staleIntervals ?? 3),
      kind,
      group,
      site: undefined,
      region: undefined,
      customer: undefined,
      polled,
    };
    this.#links.set(id, entry);
    this.#byGroup = undefined;
    return entry;
  }

  #changed(id: string): void {
    this.#changes.push(id);
    if (this.#changes.length <= 2 * this.#links.size + 1024) return;
    const dropped = this.#changes.length >> 1;
    this.#changes.splice(0, dropped);
    this.#changesFrom += dropped;
  }

  #ordered(): Entry[] {
    return (this.#byGroup ??= [...this.#links.values()].sort((a, b) => byText(a.group, b.group) || byText(a.id, b.id)));
  }

  #point(id: string, link: Entry, status: LinkStatus, time: number): Metric {
    return {
      measurement: linkHealth.measurement,
      tags: { kind: link.kind, group: link.group, link: id.slice(link.kind.length + 1) },
      time,
      fields: { state: status.state, severity: SEVERITY[status.state], reasons: status.reasons.join('; '), since_ms: status.since },
    };
  }
}

function linkOf(entry: Entry): Link | undefined {
  const status = entry.tracker.status;
  if (!status) return undefined;
  // One object built field by field: 60,000 of these per call of links() (a link alert rule, every second).
  const link: Link = {
    id: entry.id,
    kind: entry.kind,
    group: entry.group,
    state: status.state,
    reasons: [...status.reasons],
    since: status.since,
    lastSeen: status.lastSeen,
  };
  if (entry.site) link.site = entry.site;
  if (entry.region) link.region = entry.region;
  if (entry.customer) link.customer = entry.customer;
  if (status.source) link.source = status.source;
  return link;
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
