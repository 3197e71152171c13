import type { CallboardOptions } from '../types';
import { buildCallsView, type CallsViewModel } from './calls';
import { liveMetricSeries, liveSilent, type LiveState } from './live';
import { buildLinksView, type LinksViewModel } from './links';
import { buildMilestoneView, type MilestoneViewModel } from './milestone';
import type { MetricSeries } from './series';

export type ViewModel = CallsViewModel | MilestoneViewModel | LinksViewModel;

export interface ViewInput {
  options: CallboardOptions;
  frames: MetricSeries[];
  live: LiveState;
  /** Whether /live is meant to feed this panel (enabled with a usable URL). */
  liveExpected: boolean;
  now: number;
  dayStart: number;
  dayLengthMs: number;
  /** When the query data last arrived. */
  receivedAt: number | null;
}

/** Measurements each view needs from /live (the subscription filter). */
export function liveMeasurementsFor(view: CallboardOptions['view']): string[] {
  if (view === 'calls') {
    return ['softswitch_calls'];
  }
  if (view === 'links') {
    return ['trunk_status'];
  }
  return [];
}

export function buildViewModel(input: ViewInput): ViewModel {
  const { options, now } = input;
  const staleAfterMs = options.staleAfterSeconds * 1000;
  // Silent only matters once we had the link: before the first message there is nothing to distrust.
  const silent = input.liveExpected && input.live.revision > 0 && liveSilent(input.live, now);
  switch (options.view) {
    case 'calls':
      return buildCallsView({
        frames: input.frames,
        live: liveMetricSeries(input.live, 'softswitch_calls'),
        switchName: options.calls.switchName,
        now,
        dayStart: input.dayStart,
        staleAfterMs,
        liveSilent: silent,
      });
    case 'milestone':
      return buildMilestoneView({
        frames: input.frames,
        now,
        dayStart: input.dayStart,
        dayLengthMs: input.dayLengthMs,
        callsTarget: options.milestone.callsTarget,
        minutesTarget: options.milestone.minutesTarget,
        staleAfterMs,
        receivedAt: input.receivedAt,
      });
    case 'links':
      return buildLinksView({
        frames: input.frames,
        live: liveMetricSeries(input.live, 'trunk_status'),
        now,
        staleAfterMs,
        liveSilent: silent,
        groupBy: options.links.groupBy,
        rollUp: options.links.rollUp,
        degradedLatencyMs: options.links.degradedLatencyMs,
      });
  }
}
