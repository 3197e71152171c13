// The demo's preview shows the Callboard panels of the shipped dashboards — the NOC wall's calls
// and trunk tiles, the executive milestone — with their own InfluxQL, so `npm start` shows what
// Grafana with dashboards/ would. Queries stay relative (`time > now() - 1h`): rendered once, they
// remain right for as long as the demo runs.
import { buildDashboards } from '../../../dashboards/src/dashboards.js';
import { PLUGIN_ID } from '../../../dashboards/src/grafana.js';
import { interpolate, pluginPanels, type PluginPanel } from '../../../dashboards/src/queries.js';

export interface DemoPanelSettings {
  /** The collector's ws /live and a token for it: the calls and trunk panels then update sub-second. */
  live: { url: string; token: string };
  targets: { calls_per_day: number; minutes_per_day: number };
}

/** Preview panels keyed by view (`calls`, `links`, `milestone`), as `callboard preview` serves them. */
export function dashboardPreviewPanels(settings: DemoPanelSettings): Record<string, PluginPanel> {
  const dashboards = buildDashboards();
  // Every template variable at "All" (a regex matching any value); the demo's own daily targets.
  const variables = {
    switch: '.*',
    region: '.*',
    trunk_group: '.*',
    device: '.*',
    iad_input: 'iads',
    calls_target: String(settings.targets.calls_per_day),
    minutes_target: String(settings.targets.minutes_per_day),
  };
  const render = (query: string, range: string) => interpolate(query, { range, nowMs: Date.now(), localMidnightMs: 0, variables });
  const panels = {
    ...pluginPanels('noc-wall', dashboards['noc-wall']!, PLUGIN_ID, render),
    ...pluginPanels('executive', dashboards.executive!, PLUGIN_ID, render),
  };
  const live = { enabled: true, ...settings.live };
  return {
    calls: { ...panels['noc-wall-calls']!, options: { ...panels['noc-wall-calls']!.options, live } },
    links: { ...panels['noc-wall-links']!, options: { ...panels['noc-wall-links']!.options, live } },
    milestone: panels['executive-milestone']!,
  };
}
