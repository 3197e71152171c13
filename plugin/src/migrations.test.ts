// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { migrateOptions, panelMigrationHandler } from './migrations';
import { CURRENT_OPTIONS_VERSION, DEFAULT_OPTIONS } from './types';

describe('migrateOptions', () => {
  it('gives the defaults for a new panel or one switched from another type', () => {
    expect(migrateOptions(undefined)).toEqual(DEFAULT_OPTIONS);
    // The scaffold's own options (the type this panel replaced in development) are dropped.
    expect(migrateOptions({ text: 'x', showSeriesCount: true, seriesCountSize: 'sm' })).toEqual(DEFAULT_OPTIONS);
  });

  it('keeps valid saved values and stamps the current version', () => {
    const saved = {
      view: 'links',
      staleAfterSeconds: 30,
      live: { enabled: true, url: ' ws://c:8089/live ', token: 't' },
      links: { groupBy: 'none', rollUp: true, degradedLatencyMs: 250 },
    };
    const migrated = migrateOptions(saved);
    expect(migrated).toMatchObject({
      optionsVersion: CURRENT_OPTIONS_VERSION,
      view: 'links',
      staleAfterSeconds: 30,
      live: { enabled: true, url: 'ws://c:8089/live', token: 't' },
      links: { groupBy: 'none', rollUp: true, degradedLatencyMs: 250 },
    });
    expect(migrated.calls).toEqual(DEFAULT_OPTIONS.calls);
  });

  it('replaces invalid values by defaults instead of breaking the wall', () => {
    const migrated = migrateOptions({
      view: 'pie',
      staleAfterSeconds: -4,
      milestone: { minutesTarget: 'lots', callsTarget: '5000' },
      links: { groupBy: 'planet' },
    });
    expect(migrated.view).toBe('calls');
    expect(migrated.staleAfterSeconds).toBe(DEFAULT_OPTIONS.staleAfterSeconds);
    expect(migrated.milestone).toEqual({ minutesTarget: 0, callsTarget: 5000 });
    expect(migrated.links.groupBy).toBe('switch');
  });

  it('is what Grafana calls on a saved panel of another plugin version', () => {
    const panel = {
      id: 1,
      pluginVersion: '0.0.1',
      options: { view: 'milestone' },
      fieldConfig: { defaults: {}, overrides: [] },
    };
    expect(panelMigrationHandler(panel as never).view).toBe('milestone');
  });
});
