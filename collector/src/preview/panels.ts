/**
 * The preview's "dashboard": one panel per view, with the InfluxQL a Grafana dashboard would send
 * to the InfluxDB data source (plugin/README.md documents these as the panel's frame contract).
 * `$today` is replaced by the host with local midnight of the panel's time zone.
 */
export interface PreviewPanel {
  queries: Array<{ refId: string; query: string }>;
  options: Record<string, unknown>;
}

export interface PreviewLive {
  /** ws://host:port/live of the collector. */
  url: string;
  token: string;
}

/**
 * One selector per query: with several (last(a), last(b)) InfluxDB 1.x stamps the row with the start
 * of the range instead of the point's time, and every tile would read "no update for 600 s".
 */
export const TRUNK_TILE_FIELDS = ['state', 'up', 'latency_avg_ms'] as const;

export function previewPanels(settings: { live?: PreviewLive; staleAfterSeconds: number }): Record<string, PreviewPanel> {
  const live = settings.live
    ? { enabled: true, url: settings.live.url, token: settings.live.token }
    : { enabled: false, url: '', token: '' };
  const common = { staleAfterSeconds: settings.staleAfterSeconds, live };
  return {
    calls: {
      queries: [
        { refId: 'active', query: `SELECT "active" FROM "raw"."softswitch_calls" WHERE time > now() - 1h GROUP BY "switch"` },
        {
          refId: 'today',
          query: `SELECT sum("attempts") AS "attempts", sum("answered") AS "answered", sum("failed") AS "failed", sum("minutes") AS "minutes" FROM "raw"."softswitch_calls" WHERE time >= $today GROUP BY "switch"`,
        },
      ],
      options: { ...common, view: 'calls' },
    },
    milestone: {
      queries: [{ refId: 'days', query: `SELECT "calls", "minutes" FROM "cdr_day" WHERE time > now() - 90d GROUP BY "source"` }],
      // CDR totals arrive with the CDR files, minutes apart: a day row is not stale within the hour.
      options: {
        ...common,
        staleAfterSeconds: Math.max(settings.staleAfterSeconds, 3600),
        view: 'milestone',
        live: { enabled: false, url: '', token: '' },
      },
    },
    links: {
      queries: TRUNK_TILE_FIELDS.map((field) => ({
        refId: field,
        query: `SELECT last("${field}") AS "${field}" FROM "raw"."trunk_status" WHERE time > now() - 10m GROUP BY "switch", "trunk"`,
      })),
      options: { ...common, view: 'links', links: { groupBy: 'switch', rollUp: false, degradedLatencyMs: 0 } },
    },
  };
}
