import React from 'react';
import { dateTimeFormat } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import { useTheme2 } from '@grafana/ui';
import type { MilestoneMetric, MilestoneViewModel } from '../data/milestone';
import { formatCompact, formatCount } from '../data/format';
import { panelColors } from '../palette';
import { FitText } from './FitText';

interface Props {
  model: MilestoneViewModel;
  width: number;
  height: number;
  /** The dashboard's zone: day rows are local midnights, so their date must be read in it. */
  timeZone?: TimeZone;
}

interface RowProps {
  metric: MilestoneMetric;
  width: number;
  height: number;
  elapsed: number;
  dim: boolean;
  timeZone?: TimeZone;
}

function MetricRow({ metric, width, height, elapsed, dim, timeZone }: RowProps) {
  const colors = panelColors(useTheme2());
  const small = Math.max(11, Math.min(30, height * 0.1));
  const barHeight = Math.max(10, height * 0.14);
  const share = Math.min(1, metric.progress ?? 0);
  const forecastShare = metric.forecast !== null && metric.target ? Math.min(1, metric.forecast / metric.target) : null;
  const id = metric.label.toLowerCase();
  return (
    <div
      data-testid={`milestone-${id}`}
      data-crossed={metric.crossed}
      style={{ width, height, display: 'flex', flexDirection: 'column', justifyContent: 'center' }}
    >
      <div
        style={{
          display: 'flex',
          justifyContent: 'space-between',
          fontSize: small,
          color: colors.muted,
          textTransform: 'uppercase',
        }}
      >
        <span>{metric.label} today</span>
        <span>target {formatCount(metric.target)}</span>
      </div>
      <div style={{ display: 'flex', alignItems: 'center', gap: small }}>
        <FitText
          text={formatCount(metric.today)}
          width={width * 0.6}
          height={height * 0.42}
          color={metric.today === null ? colors.noData : dim ? colors.muted : colors.text}
          weight={600}
          testId={`milestone-${id}-today`}
        />
        {metric.crossed && (
          <span
            data-testid={`milestone-${id}-crossed`}
            style={{
              fontSize: small * 1.2,
              fontWeight: 700,
              color: colors.crossedText,
              border: `2px solid ${colors.crossed}`,
              padding: `0 ${small / 2}px`,
              borderRadius: 4,
            }}
          >
            ★ TARGET REACHED
          </span>
        )}
      </div>
      <div
        role="progressbar"
        aria-valuenow={Math.round((metric.progress ?? 0) * 100)}
        aria-valuemin={0}
        aria-valuemax={100}
        style={{ position: 'relative', height: barHeight, background: colors.track, borderRadius: 3 }}
      >
        <div
          style={{
            width: `${share * 100}%`,
            height: '100%',
            background: metric.crossed ? colors.crossed : colors.progress,
            borderRadius: 3,
          }}
        />
        {/* Where "now" is in the day: ahead of it is ahead of pace. */}
        <div
          title="share of the day elapsed"
          style={{
            position: 'absolute',
            left: `${elapsed * 100}%`,
            top: -3,
            bottom: -3,
            width: 2,
            background: colors.text,
          }}
        />
        {forecastShare !== null && (
          <div
            title="pace forecast"
            style={{
              position: 'absolute',
              left: `${forecastShare * 100}%`,
              top: 0,
              bottom: 0,
              borderLeft: `2px dashed ${colors.forecast}`,
            }}
          />
        )}
      </div>
      <div
        style={{ display: 'flex', justifyContent: 'space-between', fontSize: small, color: colors.muted, marginTop: 4 }}
      >
        <span data-testid={`milestone-${id}-forecast`}>pace → {formatCompact(metric.forecast)}</span>
        <span data-testid={`milestone-${id}-record`}>
          {metric.isRecord
            ? '★ record day'
            : metric.record
              ? `record ${formatCompact(metric.record.value)} (${dateTimeFormat(metric.record.day, { format: 'YYYY-MM-DD', timeZone })})`
              : 'no record yet'}
        </span>
      </div>
    </div>
  );
}

/** Minutes and calls against the day's targets: progress, pace, record, and the crossing marker. */
export function MilestoneView({ model, width, height, timeZone }: Props) {
  const rowHeight = Math.floor(height / 2) - 8;
  const dim = model.freshness !== 'fresh';
  return (
    <div
      data-testid="milestone-view"
      style={{ width, height, display: 'flex', flexDirection: 'column', gap: 16, padding: '0 2%' }}
    >
      <MetricRow
        metric={model.minutes}
        width={width * 0.96}
        height={rowHeight}
        elapsed={model.dayElapsed}
        dim={dim}
        timeZone={timeZone}
      />
      <MetricRow
        metric={model.calls}
        width={width * 0.96}
        height={rowHeight}
        elapsed={model.dayElapsed}
        dim={dim}
        timeZone={timeZone}
      />
    </div>
  );
}
