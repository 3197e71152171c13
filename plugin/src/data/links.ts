import type { Freshness, LinkGrouping, LinkState } from '../types';
import { freshnessOf } from './freshness';
import { lastIndex, type MetricSeries } from './series';

export interface LinkTile {
  /** Stable React key: group/name. */
  id: string;
  name: string;
  group: string;
  state: LinkState;
  /** Why it is not ok, short enough for a tile: "down", "latency 230 ms", "no update for 42 s". */
  reason: string;
  /** Longer text for the tooltip. */
  details: string;
  /** Number of links behind a roll-up tile; 1 for a single link. */
  count: number;
  counts: Record<LinkState, number>;
}

export interface LinksViewModel {
  kind: 'links';
  freshness: Freshness;
  tiles: LinkTile[];
  totals: Record<LinkState, number>;
}

export interface LinksInput {
  /** trunk_status series (fields `state`, `up`, `latency_avg_ms`; tags `switch`, `trunk`). */
  frames: MetricSeries[];
  live: MetricSeries[];
  now: number;
  staleAfterMs: number;
  liveSilent: boolean;
  groupBy: LinkGrouping;
  rollUp: boolean;
  degradedLatencyMs: number;
}

/** Worst first: a down link must never hide behind a page of healthy ones. */
export const STATE_SEVERITY: Record<LinkState, number> = { down: 0, degraded: 1, stale: 2, ok: 3 };

const emptyCounts = (): Record<LinkState, number> => ({ down: 0, degraded: 0, stale: 0, ok: 0 });

interface Latest {
  time: number;
  fields: Record<string, number | string | null>;
  fieldTimes: Record<string, number>;
  /** Fields whose newest sample came from a query that dates rows at the start of its range. */
  rangeStamped: Set<string>;
  labels: Record<string, string>;
}

function linkName(labels: Record<string, string>): string {
  return labels.trunk ?? labels.link ?? labels.site ?? labels.input ?? Object.values(labels).join('/');
}

/** Newest value of every field per link, live values winning over older query values. */
function latestPerLink(series: MetricSeries[]): Map<string, Latest> {
  const links = new Map<string, Latest>();
  for (const s of series) {
    const i = lastIndex(s);
    if (i < 0) {
      continue;
    }
    const key = `${s.labels.switch ?? ''}/${linkName(s.labels)}`;
    let link = links.get(key);
    if (!link) {
      links.set(
        key,
        (link = { time: -Infinity, fields: {}, fieldTimes: {}, rangeStamped: new Set(), labels: s.labels })
      );
    }
    const t = s.times[i]!;
    // Per field: keep the newer sample; the link's time is its newest sample of any field.
    const known = link.fieldTimes[s.metric];
    if (known === undefined || t >= known) {
      link.fieldTimes[s.metric] = t;
      link.fields[s.metric] = s.values[i]!;
      if (s.rangeStamped) {
        link.rangeStamped.add(s.metric);
      } else {
        link.rangeStamped.delete(s.metric);
      }
    }
    if (t > link.time) {
      link.time = t;
    }
  }
  return links;
}

/** The link's up/down state and when it was sampled: from `state`, or `up` when that is newer or alone. */
function stateOf(link: Latest): { state: string | undefined; time: number; field?: string } {
  const stateTime = typeof link.fields.state === 'string' ? link.fieldTimes.state! : -Infinity;
  const upTime = link.fields.up === 1 || link.fields.up === 0 ? link.fieldTimes.up! : -Infinity;
  if (stateTime === -Infinity && upTime === -Infinity) {
    return { state: undefined, time: link.time };
  }
  return stateTime >= upTime
    ? { state: link.fields.state as string, time: stateTime, field: 'state' }
    : { state: link.fields.up === 1 ? 'up' : 'down', time: upTime, field: 'up' };
}

/**
 * Age is that of the sample that decides the state, not of the newest field: a fresh latency next to
 * a state from ten minutes ago (another query, another selector) must not make the old state look live.
 */
