import React from 'react';
import { useTheme2 } from '@grafana/ui';
import type { CallsViewModel } from '../data/calls';
import { formatCount, formatMinutes, formatPercent } from '../data/format';
import { panelColors } from '../palette';
import { FitText } from './FitText';
import { Sparkline } from './Sparkline';

interface Props {
  model: CallsViewModel;
  width: number;
  height: number;
}

function Stat({
  label,
  value,
  width,
  height,
  testId,
  dim,
}: {
  label: string;
  value: string;
  width: number;
  height: number;
  testId: string;
  dim: boolean;
}) {
  const colors = panelColors(useTheme2());
  const labelPx = Math.max(10, Math.min(28, height * 0.22));
  return (
    <div style={{ width, textAlign: 'center' }}>
      <div style={{ fontSize: labelPx, color: colors.muted, textTransform: 'uppercase', letterSpacing: 1 }}>
        {label}
      </div>
      <FitText
        text={value}
        width={width}
        height={height - labelPx - 4}
        color={dim ? colors.muted : colors.text}
        testId={testId}
      />
    </div>
  );
}

/** Active calls in digits sized to the panel, today's figures below, the last hour as a line. */
export function CallsView({ model, width, height }: Props) {
  const colors = panelColors(useTheme2());
  const active = formatCount(model.activeNow);
  const statsHeight = Math.round(height * 0.22);
  const sparkHeight = Math.round(height * 0.12);
  const labelPx = Math.max(10, Math.min(32, height * 0.045));
  const digitsHeight = height - statsHeight - sparkHeight - labelPx - 8;
  const statWidth = Math.floor(width / 3);
  // Stale figures stay readable but dimmed: last known, not current.
  const dim = model.freshness !== 'fresh';
  return (
    <div
      data-testid="calls-view"
      style={{ width, height, display: 'flex', flexDirection: 'column', alignItems: 'center' }}
    >
      <div style={{ fontSize: labelPx, color: colors.muted, textTransform: 'uppercase', letterSpacing: 2 }}>
        Active calls · {model.scopeLabel}
      </div>
      <FitText
        text={active}
        width={width}
        height={digitsHeight}
        color={model.activeNow === null ? colors.noData : dim ? colors.muted : colors.text}
        weight={600}
        testId="active-calls"
      />
      <Sparkline points={model.sparkline} width={width * 0.9} height={sparkHeight} color={colors.sparkline} />
      <div style={{ display: 'flex', width, height: statsHeight }}>
        {[
          { label: 'Calls today', value: formatCount(model.callsToday), testId: 'calls-today' },
          { label: 'Minutes today', value: formatMinutes(model.minutesToday), testId: 'minutes-today' },
          { label: 'ASR today', value: formatPercent(model.asrToday), testId: 'asr-today' },
        ].map((stat) => (
          <Stat key={stat.testId} {...stat} width={statWidth} height={statsHeight} dim={dim} />
        ))}
      </div>
    </div>
  );
}
