/** Which of the three views one panel shows. */
export type ViewKind = 'calls' | 'milestone' | 'links';

/** Health of one link, trunk or site tile. Order matters: see `STATE_SEVERITY` in data/links.ts. */
export type LinkState = 'ok' | 'degraded' | 'down' | 'stale';

/** How fresh the data behind a view is. `nodata` is not zero: nothing arrived at all. */
export type Freshness = 'fresh' | 'stale' | 'nodata';

export interface LiveOptions {
  /** Subscribe to the collector's ws /live for sub-second updates on top of the query data. */
  enabled: boolean;
  /** e.g. ws://collector:8089/live (http:// is accepted and turned into ws://). */
  url: string;
  /** Sent as the subprotocol `bearer.<token>`, never in the URL. */
  token: string;
}

export interface CallsOptions {
  /** Switch tag to show; empty shows the total over all switches. */
  switchName: string;
}

export interface MilestoneOptions {
  /** Daily targets; 0 means "take it from the data" (fields calls_target / minutes_target). */
  callsTarget: number;
  minutesTarget: number;
}

export type LinkGrouping = 'none' | 'switch';

export interface LinksOptions {
  /** Tag that groups tiles (roll-up); tiles of one group sit together and the group shows its worst state. */
  groupBy: LinkGrouping;
  /** Show one tile per group instead of one per link (for very large inventories). */
  rollUp: boolean;
  /** OPTIONS latency above which an up trunk counts as degraded; 0 disables. */
  degradedLatencyMs: number;
}

export interface CallboardOptions {
  /** Version of this options shape; migrations.ts brings older saved panels up to it. */
  optionsVersion: number;
  view: ViewKind;
  /** Data older than this is shown as STALE. */
  staleAfterSeconds: number;
  live: LiveOptions;
  calls: CallsOptions;
  milestone: MilestoneOptions;
  links: LinksOptions;
}

export const CURRENT_OPTIONS_VERSION = 1;

export const DEFAULT_OPTIONS: CallboardOptions = {
  optionsVersion: CURRENT_OPTIONS_VERSION,
  view: 'calls',
  staleAfterSeconds: 10,
  live: { enabled: false, url: '', token: '' },
  calls: { switchName: '' },
  milestone: { callsTarget: 0, minutesTarget: 0 },
  links: { groupBy: 'switch', rollUp: false, degradedLatencyMs: 0 },
};
