// GET /api/v1/links?state=down,degraded&kind=interface&group=nyc-pop1&region=east&by=site&limit=100&offset=0
// The query of the links endpoint: filters, a page of the worst-first list, and what the roll-ups group by.
import { ROLLUP_KEYS, type HealthEngine, type LinkFilter, type RollupBy } from './engine.js';
import { SEVERITY } from './state.js';

/** At 60,000 IAD links the whole list is megabytes: a page unless asked for more, never more than this. */
export const DEFAULT_LINKS_LIMIT = 1000;
export const MAX_LINKS_LIMIT = 100_000;

export interface LinksQuery {
  filter: LinkFilter;
  by: RollupBy;
  offset: number;
  limit: number;
}

export class LinksQueryError extends Error {}

const FILTERS = { state: 'states', kind: 'kinds', group: 'groups', site: 'sites', region: 'regions', customer: 'customers' } as const;

function list(name: string, value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new LinksQueryError(`${name}: expected one comma-separated list`);
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  return items.length ? new Set(items) : undefined;
}

function integer(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value))
    throw new LinksQueryError(`${name}: expected a whole number, got ${JSON.stringify(value)}`);
  const n = Number(value);
  if (n > max) throw new LinksQueryError(`${name}: at most ${max}`);
  return n;
}

/** Throws LinksQueryError naming the parameter at fault. */
export function parseLinksQuery(query: Readonly<Record<string, unknown>>): LinksQuery {
  const filter: Record<string, ReadonlySet<string>> = {};
  for (const [param, key] of Object.entries(FILTERS)) {
    const values = list(param, query[param]);
    if (values) filter[key] = values;
  }
  for (const state of filter.states ?? [])
    if (!(state in SEVERITY))
      throw new LinksQueryError(`state: unknown state ${JSON.stringify(state)} (expected ok, degraded, down or stale)`);
  const by = query.by ?? 'group';
  if (typeof by !== 'string' || !(ROLLUP_KEYS as readonly string[]).includes(by))
    throw new LinksQueryError(`by: expected one of ${ROLLUP_KEYS.join(', ')}`);
  return {
    filter,
    by: by as RollupBy,
    offset: integer('offset', query.offset, 0, Number.MAX_SAFE_INTEGER),
    limit: integer('limit', query.limit, DEFAULT_LINKS_LIMIT, MAX_LINKS_LIMIT),
  };
}

/**
 * The endpoint's body: the page of links, and the roll-ups of the selection in every state (a
 * group's counts stay whole when only its down links are listed).
 */
export function linksBody(health: HealthEngine | undefined, query: LinksQuery, now: number) {
  if (!health) return { generatedAt: now, total: 0, offset: query.offset, limit: query.limit, links: [], groups: [] };
  const { total, links } = health.query(query.filter, query.offset, query.limit);
  const { states: _states, ...inEveryState } = query.filter;
  return { generatedAt: now, total, offset: query.offset, limit: query.limit, links, groups: health.rollups(query.by, inEveryState) };
}
