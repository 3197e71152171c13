import type { PanelModel } from '@grafana/data';
import { CURRENT_OPTIONS_VERSION, DEFAULT_OPTIONS, type CallboardOptions, type ViewKind } from './types';

const VIEWS: ViewKind[] = ['calls', 'milestone', 'links'];

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function number(value: unknown, fallback: number, min = 0): number {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= min ? n : fallback;
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value.trim() : fallback;
}

/**
 * Brings saved options of any earlier version (or none: a panel switched to this type from
 * another keeps that panel's options) to the current shape. Unknown keys are dropped so stale
 * settings of another panel type cannot leak into ours; invalid values fall back to defaults
 * rather than breaking the panel on the wall.
 */
export function migrateOptions(saved: unknown): CallboardOptions {
  const o = isObject(saved) ? saved : {};
  const live = isObject(o.live) ? o.live : {};
  const calls = isObject(o.calls) ? o.calls : {};
  const milestone = isObject(o.milestone) ? o.milestone : {};
  const links = isObject(o.links) ? o.links : {};
  const d = DEFAULT_OPTIONS;
  return {
    optionsVersion: CURRENT_OPTIONS_VERSION,
    view: VIEWS.includes(o.view as ViewKind) ? (o.view as ViewKind) : d.view,
    staleAfterSeconds: number(o.staleAfterSeconds, d.staleAfterSeconds, 1),
    live: {
      enabled: typeof live.enabled === 'boolean' ? live.enabled : d.live.enabled,
      url: text(live.url, d.live.url),
      token: text(live.token, d.live.token),
    },
    calls: { switchName: text(calls.switchName, d.calls.switchName) },
    milestone: {
      callsTarget: number(milestone.callsTarget, d.milestone.callsTarget),
      minutesTarget: number(milestone.minutesTarget, d.milestone.minutesTarget),
    },
    links: {
      groupBy: links.groupBy === 'none' || links.groupBy === 'switch' ? links.groupBy : d.links.groupBy,
      rollUp: typeof links.rollUp === 'boolean' ? links.rollUp : d.links.rollUp,
      degradedLatencyMs: number(links.degradedLatencyMs, d.links.degradedLatencyMs),
    },
  };
}

/** Grafana calls this when a saved panel's pluginVersion differs from the installed plugin's. */
export function panelMigrationHandler(panel: PanelModel<Partial<CallboardOptions>>): CallboardOptions {
  return migrateOptions(panel.options);
}
