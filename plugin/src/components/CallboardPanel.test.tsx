import React from 'react';
import { act, screen } from '@testing-library/react';
import { getDefaultTimeRange, LoadingState, type DataFrame, type PanelProps } from '@grafana/data';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { migrateOptions } from '../migrations';
import { FakeWebSocket } from '../testing/fakeWebSocket';
import { influxSeries, trunkFrames } from '../testing/frames';
import { renderThemed } from '../testing/render';
import type { CallboardOptions } from '../types';
import { CallboardPanel } from './CallboardPanel';

function props(options: Partial<CallboardOptions>, series: DataFrame[]): PanelProps<CallboardOptions> {
  return {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange: getDefaultTimeRange() },
    timeRange: getDefaultTimeRange(),
    timeZone: 'utc',
    options: migrateOptions(options),
    fieldConfig: { defaults: {}, overrides: [] },
    transparent: false,
    width: 1920,
    height: 1080,
    renderCounter: 0,
    title: 'Callboard',
    eventBus: {
      publish: vi.fn(),
      subscribe: vi.fn(),
      getStream: vi.fn(),
      removeAllListeners: vi.fn(),
      newScopedBus: vi.fn(),
    } as never,
    onOptionsChange: vi.fn(),
    onFieldConfigChange: vi.fn(),
    onChangeTimeRange: vi.fn(),
    replaceVariables: (s: string) => s,
  };
}

describe('CallboardPanel', () => {
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('renders the calls view from InfluxDB-shaped frames', () => {
    const now = Date.now();
    renderThemed(
      <CallboardPanel
        {...props({ view: 'calls' }, [
          influxSeries('softswitch_calls', 'active', { switch: 'ss1' }, [[now - 1000, 87]]),
        ])}
      />
    );
    expect(screen.getByTestId('active-calls')).toHaveTextContent('87');
    expect(screen.getByTestId('callboard-panel')).toHaveAttribute('data-freshness', 'fresh');
  });

  it('turns a trunk tile down from a /live update, and goes STALE when the link dies', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'setInterval', 'Date', 'requestAnimationFrame', 'cancelAnimationFrame'],
    });
    const now = Date.now();
    const options = {
      view: 'links' as const,
      staleAfterSeconds: 10,
      live: { enabled: true, url: 'ws://collector:8089', token: 'tok' },
    };
    renderThemed(<CallboardPanel {...props(options, trunkFrames(3, now - 500, { switches: 1 }))} />);
    expect(screen.getAllByTestId('link-tile').map((t) => t.dataset.state)).toEqual(['ok', 'ok', 'ok']);

    const socket = FakeWebSocket.last();
    expect(socket.url).toBe('ws://collector:8089/live?measurements=trunk_status');
    expect(socket.protocols).toEqual(['callboard.v1', 'bearer.tok']);
    await act(async () => {
      socket.open();
      socket.send({ type: 'hello', version: 1, serverTime: now, maxUpdatesPerSecond: 4, heartbeatMs: 1000 });
      socket.send({
        type: 'update',
        serverTime: now,
        series: {
          topic: 'trunk_status,switch=ss0,trunk=trunk-0001',
          measurement: 'trunk_status',
          tags: { switch: 'ss0', trunk: 'trunk-0001' },
          fields: { up: 0, state: 'down' },
          time: now,
        },
      });
      vi.advanceTimersByTime(20);
    });
    const tiles = screen.getAllByTestId('link-tile');
    expect(tiles[0]).toHaveAttribute('data-state', 'down');
    expect(tiles[0]).toHaveAttribute('data-name', 'trunk-0001');

    // The collector stops: the socket closes and no heartbeat comes back.
    await act(async () => {
      socket.drop();
      vi.advanceTimersByTime(1100);
    });
    expect(screen.getByTestId('callboard-panel')).toHaveAttribute('data-freshness', 'stale');
    expect(screen.getByTestId('status-badge')).toHaveTextContent('live link lost, reconnecting');
  });
});
