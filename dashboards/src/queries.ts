// What Grafana does to a dashboard's InfluxQL before it reaches InfluxDB, for the tests that run
// every query: template variables, $timeFilter (dashboard or panel-relative time) and $__interval.
import type { Json } from './grafana.js';

export interface QueryTarget {
  dashboard: string;
  panel: string;
  refId: string;
  query: string;
  /** Relative range the query runs over: "6h", "30d", or "now/d" (today so far). */
  range: string;
}

/** Every InfluxQL target of a dashboard, with the time range its panel uses. */
export function dashboardTargets(dashboard: Json): QueryTarget[] {
  const from = String((dashboard.time as { from: string }).from);
  const panels = (dashboard.panels as Json[]).flatMap((p) => [p, ...((p.panels as Json[] | undefined) ?? [])]);
  return panels.flatMap((p) =>
    ((p.targets as Json[] | undefined) ?? []).map((t) => ({
      dashboard: String(dashboard.uid),
      panel: String(p.title),
      refId: String(t.refId),
      query: String(t.query),
      range: typeof p.timeFrom === 'string' ? p.timeFrom : from.replace(/^now-/, ''),
    })),
  );
}

const DURATION_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

export function rangeSeconds(range: string, nowMs: number, localMidnightMs: number): number {
  if (range === 'now/d') return Math.max(1, Math.round((nowMs - localMidnightMs) / 1000));
  const m = /^(\d+)([smhdwy])$/.exec(range);
  if (!m) throw new Error(`unsupported relative time "${range}"`);
  return Number(m[1]) * DURATION_S[m[2]!]!;
}

/** Grafana's $__interval: the range over the panel's data points (about 1,000 on a wall), rounded to a round step. */
export function autoInterval(seconds: number): string {
  const steps: [number, string][] = [
    [1, '1s'],
    [5, '5s'],
    [10, '10s'],
    [30, '30s'],
    [60, '1m'],
    [300, '5m'],
    [600, '10m'],
    [1800, '30m'],
    [3600, '1h'],
    [10_800, '3h'],
    [43_200, '12h'],
    [86_400, '1d'],
  ];
  const wanted = seconds / 1000;
  return (steps.find(([s]) => s >= wanted) ?? steps[steps.length - 1]!)[1];
}

/** As Grafana's InfluxDB data source formats a multi-value variable inside a regex: (a|b), each value escaped. */
export function regexValue(values: readonly string[]): string {
  const escaped = values.map((v) => v.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&'));
  return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`;
}

export interface Interpolation {
  range: string;
  nowMs: number;
  /** Local midnight of the dashboard's time zone, for "now/d". */
  localMidnightMs: number;
  /** Variable name → its value as it goes into the query text. */
  variables: Record<string, string>;
}

export function interpolate(query: string, o: Interpolation): string {
  const seconds = rangeSeconds(o.range, o.nowMs, o.localMidnightMs);
  const timeFilter = o.range === 'now/d' ? `time >= ${o.localMidnightMs}ms` : `time > now() - ${o.range}`;
  return query
    .replaceAll('$timeFilter', timeFilter)
    .replaceAll('$__interval', autoInterval(seconds))
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare!;
      if (name in o.variables) return o.variables[name]!;
      throw new Error(`unknown variable ${whole} in: ${query}`);
    });
}

export interface PluginPanel {
  queries: { refId: string; query: string }[];
  options: Record<string, unknown>;
}

/**
 * The dashboard's Callboard panels, keyed `<name>-<view>`, with their queries rendered by `render`
 * (query, relative range): what the preview host needs to show them as Grafana would.
 */
export function pluginPanels(
  name: string,
  dashboard: Json,
  pluginId: string,
  render: (query: string, range: string) => string,
): Record<string, PluginPanel> {
  const from = String((dashboard.time as { from: string }).from).replace(/^now-/, '');
  const out: Record<string, PluginPanel> = {};
  for (const panel of (dashboard.panels as Json[]).filter((p) => p.type === pluginId)) {
    const range = typeof panel.timeFrom === 'string' ? panel.timeFrom : from;
    out[`${name}-${String((panel.options as Json).view)}`] = {
      queries: (panel.targets as Json[]).map((t) => ({ refId: String(t.refId), query: render(String(t.query), range) })),
      options: panel.options as Record<string, unknown>,
    };
  }
  return out;
}
