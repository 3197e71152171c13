// @vitest-environment node
import { describe, expect, it } from 'vitest';
import {
  applyLiveMessage,
  EMPTY_LIVE_STATE,
  liveMetricSeries,
  liveSilent,
  parseLiveMessage,
  type LiveSeries,
} from './live';

const series = (topic: string, fields: Record<string, unknown>, time: number): LiveSeries => {
  const [measurement, ...tags] = topic.split(',');
  return {
    topic,
    measurement: measurement!,
    tags: Object.fromEntries(tags.map((t) => t.split('=') as [string, string])),
    fields,
    time,
  };
};

describe('live messages', () => {
  it('parses the four message types and ignores anything else', () => {
    expect(parseLiveMessage('{"type":"heartbeat","serverTime":1}')).toEqual({ type: 'heartbeat', serverTime: 1 });
    expect(parseLiveMessage('not json')).toBeNull();
    expect(parseLiveMessage('{"type":"update","serverTime":1,"series":{"topic":1}}')).toBeNull();
    expect(parseLiveMessage('{"type":"gossip","serverTime":1}')).toBeNull();
    expect(parseLiveMessage('{"type":"snapshot","series":[]}')).toBeNull();
  });

  it('folds hello, snapshot and updates into the newest series per topic, in local time', () => {
    let state = applyLiveMessage(
      EMPTY_LIVE_STATE,
      { type: 'hello', version: 1, serverTime: 10_500, maxUpdatesPerSecond: 4, heartbeatMs: 5000 },
      10_000
    );
    expect(state).toMatchObject({ heartbeatMs: 5000, lastMessageAt: 10_000, clockOffsetMs: 500, revision: 0 });
    state = applyLiveMessage(
      state,
      {
        type: 'snapshot',
        serverTime: 10_500,
        series: [
          series('softswitch_calls,switch=ss1', { active: 3 }, 10_400),
          series('trunk_status,switch=ss1,trunk=a', { state: 'up', up: 1 }, 10_400),
        ],
      },
      10_000
    );
    state = applyLiveMessage(
      state,
      { type: 'update', serverTime: 11_500, series: series('softswitch_calls,switch=ss1', { active: 4 }, 11_400) },
      11_000
    );
    expect(state.revision).toBe(2);
    expect(liveMetricSeries(state, 'softswitch_calls')).toEqual([
      { metric: 'active', labels: { switch: 'ss1' }, times: [10_900], values: [4] },
    ]);
    expect(liveMetricSeries(state, 'trunk_status').map((s) => s.metric)).toEqual(['state', 'up']);
  });

  it('a snapshot after a reconnect drops series that disappeared', () => {
    let state = applyLiveMessage(
      EMPTY_LIVE_STATE,
      { type: 'snapshot', serverTime: 1, series: [series('trunk_status,trunk=a', { up: 1 }, 1)] },
      1
    );
    state = applyLiveMessage(state, { type: 'snapshot', serverTime: 2, series: [] }, 2);
    expect(state.series.size).toBe(0);
  });

  it('is silent after three heartbeats without any message, or before the first', () => {
    const state = applyLiveMessage(
      EMPTY_LIVE_STATE,
      { type: 'hello', version: 1, serverTime: 0, maxUpdatesPerSecond: 4, heartbeatMs: 1000 },
      0
    );
    expect(liveSilent(state, 3000)).toBe(false);
    expect(liveSilent(state, 3001)).toBe(true);
    expect(liveSilent(EMPTY_LIVE_STATE, 0)).toBe(true);
  });
});
