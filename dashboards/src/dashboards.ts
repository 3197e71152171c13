// The Callboard dashboards. InfluxQL reads the measurements the collector writes (see
// collector/src/outputs/influx/README.md and each input's README). After a change here,
// `npx tsx dashboards/src/build.ts` rewrites dashboards/*.json (a test compares them).
import {
  PLUGIN_ID,
  TIMEZONE,
  VARIABLES,
  dashboard,
  fields,
  matches,
  panel,
  resetIds,
  row,
  stat,
  table,
  textVariable,
  thresholds,
  timeseries,
  type Json,
} from './grafana.js';

const NO_LIVE = { enabled: false, url: '', token: '' };
const pluginOptions = (view: string, extra: Json = {}) => ({
  optionsVersion: 1,
  view,
  staleAfterSeconds: 15,
  // Live needs a read-only wall token in the panel options; queries refresh every 5 s without it.
  live: NO_LIVE,
  calls: { switchName: '' },
  milestone: { callsTarget: 0, minutesTarget: 0 },
  links: { groupBy: 'switch', rollUp: false, degradedLatencyMs: 0 },
  ...extra,
});

/** Buckets of 5 s: the newest one is never older than the panel's stale limit (15 s), as a coarse $__interval would be. */
const CALLS_ACTIVE = `SELECT max("active") AS "active" FROM "raw"."softswitch_calls" WHERE $timeFilter AND ${matches('switch', 'switch')} GROUP BY time(5s), "switch" fill(none)`;
/**
 * The last 24 h in 15-minute sums: the panel adds up the buckets from the carrier's local midnight
 * on (every zone's midnight falls on a quarter hour), so "today" is exact without a midnight macro.
 */
const CALLS_TODAY = `SELECT sum("attempts") AS "attempts", sum("answered") AS "answered", sum("failed") AS "failed", sum("minutes") AS "minutes" FROM "raw"."softswitch_calls" WHERE time > now() - 1d AND ${matches('switch', 'switch')} GROUP BY time(15m), "switch" fill(none)`;
/**
 * One selector per query: with several (last(a), last(b)) InfluxDB 1.x stamps the row with the
 * start of the range instead of the point's time, and the panel would call every tile stale.
 */
const TRUNK_TILES = ['state', 'up', 'latency_avg_ms'].map((field) => ({
  refId: field,
  query: `SELECT last("${field}") AS "${field}" FROM "raw"."trunk_status" WHERE time > now() - 10m AND ${matches('switch', 'switch')} GROUP BY "switch", "trunk"`,
}));
/** Links whose latest state is not ok (link_health is written on each change), worst first. */
const LINKS_NOT_OK = `SELECT "severity", "state", "reasons", "since_ms" FROM (SELECT last("severity") AS "severity", last("state") AS "state", last("reasons") AS "reasons", last("since_ms") AS "since_ms" FROM "link_health" WHERE time > now() - 30d GROUP BY "kind", "group", "link") WHERE "severity" > 0 GROUP BY "kind", "group", "link"`;
/** snmp_region is written by every snmp input; the migration counts the one polling the IADs ($iad_input). */
const IAD_INPUT = `"input" = '$iad_input'`;
const IADS_REPORTING = `SELECT sum("reporting") AS "reporting", sum("planned") AS "planned" FROM (SELECT last("reporting") AS "reporting", last("planned") AS "planned" FROM "snmp_region" WHERE time > now() - 1h AND ${IAD_INPUT} GROUP BY "input", "region")`;
const TODAY_TOTAL = (field: string) =>
  `SELECT sum("${field}") AS "${field}" FROM (SELECT last("${field}") AS "${field}" FROM "cdr_day" WHERE time > now() - 1d GROUP BY "source")`;

const severityMapping = [
  {
    type: 'value',
    options: {
      '0': { text: 'ok', color: 'green', index: 0 },
      '1': { text: 'degraded', color: 'orange', index: 1 },
      '2': { text: 'down', color: 'red', index: 2 },
      '3': { text: 'stale', color: 'purple', index: 3 },
    },
  },
];
const linksTableOverrides = [
  {
    matcher: { id: 'byName', options: 'severity' },
    properties: [
      { id: 'mappings', value: severityMapping },
      { id: 'custom.cellOptions', value: { type: 'color-background' } },
    ],
  },
  {
    matcher: { id: 'byName', options: 'since_ms' },
    properties: [
      { id: 'unit', value: 'dateTimeFromNow' },
      { id: 'displayName', value: 'since' },
    ],
  },
  { matcher: { id: 'byName', options: 'Time' }, properties: [{ id: 'custom.hidden', value: true }] },
];
const sortWorstFirst = [{ id: 'sortBy', options: { fields: {}, sort: [{ field: 'severity', desc: true }] } }];

