import React from 'react';
import type { TimeZone } from '@grafana/schema';
import type { ViewModel } from '../data/viewModel';
import { CallsView } from './CallsView';
import { LinkHealthView } from './LinkHealthView';
import { MilestoneView } from './MilestoneView';
import { StatusBadge } from './StatusBadge';

interface Props {
  model: ViewModel;
  width: number;
  height: number;
  /** e.g. "live link lost": why the view is stale, when we know. */
  staleReason?: string;
  timeZone?: TimeZone;
}

/** Renders a view model: the status badge on top when the data is stale or missing, then the view. */
export function ViewFrame({ model, width, height, staleReason, timeZone }: Props) {
  const badgePx = Math.max(14, Math.min(48, height * 0.045));
  const badgeHeight = model.freshness === 'fresh' ? 0 : badgePx * 1.8;
  const inner = { width, height: height - badgeHeight };
  return (
    <div
      data-testid="callboard-panel"
      data-view={model.kind}
      data-freshness={model.freshness}
      style={{ width, height, overflow: 'hidden' }}
    >
      {badgeHeight > 0 && (
        <div style={{ height: badgeHeight, display: 'flex', justifyContent: 'center', alignItems: 'flex-start' }}>
          <StatusBadge
            freshness={model.freshness}
            size={badgePx}
            ageText={model.freshness === 'stale' ? staleReason : undefined}
          />
        </div>
      )}
      {model.kind === 'calls' && <CallsView model={model} {...inner} />}
      {model.kind === 'milestone' && <MilestoneView model={model} {...inner} timeZone={timeZone} />}
      {model.kind === 'links' && <LinkHealthView model={model} {...inner} />}
    </div>
  );
}
