import { describe, expect, it } from 'vitest';
import { LinkTracker, worst, type Verdict } from './state.js';

const ok: Verdict = { state: 'ok', reasons: [] };
const down = (reason: string): Verdict => ({ state: 'down', reasons: [reason] });
const degraded = (reason: string): Verdict => ({ state: 'degraded', reasons: [reason] });

describe('LinkTracker', () => {
  it('goes down within one observation and back to ok only after the hold period', () => {
    const t = new LinkTracker(30_000, 45_000);
    expect(t.observe(ok, 0)?.state).toBe('ok');
    expect(t.observe(down('LOS'), 15_000)).toMatchObject({ state: 'down', reasons: ['LOS'], since: 15_000 });
    expect(t.observe(ok, 30_000)).toBeUndefined();
    expect(t.observe(ok, 45_000)).toBeUndefined();
    expect(t.observe(ok, 60_000)).toMatchObject({ state: 'ok', since: 60_000 });
  });

  it('changes state at most once per hold period for a value oscillating around a threshold', () => {
    const t = new LinkTracker(30_000, 45_000);
    const changes: string[] = [];
    for (let time = 0; time <= 300_000; time += 5000) {
      const verdict = (time / 5000) % 2 === 0 ? ok : degraded('utilisation 94 %');
      const change = t.observe(verdict, time);
      if (change) changes.push(`${time}:${change.state}`);
    }
    expect(changes).toEqual(['0:ok', '5000:degraded']);
  });

  it('an interrupted recovery starts its hold period again', () => {
    const t = new LinkTracker(30_000, 1e9);
    t.observe(down('oper down'), 0);
    t.observe(ok, 10_000);
    t.observe(down('oper down'), 20_000);
    expect(t.observe(ok, 45_000)).toBeUndefined();
    expect(t.observe(ok, 75_000)?.state).toBe('ok');
  });

  it('recovers from down to degraded to ok, each after holding', () => {
    const t = new LinkTracker(10_000, 1e9);
    t.observe(down('LOS'), 0);
    expect(t.observe(degraded('errors 2.3 %'), 5000)).toBeUndefined();
    expect(t.observe(degraded('errors 2.3 %'), 15_000)).toMatchObject({ state: 'degraded', reasons: ['errors 2.3 %'] });
    expect(t.observe(ok, 20_000)).toBeUndefined();
    expect(t.observe(ok, 30_000)?.state).toBe('ok');
  });

  it('reports new reasons within the same state', () => {
    const t = new LinkTracker(10_000, 1e9);
    t.observe(degraded('MOS 3.4 < 3.6'), 0);
    expect(t.observe(degraded('MOS 3.4 < 3.6'), 1000)).toBeUndefined();
    expect(t.observe(degraded('MOS 3.2 < 3.6'), 2000)).toMatchObject({ state: 'degraded', reasons: ['MOS 3.2 < 3.6'], since: 0 });
  });

  it('turns stale when the source stops reporting, distinct from ok, and takes the next observation at once', () => {
    const t = new LinkTracker(30_000, 45_000);
    t.observe(ok, 0);
    expect(t.checkStale(44_999)).toBeUndefined();
    expect(t.checkStale(45_000)).toMatchObject({ state: 'stale', reasons: ['no data for 45 s'] });
    expect(t.checkStale(90_000)).toBeUndefined();
    expect(t.observe(ok, 100_000)).toMatchObject({ state: 'ok', since: 100_000 });
  });
});

describe('worst', () => {
  it('orders down > stale > degraded > ok', () => {
    expect(worst(['ok', 'degraded', 'stale'])).toBe('stale');
    expect(worst(['ok', 'down', 'stale'])).toBe('down');
    expect(worst([])).toBe('ok');
  });
});