function nocWall(): Json {
  resetIds();
  return dashboard({
    uid: 'callboard-noc-wall',
    title: 'Callboard — NOC wall',
    description: 'For the wall (kiosk mode, 1920×1080, read from 5 m): live calls, link health, trunk occupancy, top alarms.',
    tags: ['noc', 'wall'],
    time: { from: 'now-1h', to: 'now' },
    refresh: '5s',
    variables: [VARIABLES.switch(), VARIABLES.iadInput()],
    panels: [
      panel({
        type: PLUGIN_ID,
        title: 'Calls now',
        gridPos: { x: 0, y: 0, w: 12, h: 13 },
        targets: [
          { refId: 'active', query: CALLS_ACTIVE },
          { refId: 'today', query: CALLS_TODAY },
        ],
        options: pluginOptions('calls'),
      }),
      panel({
        type: PLUGIN_ID,
        title: 'Trunk health',
        gridPos: { x: 12, y: 0, w: 12, h: 13 },
        targets: TRUNK_TILES,
        options: pluginOptions('links'),
      }),
      stat(
        'ASR, last 15 min',
        { x: 0, y: 13, w: 4, h: 5 },
        [
          {
            refId: 'A',
            query: `SELECT sum("answered") / sum("attempts") * 100 AS "asr" FROM "raw"."softswitch_calls" WHERE time > now() - 15m AND ${matches('switch', 'switch')}`,
          },
        ],
        { unit: 'percent', decimals: 1, thresholds: thresholds(['red', null], ['orange', 40], ['green', 55]) },
      ),
      stat(
        'IADs reporting',
        { x: 4, y: 13, w: 4, h: 5 },
        [{ refId: 'A', query: IADS_REPORTING }],
        { unit: 'none', thresholds: thresholds(['blue', null]) },
        {
          options: {
            reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
            colorMode: 'background',
            graphMode: 'none',
            textMode: 'value_and_name',
            justifyMode: 'center',
            orientation: 'horizontal',
          },
        },
      ),
      panel({
        type: 'bargauge',
        title: 'Trunk group occupancy',
        gridPos: { x: 8, y: 13, w: 8, h: 11 },
        targets: [
          {
            refId: 'A',
            query: `SELECT last("occupancy") AS "occupancy" FROM "trunk_group" WHERE time > now() - 10m GROUP BY "trunk_group"`,
            alias: '$tag_trunk_group',
          },
        ],
        options: {
          orientation: 'horizontal',
          displayMode: 'lcd',
          showUnfilled: true,
          valueMode: 'color',
          namePlacement: 'top',
          reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        },
        fieldConfig: fields({ unit: 'percent', min: 0, max: 100, thresholds: thresholds(['green', null], ['orange', 80], ['red', 90]) }),
      }),
      table(
        'Top alarms',
        { x: 16, y: 13, w: 8, h: 11 },
        [{ refId: 'A', query: LINKS_NOT_OK }],
        { transformations: sortWorstFirst },
        {},
        linksTableOverrides,
      ),
      stat('Calls today (CDR)', { x: 0, y: 18, w: 4, h: 6 }, [{ refId: 'A', query: TODAY_TOTAL('calls') }], {
        unit: 'short',
        thresholds: thresholds(['blue', null]),
      }),
      stat('Minutes today (CDR)', { x: 4, y: 18, w: 4, h: 6 }, [{ refId: 'A', query: TODAY_TOTAL('minutes') }], {
        unit: 'short',
        decimals: 0,
        thresholds: thresholds(['blue', null]),
      }),
    ],
  });
}

