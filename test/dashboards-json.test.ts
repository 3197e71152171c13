// The dashboard files and Grafana's provisioning: what Grafana would refuse or show broken
// (duplicate uids, data sources that do not resolve, panel types it does not have, overlapping
// panels), and that the committed JSON is what dashboards/src/build.ts writes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderDashboard } from '../dashboards/src/build.js';
import { buildDashboards } from '../dashboards/src/dashboards.js';
import { DATASOURCE_UID, PLUGIN_ID, type Json } from '../dashboards/src/grafana.js';

const ROOT = join(import.meta.dirname, '..');
const DIR = join(ROOT, 'dashboards');
const PROVISIONING = join(DIR, 'provisioning');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const dashboards = files.map((f) => ({ file: f, json: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Json }));

/** Grafana 12's built-in panel plugins (public/app/plugins/panel/*), plus rows. */
const CORE_PANEL_TYPES = new Set([
  'alertlist',
  'annolist',
  'barchart',
  'bargauge',
  'candlestick',
  'canvas',
  'dashlist',
  'datagrid',
  'flamegraph',
  'gauge',
  'geomap',
  'heatmap',
  'histogram',
  'logs',
  'news',
  'nodeGraph',
  'piechart',
  'stat',
  'state-timeline',
  'status-history',
  'table',
  'text',
  'timeseries',
  'traces',
  'trend',
  'xychart',
  'row',
]);
const VIEWS = new Set(['calls', 'milestone', 'links']);

const yamlOf = (path: string) => parse(readFileSync(join(PROVISIONING, path), 'utf8')) as Json;
const allPanels = (d: Json) => (d.panels as Json[]).flatMap((p) => [p, ...((p.panels as Json[] | undefined) ?? [])]);

/** Every {type, uid} object in the JSON that names a data source. */
function datasourceRefs(value: unknown, out: { type?: string; uid?: string }[] = []): { type?: string; uid?: string }[] {
  if (Array.isArray(value)) value.forEach((v) => datasourceRefs(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'datasource') out.push(typeof v === 'string' ? { uid: v } : (v as { type?: string; uid?: string }));
      else datasourceRefs(v, out);
    }
  }
  return out;
}

