import React from 'react';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CallsViewModel } from '../data/calls';
import type { MilestoneViewModel } from '../data/milestone';
import { renderThemed } from '../testing/render';
import { ViewFrame } from './ViewFrame';

const calls = (over: Partial<CallsViewModel>): CallsViewModel => ({
  kind: 'calls',
  freshness: 'fresh',
  scopeLabel: 'All switches',
  activeNow: 1234,
  callsToday: 5000,
  minutesToday: 8000.4,
  asrToday: 91.25,
  sparkline: [
    [0, 1],
    [1, 2],
  ],
  updatedAt: 1,
  ...over,
});

describe('Calls view', () => {
  it('shows the figures with no badge when fresh', () => {
    renderThemed(<ViewFrame model={calls({})} width={1920} height={1080} />);
    expect(screen.getByTestId('active-calls')).toHaveTextContent('1,234');
    expect(screen.getByTestId('calls-today')).toHaveTextContent('5,000');
    expect(screen.getByTestId('minutes-today')).toHaveTextContent('8,000');
    expect(screen.getByTestId('asr-today')).toHaveTextContent('91.3 %');
    expect(screen.getByTestId('sparkline')).toHaveAttribute('data-points', '2');
    expect(screen.queryByTestId('status-badge')).toBeNull();
  });

  it('shows zero as 0, still fresh', () => {
    renderThemed(
      <ViewFrame
        model={calls({ activeNow: 0, callsToday: 0, minutesToday: 0, asrToday: null })}
        width={800}
        height={600}
      />
    );
    expect(screen.getByTestId('active-calls')).toHaveTextContent(/^0$/);
    expect(screen.getByTestId('calls-today')).toHaveTextContent(/^0$/);
    expect(screen.getByTestId('asr-today')).toHaveTextContent('—');
    expect(screen.queryByTestId('status-badge')).toBeNull();
  });

  it('shows NO DATA and dashes, not zeros, when nothing arrived', () => {
    renderThemed(
      <ViewFrame
        model={calls({
          freshness: 'nodata',
          activeNow: null,
          callsToday: null,
          minutesToday: null,
          asrToday: null,
          sparkline: [],
        })}
        width={800}
        height={600}
      />
    );
    expect(screen.getByTestId('status-badge')).toHaveTextContent('NO DATA');
    expect(screen.getByTestId('active-calls')).toHaveTextContent('—');
    expect(screen.getByTestId('callboard-panel')).toHaveAttribute('data-freshness', 'nodata');
  });

  it('keeps the last figures but marks them STALE, with the reason', () => {
    renderThemed(
      <ViewFrame model={calls({ freshness: 'stale' })} width={800} height={600} staleReason="live link lost" />,
      'light'
    );
    const badge = screen.getByTestId('status-badge');
    expect(badge).toHaveTextContent('STALE');
    expect(badge).toHaveTextContent('live link lost');
    expect(within(badge).getByText('STALE').previousSibling).toHaveAttribute('data-shape', 'stale');
    expect(screen.getByTestId('active-calls')).toHaveTextContent('1,234');
  });

  it('scales the digits with the panel', () => {
    const { unmount } = renderThemed(<ViewFrame model={calls({})} width={1920} height={1080} />);
    const big = parseFloat(screen.getByTestId('active-calls').style.fontSize);
    unmount();
    renderThemed(<ViewFrame model={calls({})} width={400} height={300} />);
    const small = parseFloat(screen.getByTestId('active-calls').style.fontSize);
    expect(big).toBeGreaterThan(300);
    expect(small).toBeLessThan(big / 3);
  });
});

describe('Milestone view', () => {
  const metric = { target: 100_000, record: { day: Date.UTC(2026, 10, 20), value: 120_000 }, isRecord: false };
  const model: MilestoneViewModel = {
    kind: 'milestone',
    freshness: 'fresh',
    dayElapsed: 0.5,
    minutes: { label: 'Minutes', today: 105_000, progress: 1.05, crossed: true, forecast: 210_000, ...metric },
    calls: { label: 'Calls', today: 0, progress: 0, crossed: false, forecast: null, ...metric, record: null },
  };

  it('shows today against the target, the crossing marker, pace and record', () => {
    renderThemed(<ViewFrame model={model} width={1920} height={1080} timeZone="utc" />);
    expect(screen.getByTestId('milestone-minutes-today')).toHaveTextContent('105,000');
    expect(screen.getByTestId('milestone-minutes-crossed')).toHaveTextContent('TARGET REACHED');
    expect(screen.getByTestId('milestone-minutes-forecast')).toHaveTextContent('210 k');
    expect(screen.getByTestId('milestone-minutes-record')).toHaveTextContent('record 120 k (2026-11-20)');
    expect(screen.getByTestId('milestone-calls-today')).toHaveTextContent(/^0$/);
    expect(screen.queryByTestId('milestone-calls-crossed')).toBeNull();
    expect(screen.getByTestId('milestone-calls-record')).toHaveTextContent('no record yet');
  });

  it('dates the record day in the dashboard time zone (rows are local midnights)', () => {
    const tokyoMidnight = Date.UTC(2026, 10, 19, 15, 0, 0); // 2026-11-20 00:00 in Tokyo
    const tokyo = { ...model, minutes: { ...model.minutes, record: { day: tokyoMidnight, value: 120_000 } } };
    renderThemed(<ViewFrame model={tokyo} width={1920} height={1080} timeZone="Asia/Tokyo" />);
    expect(screen.getByTestId('milestone-minutes-record')).toHaveTextContent('(2026-11-20)');
  });

  it('shows NO DATA without a row for today', () => {
    const empty = {
      ...model,
      freshness: 'nodata' as const,
      minutes: { ...model.minutes, today: null, progress: null, crossed: false },
    };
    renderThemed(<ViewFrame model={empty} width={800} height={600} />);
    expect(screen.getByTestId('status-badge')).toHaveTextContent('NO DATA');
    expect(screen.getByTestId('milestone-minutes-today')).toHaveTextContent('—');
  });
});

describe('stale figures', () => {
  it('are dimmed to the muted theme colour, fresh ones are not', () => {
    const { unmount } = renderThemed(<ViewFrame model={calls({ freshness: 'stale' })} width={800} height={600} />);
    const muted = screen.getByTestId('active-calls').style.color;
    unmount();
    renderThemed(<ViewFrame model={calls({})} width={800} height={600} />);
    expect(screen.getByTestId('active-calls').style.color).not.toBe(muted);
  });
});
