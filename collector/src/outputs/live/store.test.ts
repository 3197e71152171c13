import { afterEach, describe, expect, it, vi } from 'vitest';
import { LiveHub } from './hub.js';
import { LiveStore, type LiveSeries } from './store.js';

const m = (fields: Record<string, number>, time: number, liveOnly = false) => ({
  measurement: 'softswitch_calls', tags: { switch: 'ss1' }, fields, time, destination: liveOnly ? ('live' as const) : ('all' as const),
});

describe('LiveStore', () => {
  it('merges fields from polls and events into one series and reports changes only', () => {
    const store = new LiveStore();
    const changes: LiveSeries[] = [];
    store.subscribe((s) => changes.push(s));
    store.write([m({ active: 3, attempts: 5 }, 1000)]);
    store.write([m({ active: 4 }, 1100, true)]);
    store.write([m({ active: 4 }, 1200, true)]); // same value: refresh time, no push
    expect(changes.map((c) => c.fields)).toEqual([{ active: 3, attempts: 5 }, { active: 4, attempts: 5 }]);
    expect(store.get('softswitch_calls,switch=ss1')).toMatchObject({ time: 1200, fields: { active: 4, attempts: 5 } });
  });

  it('ignores a live event older than the latest poll', () => {
    const store = new LiveStore();
    store.write([m({ active: 7 }, 2000)]);
    store.write([m({ active: 6 }, 1500, true)]);
    expect(store.get('softswitch_calls,switch=ss1')!.fields.active).toBe(7);
  });

  it('keeps storage-only metrics out of the live view', () => {
    const store = new LiveStore();
    store.write([{ ...m({ active: 9 }, 1000), destination: 'storage' }]);
    expect(store.all()).toEqual([]);
  });

  it('expires series that stopped reporting', () => {
    const store = new LiveStore(1000);
    store.write([m({ active: 1 }, 0)]);
    store.sweep(500);
    expect(store.all()).toHaveLength(1);
    store.sweep(1001);
    expect(store.all()).toHaveLength(0);
  });
});

describe('LiveHub', () => {
  afterEach(() => vi.useRealTimers());

  it('pushes the first change at once and coalesces a burst to the configured rate, ending on the newest value', async () => {
    vi.useFakeTimers();
    const store = new LiveStore();
    const hub = new LiveHub(store, 4);
    hub.start();
    const sent: { t: number; active: unknown }[] = [];
    hub.add((s) => sent.push({ t: Date.now(), active: s.fields.active }));
    const start = Date.now();
    for (let i = 1; i <= 100; i++) {
      store.write([m({ active: i }, start + i * 10)]);
      await vi.advanceTimersByTimeAsync(10);
    }
    await vi.advanceTimersByTimeAsync(500);
    hub.stop();
    expect(sent[0]).toEqual({ t: start, active: 1 });
    expect(sent.at(-1)!.active).toBe(100);
    expect(sent.length).toBeLessThanOrEqual(1 + Math.ceil((1000 + 250) / 250));
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.t - sent[i - 1]!.t).toBeGreaterThanOrEqual(249);
  });
});