describe('dashboard JSON', () => {
  it('has the five dashboards, each as dashboards/src/build.ts writes it', () => {
    const built = buildDashboards();
    expect(files).toEqual(
      Object.keys(built)
        .map((n) => `${n}.json`)
        .sort(),
    );
    for (const [name, json] of Object.entries(built))
      expect(readFileSync(join(DIR, `${name}.json`), 'utf8'), `${name}.json is stale: npx tsx dashboards/src/build.ts`).toBe(
        renderDashboard(json),
      );
  });

  it('uids and titles are unique; schema version is Grafana 11/12', () => {
    const uids = dashboards.map((d) => d.json.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(new Set(dashboards.map((d) => d.json.title)).size).toBe(uids.length);
    for (const { json } of dashboards) {
      expect(json.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
      expect(json.schemaVersion).toBeGreaterThanOrEqual(39);
      expect(json.schemaVersion).toBeLessThanOrEqual(42);
      expect(json.id).toBeUndefined(); // provisioning assigns ids; a fixed one clashes between instances
    }
  });

  it('every data source reference resolves to the provisioned InfluxDB (or Grafana built-ins)', () => {
    const provisioned = (yamlOf('datasources/callboard.yaml').datasources as Json[]).map((d) => d.uid);
    expect(provisioned).toContain(DATASOURCE_UID);
    for (const { file, json } of dashboards) {
      const refs = datasourceRefs(json);
      expect(refs.length, file).toBeGreaterThan(0);
      for (const ref of refs) {
        if (ref.type === 'grafana') expect(ref.uid).toBe('-- Grafana --');
        else expect(ref, file).toEqual({ type: 'influxdb', uid: DATASOURCE_UID });
      }
    }
  });

  it('panel types exist (Grafana core or callboard-live-panel), ids are unique, the grid neither overflows nor overlaps', () => {
    for (const { file, json } of dashboards) {
      const panels = allPanels(json);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size, file).toBe(ids.length);
      for (const p of panels) {
        const type = String(p.type);
        expect(CORE_PANEL_TYPES.has(type) || type === PLUGIN_ID, `${file}: panel type ${type}`).toBe(true);
        if (type === PLUGIN_ID) expect(VIEWS.has(String((p.options as Json).view)), `${file}: ${String(p.title)}`).toBe(true);
        if (p.targets)
          for (const t of p.targets as Json[])
            expect(t, `${file}: ${String(p.title)}`).toMatchObject({ rawQuery: true, query: expect.stringMatching(/^(SELECT|SHOW) /) });
      }
      const cells = new Map<string, string>();
      for (const p of panels) {
        const g = p.gridPos as { x: number; y: number; w: number; h: number };
        expect(g.x + g.w, `${file}: ${String(p.title)}`).toBeLessThanOrEqual(24);
        for (let x = g.x; x < g.x + g.w; x++)
          for (let y = g.y; y < g.y + g.h; y++) {
            const other = cells.get(`${x},${y}`);
            expect(other, `${file}: ${String(p.title)} overlaps ${other}`).toBeUndefined();
            cells.set(`${x},${y}`, String(p.title));
          }
      }
    }
  });

  it('template variables: switch, region and trunk group where their measurements are used; every $variable in a query is defined', () => {
    const names = (d: Json) => (d.templating as { list: Json[] }).list.map((v) => String(v.name));
    const byUid = Object.fromEntries(dashboards.map((d) => [d.json.uid, names(d.json)]));
    expect(byUid['callboard-noc-wall']).toContain('switch');
    expect(byUid['callboard-triage']).toEqual(expect.arrayContaining(['switch', 'region', 'trunk_group']));
    expect(byUid['callboard-trunk-group']).toContain('trunk_group');
    expect(byUid['callboard-device']).toEqual(expect.arrayContaining(['region', 'device']));
    const builtIn = new Set(['timeFilter', '__interval']);
    for (const { file, json } of dashboards) {
      const defined = new Set(names(json));
      const queries = [
        ...allPanels(json).flatMap((p) => ((p.targets as Json[] | undefined) ?? []).map((t) => String(t.query))),
        ...(json.templating as { list: Json[] }).list.map((v) => String(v.query ?? '')),
      ];
      for (const q of queries)
        for (const [, name] of q.matchAll(/\$(\w+)/g))
          expect(builtIn.has(name!) || defined.has(name!), `${file}: $${name} in ${q}`).toBe(true);
    }
  });

  it('the NOC wall is built for the wall: kiosk-legible stats, 5 s refresh, the Callboard panel for calls and trunks', () => {
    const wall = dashboards.find((d) => d.json.uid === 'callboard-noc-wall')!.json;
    expect(wall.refresh).toBe('5s');
    const panels = allPanels(wall);
    expect(panels.filter((p) => p.type === PLUGIN_ID).map((p) => (p.options as Json).view)).toEqual(['calls', 'links']);
    // At 1920×1080 a grid row is ~30 px: anything shorter than 5 rows is not readable from 5 m.
    for (const p of panels) expect((p.gridPos as { h: number }).h, String(p.title)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...panels.map((p) => (p.gridPos as { y: number; h: number }).y + (p.gridPos as { h: number }).h))).toBeLessThanOrEqual(
      26,
    );
  });
});

describe('provisioning YAML', () => {
  it('data source: the InfluxDB 1.x database the collector writes, by uid, URL from the environment', () => {
    const ds = yamlOf('datasources/callboard.yaml');
    expect(ds.apiVersion).toBe(1);
    expect(ds.datasources).toEqual([
      expect.objectContaining({
        uid: DATASOURCE_UID,
        type: 'influxdb',
        access: 'proxy',
        url: '${CALLBOARD_INFLUX_URL}',
        jsonData: expect.objectContaining({ dbName: 'callboard' }),
      }),
    ]);
  });

  it('dashboards: one file provider reading where docker-compose.yml mounts dashboards/', () => {
    const provider = yamlOf('dashboards/callboard.yaml');
    expect(provider.apiVersion).toBe(1);
    expect(provider.providers).toEqual([
      expect.objectContaining({
        type: 'file',
        folder: 'Callboard',
        options: expect.objectContaining({ path: '/var/lib/grafana/dashboards/callboard' }),
      }),
    ]);
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[] }> };
    expect(compose.services.grafana!.volumes).toContain('./dashboards:/var/lib/grafana/dashboards/callboard:ro');
  });

  it('plugins: a valid file that provisions no app (the panel plugin is loaded from its folder)', () => {
    expect(yamlOf('plugins/callboard.yaml')).toEqual({ apiVersion: 1, apps: [] });
  });
});