function triage(): Json {
  resetIds();
  const region = matches('region', 'region');
  return dashboard({
    uid: 'callboard-triage',
    title: 'Callboard — on-call triage',
    description:
      'What is firing and since when, the links, trunks and customers affected, and what changed (ASR, errors, MOS), with links to the device and trunk-group dashboards.',
    tags: ['triage', 'on-call'],
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    variables: [VARIABLES.switch(), VARIABLES.region(), VARIABLES.trunkGroup()],
    panels: [
      // Alert rules (issue #8) show here: the alert list reads Grafana's own alerting.
      row('Firing alerts', 0),
      panel({
        type: 'alertlist',
        title: 'Firing alerts',
        description: 'Grafana alert rules in the firing or pending state (provisioned with dashboards/provisioning/alerting when present).',
        gridPos: { x: 0, y: 1, w: 24, h: 6 },
        options: {
          viewMode: 'list',
          groupMode: 'default',
          maxItems: 20,
          sortOrder: 3,
          showInactiveAlerts: false,
          dashboardAlerts: false,
          alertName: '',
          dashboardTitle: '',
          folder: '',
          alertInstanceLabelFilter: '',
          stateFilter: { firing: true, pending: true, noData: true, normal: false, error: true },
        },
      }),
      row('Affected', 7),
      table(
        'Links not OK (since)',
        { x: 0, y: 8, w: 12, h: 9 },
        [{ refId: 'A', query: LINKS_NOT_OK }],
        {
          transformations: sortWorstFirst,
          links: [
            { title: 'Trunk group dashboard', url: '/d/callboard-trunk-group?${__url_time_range}&${switch:queryparam}' },
            { title: 'Device dashboard', url: '/d/callboard-device?${__url_time_range}&${region:queryparam}' },
          ],
        },
        {},
        [
          ...linksTableOverrides,
          // A trunk group's row names the group in `link`; a SIP trunk's row names its trunk group in `group`.
          ...['link', 'group'].map((column) => ({
            matcher: { id: 'byName', options: column },
            properties: [
              {
                id: 'links',
                value: [
                  {
                    title: 'Trunk group ${__value.raw}',
                    url: '/d/callboard-trunk-group?var-trunk_group=${__value.raw}&${__url_time_range}',
                  },
                ],
              },
            ],
          })),
        ],
      ),
      table(
        'IADs not answering (customers affected)',
        { x: 12, y: 8, w: 12, h: 9 },
        [
          {
            refId: 'A',
            // One selector, so the time is the last poll's.
            query: `SELECT "up" FROM (SELECT last("up") AS "up" FROM "snmp_device" WHERE time > now() - 15m AND "role" = 'iad' AND ${region} GROUP BY "customer", "site", "region", "device") WHERE "up" = 0 GROUP BY "customer", "site", "region", "device"`,
          },
        ],
        {},
        {},
        [{ matcher: { id: 'byName', options: 'Time' }, properties: [{ id: 'displayName', value: 'last poll' }] }],
      ),
      row('What changed', 17),
      timeseries(
        'ASR and NER per switch',
        { x: 0, y: 18, w: 12, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT sum("answered") / sum("attempts") * 100 AS "ASR" FROM "raw"."softswitch_calls" WHERE $timeFilter AND ${matches('switch', 'switch')} GROUP BY time(1m), "switch" fill(none)`,
            alias: 'ASR $tag_switch',
          },
          {
            refId: 'B',
            query: `SELECT mean("ner") AS "NER" FROM "raw"."softswitch_calls" WHERE $timeFilter AND ${matches('switch', 'switch')} GROUP BY time(1m), "switch" fill(none)`,
            alias: 'NER $tag_switch',
          },
        ],
        { unit: 'percent', min: 0, max: 100 },
      ),
      timeseries(
        'Failed call attempts per minute',
        { x: 12, y: 18, w: 12, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT sum("failed") AS "failed" FROM "raw"."softswitch_calls" WHERE $timeFilter AND ${matches('switch', 'switch')} GROUP BY time(1m), "switch" fill(0)`,
            alias: 'failed $tag_switch',
          },
          {
            refId: 'B',
            query: `SELECT sum("calls_failed") AS "failed" FROM "trunk_group" WHERE $timeFilter AND ${matches('trunk_group', 'trunk_group')} GROUP BY time(1m), "trunk_group" fill(0)`,
            alias: 'failed $tag_trunk_group',
          },
        ],
        { unit: 'short' },
      ),
      timeseries(
        'Interface errors (routers)',
        { x: 0, y: 26, w: 8, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT max("in_errors_ps") + max("out_errors_ps") AS "errors" FROM "snmp_interface" WHERE $timeFilter AND "role" != 'iad' AND ${region} GROUP BY time($__interval), "device" fill(none)`,
            alias: '$tag_device',
          },
        ],
        { unit: 'pps' },
        { links: [{ title: 'Device dashboard', url: '/d/callboard-device?${__url_time_range}&${region:queryparam}' }] },
      ),
      timeseries(
        'IP SLA MOS (lowest per device)',
        { x: 8, y: 26, w: 8, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT min("mos") AS "mos" FROM "snmp_ipsla" WHERE $timeFilter AND ${region} GROUP BY time($__interval), "device" fill(none)`,
            alias: '$tag_device',
          },
        ],
        {
          min: 1,
          max: 5,
          decimals: 2,
          thresholds: thresholds(['red', null], ['orange', 3.6], ['green', 4]),
          custom: { thresholdsStyle: { mode: 'line' }, lineWidth: 2, fillOpacity: 10, spanNulls: true },
        },
      ),
      timeseries(
        'Trunk status changes',
        { x: 16, y: 26, w: 8, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT "severity" FROM "link_health" WHERE $timeFilter GROUP BY "kind", "link"`,
            alias: '$tag_kind $tag_link',
          },
        ],
        {
          min: 0,
          max: 3,
          mappings: severityMapping,
          custom: { drawStyle: 'line', lineInterpolation: 'stepAfter', lineWidth: 2, fillOpacity: 0, spanNulls: true },
        },
      ),
      // Callboard's own alerting (collector/src/alerting): every alert's latest state change of the
      // last 7 days, reduced to one row per alert, keeping those still firing or pending.
      row('Callboard alerts', 34),
      table(
        'Callboard alerts (firing and pending)',
        { x: 0, y: 35, w: 24, h: 9 },
        [
          {
            refId: 'A',
            query: `SELECT "alertname", "severity", "state", "text", "labels", "suppressed", "fingerprint" FROM "alerts" WHERE $timeFilter`,
          },
        ],
        {
          timeFrom: '7d',
          description:
            "Alerts of the collector's rules, newest change first; suppressed says what mutes one (inhibition, silence, maintenance window).",
          transformations: CALLBOARD_ALERTS_ROWS,
        },
        {},
        [
          { matcher: { id: 'byName', options: 'since' }, properties: [{ id: 'unit', value: 'dateTimeFromNow' }] },
          {
            matcher: { id: 'byName', options: 'state' },
            properties: [
              {
                id: 'mappings',
                value: [{ type: 'value', options: { firing: { color: 'red', index: 0 }, pending: { color: 'orange', index: 1 } } }],
              },
              { id: 'custom.cellOptions', value: { type: 'color-background' } },
            ],
          },
        ],
      ),
    ],
  });
}

/** One row per alert (grouped by fingerprint, latest values), only firing or pending ones, newest first. */
const CALLBOARD_ALERTS_ROWS = [
  {
    id: 'groupBy',
    options: {
      fields: Object.fromEntries([
        ['fingerprint', { operation: 'groupby', aggregations: [] }],
        ...['Time', 'alertname', 'severity', 'state', 'text', 'labels', 'suppressed'].map((f) => [
          f,
          { operation: 'aggregate', aggregations: ['lastNotNull'] },
        ]),
      ]),
    },
  },
  {
    id: 'filterByValue',
    options: {
      type: 'include',
      match: 'any',
      filters: [{ fieldName: 'state (lastNotNull)', config: { id: 'regex', options: { value: '^(firing|pending)$' } } }],
    },
  },
  {
    id: 'organize',
    options: {
      excludeByName: { fingerprint: true },
      renameByName: Object.fromEntries(
        ['alertname', 'severity', 'state', 'text', 'labels', 'suppressed']
          .map((f) => [`${f} (lastNotNull)`, f])
          .concat([['Time (lastNotNull)', 'since']]),
      ),
      indexByName: {
        'Time (lastNotNull)': 0,
        'state (lastNotNull)': 1,
        'severity (lastNotNull)': 2,
        'alertname (lastNotNull)': 3,
        'text (lastNotNull)': 4,
        'labels (lastNotNull)': 5,
        'suppressed (lastNotNull)': 6,
      },
    },
  },
  { id: 'sortBy', options: { fields: {}, sort: [{ field: 'since', desc: true }] } },
];

function executive(): Json {
  resetIds();
  const tz = `TZ('${TIMEZONE}')`;
  const targetOf = (field: string, variable: string) => `"${field}" * 0 + $${variable} AS "${field}_target"`;
  return dashboard({
    uid: 'callboard-executive',
    title: 'Callboard — executive milestones',
    description:
      'Calls and minutes today against the daily targets, 30-day and 12-month trends, record days, the local / long-distance / international split and the IAD migration.',
    tags: ['executive', 'milestones'],
    time: { from: 'now-30d', to: 'now' },
    refresh: '5m',
    variables: [
      textVariable('calls_target', 'Calls per day target', '400000'),
      textVariable('minutes_target', 'Minutes per day target', '1000000'),
      VARIABLES.region(),
      VARIABLES.iadInput(),
    ],
    panels: [
      panel({
        type: PLUGIN_ID,
        title: 'Today against the targets',
        gridPos: { x: 0, y: 0, w: 12, h: 10 },
        targets: [
          {
            refId: 'days',
            query: `SELECT "calls", "minutes", ${targetOf('calls', 'calls_target')}, ${targetOf('minutes', 'minutes_target')} FROM "cdr_day" WHERE time > now() - 90d GROUP BY "source"`,
          },
        ],
        options: { ...pluginOptions('milestone'), staleAfterSeconds: 3600 },
      }),
      stat(
        'Calls today, % of target',
        { x: 12, y: 0, w: 6, h: 5 },
        [
          {
            refId: 'A',
            query: `SELECT sum("calls") / $calls_target * 100 AS "calls" FROM (SELECT last("calls") AS "calls" FROM "cdr_day" WHERE time > now() - 1d GROUP BY "source")`,
          },
        ],
        { unit: 'percent', decimals: 1, thresholds: thresholds(['orange', null], ['green', 100]) },
      ),
      stat(
        'Minutes today, % of target',
        { x: 18, y: 0, w: 6, h: 5 },
        [
          {
            refId: 'A',
            query: `SELECT sum("minutes") / $minutes_target * 100 AS "minutes" FROM (SELECT last("minutes") AS "minutes" FROM "cdr_day" WHERE time > now() - 1d GROUP BY "source")`,
          },
        ],
        { unit: 'percent', decimals: 1, thresholds: thresholds(['orange', null], ['green', 100]) },
      ),
      panel({
        type: 'bargauge',
        title: 'IAD migration: reporting of planned',
        gridPos: { x: 12, y: 5, w: 12, h: 5 },
        targets: [
          {
            refId: 'A',
            query: `SELECT "reporting" / "planned" * 100 AS "reporting" FROM (SELECT last("reporting") AS "reporting", last("planned") AS "planned" FROM "snmp_region" WHERE time > now() - 1h AND ${IAD_INPUT} AND ${matches('region', 'region')} GROUP BY "input", "region") GROUP BY "region"`,
            alias: '$tag_region',
          },
        ],
        options: {
          orientation: 'vertical',
          displayMode: 'gradient',
          showUnfilled: true,
          valueMode: 'color',
          reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        },
        fieldConfig: fields({ unit: 'percent', min: 0, max: 100, thresholds: thresholds(['orange', null], ['green', 95]) }),
      }),
      timeseries(
        'Calls and minutes per day, 30 days',
        { x: 0, y: 10, w: 12, h: 9 },
        [
          {
            refId: 'A',
            query: `SELECT sum("calls") AS "calls", sum("minutes") AS "minutes" FROM "cdr_day" WHERE $timeFilter GROUP BY time(1d) fill(none) ${tz}`,
          },
        ],
        { unit: 'short', custom: { drawStyle: 'bars', fillOpacity: 60, lineWidth: 1, spanNulls: false } },
        { timeFrom: '30d' },
      ),
      timeseries(
        'Minutes per week, 12 months',
        { x: 12, y: 10, w: 12, h: 9 },
        [
          {
            refId: 'A',
            query: `SELECT sum("minutes") AS "minutes", sum("calls") AS "calls" FROM "cdr_day" WHERE $timeFilter GROUP BY time(7d) fill(none) ${tz}`,
          },
        ],
        { unit: 'short', custom: { drawStyle: 'bars', fillOpacity: 60, lineWidth: 1, spanNulls: false } },
        { timeFrom: '365d' },
      ),
      table(
        'Record days',
        { x: 0, y: 19, w: 8, h: 9 },
        [
          {
            refId: 'A',
            query: `SELECT top("calls", 10) AS "calls", "minutes" FROM (SELECT sum("calls") AS "calls", sum("minutes") AS "minutes" FROM "cdr_day" WHERE time > now() - 730d GROUP BY time(1d) fill(none) ${tz})`,
          },
        ],
        { transformations: [{ id: 'sortBy', options: { fields: {}, sort: [{ field: 'calls', desc: true }] } }] },
        {},
        [
          {
            matcher: { id: 'byName', options: 'Time' },
            properties: [
              { id: 'unit', value: 'time:YYYY-MM-DD' },
              { id: 'displayName', value: 'day' },
            ],
          },
          { matcher: { id: 'byName', options: 'minutes' }, properties: [{ id: 'decimals', value: 0 }] },
        ],
      ),
      panel({
        type: 'piechart',
        title: 'Minutes by call class',
        gridPos: { x: 8, y: 19, w: 8, h: 9 },
        targets: [
          {
            refId: 'A',
            query: `SELECT sum("minutes") AS "minutes" FROM "cdr_day_breakdown" WHERE $timeFilter GROUP BY "class"`,
            alias: '$tag_class',
          },
        ],
        options: {
          pieType: 'donut',
          displayLabels: ['name', 'percent'],
          legend: { displayMode: 'table', placement: 'right', showLegend: true, values: ['value', 'percent'] },
          reduceOptions: { calcs: ['sum'], fields: '', values: false },
        },
        fieldConfig: fields({ unit: 'short', decimals: 0 }),
      }),
      timeseries(
        'Local, long distance and international minutes per day',
        { x: 16, y: 19, w: 8, h: 9 },
        [
          {
            refId: 'A',
            query: `SELECT sum("minutes") AS "minutes" FROM "cdr_day_breakdown" WHERE $timeFilter AND "class" =~ /^(local|long_distance|international)$/ GROUP BY time(1d), "class" fill(none) ${tz}`,
            alias: '$tag_class',
          },
        ],
        {
          unit: 'short',
          custom: { drawStyle: 'bars', stacking: { mode: 'normal', group: 'A' }, fillOpacity: 70, lineWidth: 1, spanNulls: false },
        },
      ),
      timeseries(
        'IADs reporting vs planned',
        { x: 0, y: 28, w: 24, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT last("reporting") AS "reporting", last("planned") AS "planned" FROM "snmp_region" WHERE $timeFilter AND ${IAD_INPUT} AND ${matches('region', 'region')} GROUP BY time($__interval), "region" fill(none)`,
            alias: '$col $tag_region',
          },
        ],
        { unit: 'short' },
      ),
    ],
  });
}

