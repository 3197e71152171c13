// @vitest-environment node
// Structural check of the built panel (`npm run build` first; `npm test` does): what Grafana's
// plugin loader and catalogue read, and that react/@grafana come from Grafana, not from our bundle.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PLUGIN = new URL('../plugin/', import.meta.url).pathname;
const DIST = join(PLUGIN, 'dist');
const read = (file: string) => readFileSync(join(DIST, file), 'utf8');

/** What Grafana 12 provides to plugins at runtime (its shared dependencies); nothing else may be external. */
const GRAFANA_SHARED = new Set(['react', 'react-dom', 'react/jsx-runtime', '@grafana/data', '@grafana/ui', '@grafana/runtime', '@emotion/css', '@emotion/react', 'rxjs', 'lodash', 'moment', 'i18next', 'module']);
/** The Grafana version this plugin is built and tested against. */
const TESTED_GRAFANA = [12, 4, 10];

function satisfiesMinimum(range: string, version: number[]): boolean {
  const match = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!match) return false;
  const minimum = match.slice(1).map(Number);
  for (let i = 0; i < 3; i++) if (version[i] !== minimum[i]) return version[i]! > minimum[i]!;
  return true;
}

describe('plugin/dist', () => {
  it('exists (run `npm run build`)', () => {
    expect(existsSync(join(DIST, 'module.js')), `${DIST}/module.js missing: run npm run build`).toBe(true);
  });

  it('has a plugin.json Grafana accepts for a panel', () => {
    const json = JSON.parse(read('plugin.json'));
    const pkg = JSON.parse(readFileSync(join(PLUGIN, 'package.json'), 'utf8'));
    expect(json).toMatchObject({ type: 'panel', id: 'callboard-live-panel', name: expect.any(String) });
    expect(json.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*-panel$/); // <org>-<name>-panel
    expect(json.info.version).toBe(pkg.version);
    expect(json.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(json.info.author.name).toBeTruthy();
    expect(json.info.description.length).toBeGreaterThan(20);
    for (const logo of [json.info.logos.small, json.info.logos.large]) expect(existsSync(join(DIST, logo)), logo).toBe(true);
    expect(json.dependencies.grafanaDependency).toMatch(/^>=\d+\.\d+\.\d+$/);
    expect(satisfiesMinimum(json.dependencies.grafanaDependency, TESTED_GRAFANA)).toBe(true);
    expect(json.buildMode).toBe('production');
  });

  it('is an AMD module whose dependencies are all provided by Grafana', () => {
    const source = read('module.js');
    const define = /\bdefine\((\[[^\]]*\])/.exec(source);
    expect(define, 'module.js must call define([...])').not.toBeNull();
    const deps = JSON.parse(define![1]!) as string[];
    expect(deps).toEqual(expect.arrayContaining(['react', '@grafana/data', '@grafana/ui', 'module']));
    for (const dep of deps) expect(GRAFANA_SHARED.has(dep), `external ${dep} is not provided by Grafana`).toBe(true);
  });

  it('bundles no copy of react or @grafana/* (source map lists only our code)', () => {
    const map = JSON.parse(read('module.js.map')) as { sources: string[] };
    const bundled = map.sources.filter((s) => /node_modules\/(react|react-dom|scheduler|@grafana|@emotion)\//.test(s));
    expect(bundled).toEqual([]);
    const ours = map.sources.filter((s) => s.includes('callboard-live-panel/./') && !s.includes('node_modules'));
    expect(ours).toContain('webpack://callboard-live-panel/./module.ts');
    // Fingerprints of bundled React / Grafana code, in case a source map were ever missing.
    const source = read('module.js');
    expect(source).not.toContain('__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED');
    expect(source).not.toContain('react.production.min');
    expect(source.length).toBeLessThan(150_000);
  });
});
