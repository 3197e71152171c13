import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket } from '../testing/fakeWebSocket';
import { useLive } from './useLive';

describe('useLive', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'setInterval', 'requestAnimationFrame', 'cancelAnimationFrame', 'Date'],
    });
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('is off without a usable URL, and opens nothing', () => {
    const { result } = renderHook(() => useLive({ enabled: true, url: 'not a url', token: '' }, []));
    expect(result.current.status).toBe('off');
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it('never shows the previous collector’s data after the URL changes', async () => {
    const { result, rerender } = renderHook(({ url }) => useLive({ enabled: true, url, token: '' }, ['trunk_status']), {
      initialProps: { url: 'ws://a/live' },
    });
    await act(async () => {
      FakeWebSocket.last().open();
      FakeWebSocket.last().send({
        type: 'snapshot',
        serverTime: 1,
        series: [
          {
            topic: 'trunk_status,trunk=x',
            measurement: 'trunk_status',
            tags: { trunk: 'x' },
            fields: { state: 'up' },
            time: 1,
          },
        ],
      });
      vi.advanceTimersByTime(20);
    });
    expect(result.current.state.series.size).toBe(1);
    rerender({ url: 'ws://b/live' });
    expect(result.current.status).toBe('connecting');
    expect(result.current.state.series.size).toBe(0);
    expect(FakeWebSocket.instances[0]!.closed).toBe(true);
    expect(FakeWebSocket.last().url).toBe('ws://b/live?measurements=trunk_status');
  });

  it('hands a burst of messages to React as one update per frame', async () => {
    let renders = 0;
    renderHook(() => {
      renders++;
      return useLive({ enabled: true, url: 'ws://a/live', token: '' }, []);
    });
    const before = renders;
    await act(async () => {
      FakeWebSocket.last().open();
      for (let i = 0; i < 50; i++) {
        FakeWebSocket.last().send({
          type: 'update',
          serverTime: i,
          series: { topic: `t${i}`, measurement: 'trunk_status', tags: {}, fields: {}, time: i },
        });
      }
      vi.advanceTimersByTime(20);
    });
    expect(renders - before).toBe(1);
  });
});