function device(): Json {
  resetIds();
  const where = `$timeFilter AND ${matches('device', 'device')}`;
  const perDevice = (title: string, gridPos: Json, select: string, measurement: string, by: string, unit: string, extra: Json = {}) =>
    timeseries(
      title,
      gridPos as never,
      [
        {
          refId: 'A',
          query: `SELECT ${select} FROM "${measurement}" WHERE ${where} GROUP BY time($__interval), "device"${by ? `, "${by}"` : ''} fill(none)`,
          alias: `$tag_device${by ? ` $tag_${by}` : ''}`,
        },
      ],
      { unit, ...extra },
    );
  return dashboard({
    uid: 'callboard-device',
    title: 'Callboard — device',
    description:
      'One router, gateway or switch (or several): reachability, interfaces, CPU, memory, IP SLA and voice calls, from the snmp input.',
    tags: ['device', 'snmp'],
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    variables: [VARIABLES.region(), VARIABLES.device()],
    panels: [
      table(
        'Devices',
        { x: 0, y: 0, w: 24, h: 6 },
        [
          {
            refId: 'A',
            query: `SELECT last("up") AS "up", last("uptime_s") AS "uptime_s", last("poll_ms") AS "poll_ms" FROM "snmp_device" WHERE ${where} GROUP BY "device", "role", "site", "region"`,
          },
        ],
        {},
        {},
        [
          {
            matcher: { id: 'byName', options: 'uptime_s' },
            properties: [
              { id: 'unit', value: 's' },
              { id: 'displayName', value: 'uptime' },
            ],
          },
          {
            matcher: { id: 'byName', options: 'poll_ms' },
            properties: [
              { id: 'unit', value: 'ms' },
              { id: 'displayName', value: 'poll' },
            ],
          },
          {
            matcher: { id: 'byName', options: 'up' },
            properties: [
              {
                id: 'mappings',
                value: [
                  {
                    type: 'value',
                    options: { '0': { text: 'DOWN', color: 'red', index: 0 }, '1': { text: 'UP', color: 'green', index: 1 } },
                  },
                ],
              },
              { id: 'custom.cellOptions', value: { type: 'color-background' } },
            ],
          },
          // Several selectors: InfluxDB stamps the row with the range start, not a poll time.
          { matcher: { id: 'byName', options: 'Time' }, properties: [{ id: 'custom.hidden', value: true }] },
        ],
      ),
      perDevice('Interface traffic in', { x: 0, y: 6, w: 12, h: 8 }, 'mean("in_bps") AS "in"', 'snmp_interface', 'ifName', 'bps'),
      perDevice('Interface traffic out', { x: 12, y: 6, w: 12, h: 8 }, 'mean("out_bps") AS "out"', 'snmp_interface', 'ifName', 'bps'),
      table(
        'Interfaces',
        { x: 0, y: 14, w: 24, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT last("oper_status") AS "oper", last("admin_status") AS "admin", last("speed_bps") AS "speed", last("in_bps") AS "in", last("out_bps") AS "out", last("in_errors_ps") AS "in errors/s", last("out_errors_ps") AS "out errors/s" FROM "snmp_interface" WHERE ${where} GROUP BY "device", "ifName"`,
          },
        ],
        {},
        {},
        [
          ...['in', 'out', 'speed'].map((f) => ({ matcher: { id: 'byName', options: f }, properties: [{ id: 'unit', value: 'bps' }] })),
          ...['oper', 'admin'].map((f) => ({
            matcher: { id: 'byName', options: f },
            properties: [
              {
                id: 'mappings',
                value: [
                  {
                    type: 'value',
                    options: {
                      '1': { text: 'up', color: 'green', index: 0 },
                      '2': { text: 'down', color: 'red', index: 1 },
                      '7': { text: 'lowerLayerDown', color: 'orange', index: 2 },
                    },
                  },
                ],
              },
              { id: 'custom.cellOptions', value: { type: 'color-text' } },
            ],
          })),
          { matcher: { id: 'byName', options: 'Time' }, properties: [{ id: 'custom.hidden', value: true }] },
        ],
      ),
      perDevice('CPU (1 min)', { x: 0, y: 22, w: 12, h: 8 }, 'mean("load_1m_pct") AS "cpu"', 'snmp_cpu', 'cpu', 'percent', {
        min: 0,
        max: 100,
      }),
      perDevice('Memory used', { x: 12, y: 22, w: 12, h: 8 }, 'max("used_pct") AS "used"', 'snmp_memory', 'pool', 'percent', {
        min: 0,
        max: 100,
      }),
      perDevice('IP SLA round trip', { x: 0, y: 30, w: 8, h: 8 }, 'mean("rtt_ms") AS "rtt"', 'snmp_ipsla', 'sla', 'ms'),
      perDevice('IP SLA MOS', { x: 8, y: 30, w: 8, h: 8 }, 'min("mos") AS "mos"', 'snmp_ipsla', 'sla', 'none', {
        min: 1,
        max: 5,
        decimals: 2,
      }),
      perDevice(
        'IP SLA jitter (source → destination)',
        { x: 16, y: 30, w: 8, h: 8 },
        'mean("jitter_sd_ms") AS "jitter"',
        'snmp_ipsla',
        'sla',
        'ms',
      ),
      perDevice('Voice calls on the gateway', { x: 0, y: 38, w: 24, h: 7 }, 'max("active_calls") AS "calls"', 'snmp_voice', '', 'short'),
    ],
  });
}

/**
 * InfluxQL cannot compute Erlang B: the collector writes its advice (trunk_advice, every minute, from its
 * traffic profile) and these panels read it. The latest point per group, whole (no selector mixes evaluations).
 */
const ADVICE_LATEST = (group: string) =>
  `SELECT "busy_hour_start" AS "busy hour", "busy_hour_erlangs" AS "busy hour E", "circuits_needed" AS "circuits needed", "circuits_provisioned" AS "provisioned", "headroom", "grade_of_service" * 100 AS "target blocking", "blocking_at_provisioned" * 100 AS "Erlang B blocking at provisioned", "busy_hour_blocking" * 100 AS "observed busy-hour blocking", "busy_hour_days" AS "days" FROM "trunk_advice" WHERE $timeFilter AND ${group} GROUP BY "trunk_group" ORDER BY time DESC LIMIT 1`;
const ADVICE_SOURCE =
  'Busy hour: ITU-T E.500 time-consistent, the mean of the last business days (busyHourDays); written by the collector as trunk_advice (also GET /api/v1/trunk-groups).';

function trunkGroup(): Json {
  resetIds();
  const group = matches('trunk_group', 'trunk_group');
  return dashboard({
    uid: 'callboard-trunk-group',
    title: 'Callboard — trunk group',
    description:
      'Occupancy, carried traffic in Erlangs, the time-consistent busy hour and its Erlang B advice (circuits needed, headroom, blocking), and the member trunks of the chosen trunk groups.',
    tags: ['trunk-group', 'traffic'],
    time: { from: 'now-24h', to: 'now' },
    refresh: '1m',
    variables: [VARIABLES.trunkGroup(), VARIABLES.switch()],
    panels: [
      panel({
        type: 'bargauge',
        title: 'Occupancy now',
        gridPos: { x: 0, y: 0, w: 8, h: 7 },
        targets: [
          {
            refId: 'A',
            query: `SELECT last("occupancy") AS "occupancy" FROM "trunk_group" WHERE time > now() - 10m AND ${group} GROUP BY "trunk_group"`,
            alias: '$tag_trunk_group',
          },
        ],
        options: {
          orientation: 'horizontal',
          displayMode: 'lcd',
          showUnfilled: true,
          valueMode: 'color',
          reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        },
        fieldConfig: fields({ unit: 'percent', min: 0, max: 100, thresholds: thresholds(['green', null], ['orange', 80], ['red', 90]) }),
      }),
      timeseries(
        'Calls in use vs provisioned channels',
        { x: 8, y: 0, w: 16, h: 7 },
        [
          {
            refId: 'A',
            query: `SELECT max("calls_active") AS "in use" FROM "trunk_group" WHERE $timeFilter AND ${group} GROUP BY time($__interval), "trunk_group" fill(none)`,
            alias: 'in use $tag_trunk_group',
          },
          {
            refId: 'B',
            query: `SELECT last("capacity") AS "channels" FROM "trunk_group" WHERE $timeFilter AND ${group} GROUP BY time($__interval), "trunk_group" fill(none)`,
            alias: 'channels $tag_trunk_group',
          },
        ],
        { unit: 'short', min: 0 },
      ),
      timeseries(
        'Carried traffic (Erlangs per 15 min)',
        { x: 0, y: 7, w: 16, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT sum("minutes") / 15 AS "erlangs" FROM "trunk_group" WHERE $timeFilter AND ${group} GROUP BY time(15m), "trunk_group" fill(0)`,
            alias: '$tag_trunk_group',
          },
        ],
        { unit: 'none', decimals: 1, custom: { drawStyle: 'bars', fillOpacity: 60, lineWidth: 1, spanNulls: false } },
      ),
      panel({
        type: 'bargauge',
        title: 'Headroom at the busy hour (circuits)',
        description: `Provisioned circuits minus those Erlang B needs for the time-consistent busy hour at the group's grade of service; below 0 the group blocks more than its target. ${ADVICE_SOURCE}`,
        gridPos: { x: 16, y: 7, w: 8, h: 8 },
        targets: [
          {
            refId: 'A',
            query: `SELECT last("headroom") AS "headroom" FROM "trunk_advice" WHERE $timeFilter AND ${group} GROUP BY "trunk_group"`,
            alias: '$tag_trunk_group',
          },
        ],
        options: {
          orientation: 'horizontal',
          displayMode: 'basic',
          showUnfilled: false,
          valueMode: 'color',
          reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        },
        fieldConfig: fields({ unit: 'short', decimals: 0, thresholds: thresholds(['red', null], ['orange', 0], ['green', 1]) }),
      }),
      table(
        'Erlang B advice',
        { x: 0, y: 15, w: 24, h: 6 },
        [{ refId: 'A', query: ADVICE_LATEST(group) }],
        { description: `The latest evaluation per trunk group. ${ADVICE_SOURCE}` },
        { decimals: 2 },
        [
          {
            matcher: { id: 'byName', options: 'Time' },
            properties: [
              { id: 'displayName', value: 'evaluated' },
              { id: 'unit', value: 'dateTimeFromNow' },
            ],
          },
          ...['circuits needed', 'provisioned', 'headroom', 'days'].map((name) => ({
            matcher: { id: 'byName', options: name },
            properties: [{ id: 'decimals', value: 0 }],
          })),
          {
            matcher: { id: 'byName', options: 'headroom' },
            properties: [
              { id: 'thresholds', value: thresholds(['red', null], ['orange', 0], ['green', 1]) },
              { id: 'custom.cellOptions', value: { type: 'color-background' } },
            ],
          },
          ...['target blocking', 'Erlang B blocking at provisioned', 'observed busy-hour blocking'].map((name) => ({
            matcher: { id: 'byName', options: name },
            properties: [
              { id: 'unit', value: 'percent' },
              { id: 'decimals', value: 2 },
            ],
          })),
        ],
      ),
      timeseries(
        'Busy-hour traffic and Erlang B circuits',
        { x: 0, y: 21, w: 12, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT max("busy_hour_erlangs") AS "busy hour E" FROM "trunk_advice" WHERE $timeFilter AND ${group} GROUP BY time($__interval), "trunk_group" fill(none)`,
            alias: 'busy hour E $tag_trunk_group',
          },
          {
            refId: 'B',
            query: `SELECT max("circuits_needed") AS "needed" FROM "trunk_advice" WHERE $timeFilter AND ${group} GROUP BY time($__interval), "trunk_group" fill(none)`,
            alias: 'circuits needed $tag_trunk_group',
          },
          {
            refId: 'C',
            query: `SELECT last("circuits_provisioned") AS "provisioned" FROM "trunk_advice" WHERE $timeFilter AND ${group} GROUP BY time($__interval), "trunk_group" fill(none)`,
            alias: 'provisioned $tag_trunk_group',
          },
        ],
        { unit: 'short', min: 0, decimals: 1 },
        { description: `How the advice moved: the busy hour's Erlangs, the circuits they need, and those provisioned. ${ADVICE_SOURCE}` },
      ),
      timeseries(
        'Blocking: observed in the busy hour vs target',
        { x: 12, y: 21, w: 12, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT max("busy_hour_blocking") * 100 AS "observed" FROM "trunk_advice" WHERE $timeFilter AND ${group} GROUP BY time($__interval), "trunk_group" fill(none)`,
            alias: 'observed $tag_trunk_group',
          },
          {
            refId: 'B',
            query: `SELECT max("blocking_at_provisioned") * 100 AS "Erlang B" FROM "trunk_advice" WHERE $timeFilter AND ${group} GROUP BY time($__interval), "trunk_group" fill(none)`,
            alias: 'Erlang B at provisioned $tag_trunk_group',
          },
          {
            refId: 'C',
            query: `SELECT last("grade_of_service") * 100 AS "target" FROM "trunk_advice" WHERE $timeFilter AND ${group} GROUP BY time($__interval), "trunk_group" fill(none)`,
            alias: 'target $tag_trunk_group',
          },
        ],
        { unit: 'percent', min: 0, decimals: 2 },
        {
          description: `Observed: calls blocked for want of a circuit (Q.850 34, SIP 503) over attempts, in the busy hour of the days averaged. Erlang B: what the provisioned circuits give at the busy-hour traffic. ${ADVICE_SOURCE}`,
        },
      ),
      timeseries(
        'Hourly traffic (Erlangs)',
        { x: 0, y: 29, w: 12, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT sum("minutes") / 60 AS "erlangs" FROM "trunk_group" WHERE $timeFilter AND ${group} GROUP BY time(1h), "trunk_group" fill(0)`,
            alias: '$tag_trunk_group',
          },
        ],
        { unit: 'none', decimals: 1 },
      ),
      timeseries(
        'ASR per member trunk',
        { x: 12, y: 29, w: 12, h: 8 },
        [
          {
            refId: 'A',
            query: `SELECT sum("calls_answered") / sum("calls_attempts") * 100 AS "asr" FROM "trunk_status" WHERE $timeFilter AND ${group} AND ${matches('switch', 'switch')} GROUP BY time(5m), "trunk" fill(none)`,
            alias: '$tag_trunk',
          },
        ],
        { unit: 'percent', min: 0, max: 100 },
      ),
      table(
        'Member trunks',
        { x: 0, y: 37, w: 24, h: 7 },
        [
          {
            refId: 'A',
            query: `SELECT last("state") AS "state", last("calls_active") AS "calls", last("latency_avg_ms") AS "OPTIONS latency", last("probe_timeouts") AS "probe timeouts" FROM "trunk_status" WHERE time > now() - 10m AND ${group} AND ${matches('switch', 'switch')} GROUP BY "trunk_group", "switch", "trunk"`,
          },
        ],
        {},
        {},
        [
          { matcher: { id: 'byName', options: 'OPTIONS latency' }, properties: [{ id: 'unit', value: 'ms' }] },
          {
            matcher: { id: 'byName', options: 'state' },
            properties: [
              {
                id: 'mappings',
                value: [
                  {
                    type: 'value',
                    options: {
                      up: { color: 'green', index: 0 },
                      down: { color: 'red', index: 1 },
                      probing: { color: 'orange', index: 2 },
                      disabled: { color: 'purple', index: 3 },
                    },
                  },
                ],
              },
              { id: 'custom.cellOptions', value: { type: 'color-background' } },
            ],
          },
          { matcher: { id: 'byName', options: 'Time' }, properties: [{ id: 'custom.hidden', value: true }] },
        ],
      ),
    ],
  });
}

/** File name (without .json) → dashboard. */
export function buildDashboards(): Record<string, Json> {
  return { 'noc-wall': nocWall(), triage: triage(), executive: executive(), device: device(), 'trunk-group': trunkGroup() };
}
