import { describe, expect, it } from 'vitest';
import { linksInput, trunkFrames } from '../testing/frames';
import { buildLinksView, rollUp, type LinksInput } from './links';
import { readFrames, type MetricSeries } from './series';

const NOW = 1_795_624_600_000;
const trunk = (sw: string, name: string, metric: string, value: number | string, time = NOW - 1000): MetricSeries => ({
  metric,
  labels: { switch: sw, trunk: name },
  times: [time],
  values: [value],
});

const input = (overrides: Partial<LinksInput>) => linksInput(NOW, overrides);

describe('buildLinksView', () => {
  it('maps trunk states to tile states with reasons, worst first', () => {
    const model = buildLinksView(
      input({
        degradedLatencyMs: 200,
        frames: [
          trunk('ss1', 'a', 'state', 'up'),
          trunk('ss1', 'b', 'state', 'down'),
          trunk('ss1', 'c', 'state', 'up'),
          trunk('ss1', 'c', 'latency_avg_ms', 250),
          trunk('ss2', 'd', 'state', 'up', NOW - 60_000),
          trunk('ss2', 'e', 'state', 'disabled'),
        ],
      })
    );
    expect(model.tiles.map((t) => [t.name, t.state, t.reason])).toEqual([
      ['b', 'down', 'not answering OPTIONS'],
      ['c', 'degraded', 'latency 250 ms'],
      ['e', 'degraded', 'disabled'],
      ['d', 'stale', 'no update for 60 s'],
      ['a', 'ok', ''],
    ]);
    expect(model.totals).toEqual({ down: 1, degraded: 2, stale: 1, ok: 1 });
    expect(model.freshness).toBe('fresh');
    expect(model.tiles[0]!.details).toContain('ss1 / b: DOWN');
  });

  it('uses `up` when there is no state field, and a newer live sample wins', () => {
    const model = buildLinksView(
      input({ frames: [trunk('ss1', 'a', 'up', 1, NOW - 5000)], live: [trunk('ss1', 'a', 'state', 'down', NOW - 100)] })
    );
    expect(model.tiles[0]!.state).toBe('down');
    const old = buildLinksView(
      input({
        frames: [trunk('ss1', 'a', 'state', 'down', NOW - 100)],
        live: [trunk('ss1', 'a', 'state', 'up', NOW - 5000)],
      })
    );
    expect(old.tiles[0]!.state).toBe('down');
  });

  it('dates a tile by the sample that decides its state, never by a fresher field beside it', () => {
    // A state from 10 minutes ago next to a latency from a second ago (another query, another selector): stale, not ok.
    const model = buildLinksView(
      input({
        frames: [trunk('ss1', 'a', 'state', 'up', NOW - 600_000), trunk('ss1', 'a', 'latency_avg_ms', 4, NOW - 1000)],
      })
    );
    expect([model.tiles[0]!.state, model.tiles[0]!.reason]).toEqual(['stale', 'no update for 600 s']);
    // A newer `up` than `state` decides, with its own time.
    const upNewer = buildLinksView(
      input({ frames: [trunk('ss1', 'a', 'state', 'up', NOW - 600_000), trunk('ss1', 'a', 'up', 0, NOW - 1000)] })
    );
    expect([upNewer.tiles[0]!.state, upNewer.tiles[0]!.reason]).toEqual(['down', 'not answering OPTIONS']);
    // Rows of a multi-selector query carry the range start, never later than the sample: they err towards stale only.
    const rangeStart = NOW - 600_000;
    const multi = buildLinksView(
      input({
        frames: ['state', 'up', 'latency_avg_ms'].map((f) =>
          trunk('ss1', 'a', f, f === 'state' ? 'up' : 1, rangeStart)
        ),
      })
    );
    expect(multi.tiles[0]!.state).toBe('stale');
    // Known to come from such a query (Grafana's executed query), the tile says its age is unknown rather than 600 s.
    const flagged = buildLinksView(
      input({ frames: [{ ...trunk('ss1', 'a', 'state', 'up', rangeStart), rangeStamped: true }] })
    );
    expect([flagged.tiles[0]!.state, flagged.tiles[0]!.reason]).toEqual([
      'stale',
      'age unknown: query dates rows at its range start',
    ]);
    // Dated at a range start that is itself recent, the sample is at least that recent: ok.
    const recent = buildLinksView(
      input({ frames: [{ ...trunk('ss1', 'a', 'state', 'up', NOW - 5000), rangeStamped: true }] })
    );
    expect(recent.tiles[0]!.state).toBe('ok');
  });

  it('turns every tile stale when the live link is silent, and reports nodata without links', () => {
    const model = buildLinksView(input({ frames: [trunk('ss1', 'a', 'state', 'up')], liveSilent: true }));
    expect(model.tiles[0]!.state).toBe('stale');
    expect(model.freshness).toBe('stale');
    expect(buildLinksView(input({})).freshness).toBe('nodata');
  });

  it('rolls up by group: one tile per switch in its worst state with counts', () => {
    const frames = [
      trunk('ss1', 'a', 'state', 'up'),
      trunk('ss1', 'b', 'state', 'down'),
      trunk('ss2', 'c', 'state', 'up'),
    ];
    const model = buildLinksView(input({ frames, rollUp: true }));
    expect(model.tiles.map((t) => [t.name, t.state, t.count, t.reason])).toEqual([
      ['ss1', 'down', 2, '1 down'],
      ['ss2', 'ok', 1, ''],
    ]);
    expect(rollUp([])).toEqual([]);
  });

  it('handles 1,000 links from query frames well within a frame budget', () => {
    const series = readFrames(trunkFrames(1000, NOW - 1000, { downEvery: 97 }));
    const start = performance.now();
    const model = buildLinksView(input({ frames: series }));
    const elapsed = performance.now() - start;
    expect(model.tiles).toHaveLength(1000);
    expect(model.totals.down).toBe(11);
    expect(model.tiles.slice(0, 11).every((t) => t.state === 'down')).toBe(true);
    expect(model.tiles.slice(11).every((t) => t.state === 'ok')).toBe(true);
    expect(elapsed).toBeLessThan(50); // jsdom on a shared 2-core box; the browser bench measures the real figure
  });
});