function classify(link: Latest, input: LinksInput): { state: LinkState; reason: string } {
  const { state, time, field } = stateOf(link);
  const age = input.now - time;
  if (!Number.isFinite(time) || age > input.staleAfterMs || input.liveSilent) {
    // A range-start date is a lower bound: still stale (it may be), but the age shown would be the range's.
    const unknownAge = !input.liveSilent && field !== undefined && link.rangeStamped.has(field);
    return {
      state: 'stale',
      reason: unknownAge
        ? 'age unknown: query dates rows at its range start'
        : Number.isFinite(age)
          ? `no update for ${Math.round(age / 1000)} s`
          : 'no timestamp',
    };
  }
  if (state === 'down') {
    return { state: 'down', reason: 'not answering OPTIONS' };
  }
  if (state === 'disabled') {
    return { state: 'degraded', reason: 'disabled' };
  }
  if (state === 'probing') {
    return { state: 'degraded', reason: 'probing' };
  }
  if (state !== 'up') {
    return { state: 'stale', reason: 'state unknown' };
  }
  const latency = link.fields.latency_avg_ms;
  if (input.degradedLatencyMs > 0 && typeof latency === 'number' && latency > input.degradedLatencyMs) {
    return { state: 'degraded', reason: `latency ${Math.round(latency)} ms` };
  }
  return { state: 'ok', reason: '' };
}

/** Plain code-unit comparison: localeCompare costs several ms per 1,000-tile sort, on every update. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareTiles(a: LinkTile, b: LinkTile): number {
  return (
    STATE_SEVERITY[a.state] - STATE_SEVERITY[b.state] || compareText(a.group, b.group) || compareText(a.name, b.name)
  );
}

export function buildLinksView(input: LinksInput): LinksViewModel {
  const links = latestPerLink([...input.frames, ...input.live]);
  const totals = emptyCounts();
  let newestTime: number | null = null;
  const tiles: LinkTile[] = [];
  for (const [id, link] of links) {
    const { state, reason } = classify(link, input);
    totals[state]++;
    if (Number.isFinite(link.time)) {
      newestTime = newestTime === null ? link.time : Math.max(newestTime, link.time);
    }
    const name = linkName(link.labels);
    const group = input.groupBy === 'switch' ? (link.labels.switch ?? '') : '';
    const latency = link.fields.latency_avg_ms;
    const details = [
      `${group ? `${group} / ` : ''}${name}: ${state.toUpperCase()}${reason ? ` (${reason})` : ''}`,
      typeof link.fields.uri === 'string' ? link.fields.uri : '',
      typeof latency === 'number' ? `OPTIONS latency ${latency.toFixed(1)} ms` : '',
    ]
      .filter(Boolean)
      .join('\n');
    const counts = emptyCounts();
    counts[state] = 1;
    tiles.push({ id, name, group, state, reason, details, count: 1, counts });
  }
  const freshness: Freshness =
    tiles.length === 0 ? 'nodata' : freshnessOf(newestTime, input.now, input.staleAfterMs, input.liveSilent);
  return { kind: 'links', freshness, tiles: input.rollUp ? rollUp(tiles) : tiles.sort(compareTiles), totals };
}

/** One tile per group, in the group's worst state, counting its links by state. */
export function rollUp(tiles: LinkTile[]): LinkTile[] {
  const groups = new Map<string, LinkTile>();
  for (const t of tiles) {
    const key = t.group || 'all';
    let g = groups.get(key);
    if (!g) {
      groups.set(
        key,
        (g = {
          id: `group:${key}`,
          name: key,
          group: key,
          state: 'ok',
          reason: '',
          details: '',
          count: 0,
          counts: emptyCounts(),
        })
      );
    }
    g.count++;
    g.counts[t.state]++;
    if (STATE_SEVERITY[t.state] < STATE_SEVERITY[g.state]) {
      g.state = t.state;
    }
  }
  for (const g of groups.values()) {
    const bad = (['down', 'degraded', 'stale'] as const)
      .filter((s) => g.counts[s] > 0)
      .map((s) => `${g.counts[s]} ${s}`);
    g.reason = bad.join(', ');
    g.details = `${g.name}: ${g.count} links, ${bad.length ? bad.join(', ') : 'all ok'}`;
  }
  return [...groups.values()].sort(compareTiles);
}
