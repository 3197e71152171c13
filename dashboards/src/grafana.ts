// Building blocks of the Callboard dashboards: every panel queries the provisioned InfluxDB data
// source by its uid with raw InfluxQL, so the dashboard JSON and the provisioning cannot drift.

/** uid of the data source in provisioning/datasources/callboard.yaml. */
export const DATASOURCE_UID = 'callboard-influxdb';
export const DATASOURCE = { type: 'influxdb', uid: DATASOURCE_UID } as const;
export const PLUGIN_ID = 'callboard-live-panel';
/** Grafana 12's dashboard schema version. */
export const SCHEMA_VERSION = 41;
/** The carrier's day (daily totals are stored at its local midnights); change with the collector's `timezone`. */
export const TIMEZONE = 'America/New_York';

export type Json = Record<string, unknown>;

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Target {
  refId: string;
  query: string;
  resultFormat?: 'time_series' | 'table';
  alias?: string;
}

export function target(t: Target): Json {
  return {
    refId: t.refId,
    datasource: DATASOURCE,
    rawQuery: true,
    query: t.query,
    resultFormat: t.resultFormat ?? 'time_series',
    ...(t.alias ? { alias: t.alias } : {}),
  };
}

export interface PanelSpec {
  type: string;
  title: string;
  gridPos: GridPos;
  targets?: Target[];
  description?: string;
  options?: Json;
  fieldConfig?: Json;
  /** Panel-relative time, e.g. "30d" or "now/d" (today so far). */
  timeFrom?: string;
  transformations?: Json[];
  links?: Json[];
}

let nextId = 1;
export function resetIds(): void {
  nextId = 1;
}

export function panel(p: PanelSpec): Json {
  return {
    id: nextId++,
    type: p.type,
    title: p.title,
    ...(p.description ? { description: p.description } : {}),
    gridPos: p.gridPos,
    ...(p.targets ? { datasource: DATASOURCE, targets: p.targets.map(target) } : {}),
    ...(p.timeFrom ? { timeFrom: p.timeFrom } : {}),
    options: p.options ?? {},
    fieldConfig: p.fieldConfig ?? { defaults: {}, overrides: [] },
    ...(p.transformations ? { transformations: p.transformations } : {}),
    ...(p.links ? { links: p.links } : {}),
  };
}

export function row(title: string, y: number): Json {
  return { id: nextId++, type: 'row', title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] };
}

export interface Thresholds {
  steps: { color: string; value: number | null }[];
}

export const thresholds = (...steps: [string, number | null][]): Json => ({
  mode: 'absolute',
  steps: steps.map(([color, value]) => ({ color, value })),
});

export function fields(defaults: Json, overrides: Json[] = []): Json {
  return { defaults, overrides };
}

/** A stat legible across the room: value only, large, coloured background by threshold. */
export function stat(title: string, gridPos: GridPos, targets: Target[], defaults: Json, extra: Partial<PanelSpec> = {}): Json {
  return panel({
    type: 'stat',
    title,
    gridPos,
    targets,
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'background',
      graphMode: 'none',
      textMode: 'value',
      justifyMode: 'center',
      orientation: 'auto',
    },
    fieldConfig: fields(defaults),
    ...extra,
  });
}

export function timeseries(title: string, gridPos: GridPos, targets: Target[], defaults: Json = {}, extra: Partial<PanelSpec> = {}): Json {
  return panel({
    type: 'timeseries',
    title,
    gridPos,
    targets,
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
    fieldConfig: fields({ custom: { lineWidth: 2, fillOpacity: 10, spanNulls: true }, ...defaults }),
    ...extra,
  });
}

export function table(
  title: string,
  gridPos: GridPos,
  targets: Target[],
  extra: Partial<PanelSpec> = {},
  defaults: Json = {},
  overrides: Json[] = [],
): Json {
  return panel({
    type: 'table',
    title,
    gridPos,
    targets: targets.map((t) => ({ ...t, resultFormat: 'table' })),
    options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } },
    fieldConfig: fields({ custom: { align: 'auto', filterable: true }, ...defaults }, overrides),
    ...extra,
  });
}

/** A query template variable (multi-value, All = every value, as Grafana's InfluxDB regex `(a|b)`). */
export function queryVariable(name: string, label: string, query: string): Json {
  return {
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    query,
    definition: query,
    refresh: 2,
    multi: true,
    includeAll: true,
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
    options: [],
    hide: 0,
  };
}

export function textVariable(name: string, label: string, value: string): Json {
  return {
    name,
    label,
    type: 'textbox',
    query: value,
    current: { text: value, value },
    options: [{ selected: true, text: value, value }],
    hide: 0,
  };
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  time: { from: string; to: string };
  refresh: string;
  variables: Json[];
  panels: Json[];
  links?: Json[];
}

export function dashboard(d: DashboardSpec): Json {
  return {
    uid: d.uid,
    title: d.title,
    description: d.description,
    tags: ['callboard', ...d.tags],
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    editable: true,
    graphTooltip: 1,
    timezone: TIMEZONE,
    fiscalYearStartMonth: 0,
    liveNow: false,
    time: d.time,
    timepicker: {},
    refresh: d.refresh,
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: d.variables },
    links: [
      { title: 'Callboard', type: 'dashboards', tags: ['callboard'], asDropdown: true, includeVars: false, keepTime: true },
      ...(d.links ?? []),
    ],
    panels: d.panels,
  };
}

/** The InfluxQL filter of a multi-value variable. */
export const matches = (tag: string, variable: string) => `"${tag}" =~ /^$${variable}$/`;

export const VARIABLES = {
  switch: () => queryVariable('switch', 'Switch', 'SHOW TAG VALUES FROM "softswitch_calls" WITH KEY = "switch"'),
  region: () => queryVariable('region', 'Region', 'SHOW TAG VALUES FROM "snmp_device" WITH KEY = "region"'),
  /** Groups of switch or span members write trunk_group; a group of CDR trunks only has its Erlang B advice. */
  trunkGroup: () =>
    queryVariable('trunk_group', 'Trunk group', 'SHOW TAG VALUES FROM "trunk_group", "trunk_advice" WITH KEY = "trunk_group"'),
  /** The snmp input (config `name`) that polls the customer IADs: the migration view counts its devices. */
  iadInput: () => textVariable('iad_input', 'SNMP input of the IADs', 'iads'),
  /** Routers, gateways and switches (not the customer IADs) of the chosen regions. */
  device: () =>
    queryVariable(
      'device',
      'Device',
      `SHOW TAG VALUES FROM "snmp_device" WITH KEY = "device" WHERE ${matches('region', 'region')} AND "role" != 'iad'`,
    ),
};
