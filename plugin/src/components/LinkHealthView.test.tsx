import React from 'react';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { buildLinksView, type LinksViewModel } from '../data/links';
import { readFrames } from '../data/series';
import { linksInput, trunkFrames } from '../testing/frames';
import { renderThemed } from '../testing/render';
import { ViewFrame } from './ViewFrame';

const NOW = 1_795_624_600_000;

function model(count: number, downEvery?: number, at = NOW - 1000): LinksViewModel {
  return buildLinksView(linksInput(NOW, { frames: readFrames(trunkFrames(count, at, { downEvery })) }));
}

describe('Link health view', () => {
  it('gives each state a shape and a label, not only a colour', () => {
    const m = buildLinksView(
      linksInput(NOW, {
        frames: [
          { metric: 'state', labels: { switch: 's', trunk: 'a' }, times: [NOW], values: ['up'] },
          { metric: 'state', labels: { switch: 's', trunk: 'b' }, times: [NOW], values: ['down'] },
          { metric: 'state', labels: { switch: 's', trunk: 'c' }, times: [NOW], values: ['probing'] },
          { metric: 'state', labels: { switch: 's', trunk: 'd' }, times: [NOW - 60_000], values: ['up'] },
        ],
      })
    );
    renderThemed(<ViewFrame model={m} width={1920} height={1080} />);
    const tiles = screen.getAllByTestId('link-tile');
    expect(tiles.map((t) => t.dataset.state)).toEqual(['down', 'degraded', 'stale', 'ok']);
    expect(tiles.map((t) => t.querySelector('svg')?.getAttribute('data-shape'))).toEqual([
      'down',
      'degraded',
      'stale',
      'ok',
    ]);
    expect(tiles.map((t) => t.textContent)).toEqual([
      'bDOWNnot answering OPTIONS',
      'cDEGRADEDprobing',
      '?dSTALEno update for 60 s',
      'aOK',
    ]);
    expect(tiles[0]).toHaveAttribute('title', expect.stringContaining('s / b: DOWN'));
    const fills = new Set(tiles.map((t) => t.style.background));
    expect(fills.size).toBe(4);
    expect(screen.getByTestId('links-summary')).toHaveTextContent('1 DOWN1 DEGRADED?1 STALE1 OK');
  });

  it('renders 1,000 tiles, worst first, and re-renders an update quickly', () => {
    const first = model(1000, 97);
    const t0 = performance.now();
    const { rerenderThemed } = renderThemed(<ViewFrame model={first} width={1920} height={1080} />);
    const mountMs = performance.now() - t0;
    const tiles = screen.getAllByTestId('link-tile');
    expect(tiles).toHaveLength(1000);
    expect(tiles.slice(0, 11).every((t) => t.dataset.state === 'down')).toBe(true);
    const box = tiles[0]!.style;
    expect(parseFloat(box.width)).toBeGreaterThan(30);

    const second = model(1000, 89);
    const t1 = performance.now();
    rerenderThemed(<ViewFrame model={second} width={1920} height={1080} />);
    const updateMs = performance.now() - t1;
    expect(screen.getAllByTestId('link-tile').filter((t) => t.dataset.state === 'down')).toHaveLength(12);
    // jsdom is far slower than Chromium; these bounds catch an accidental O(n²), the bench measures the real cost.
    expect(mountMs).toBeLessThan(8000);
    expect(updateMs).toBeLessThan(4000);
  });

  it('turns all tiles stale with a STALE badge when the data is old', () => {
    renderThemed(<ViewFrame model={model(20, undefined, NOW - 30_000)} width={800} height={600} />, 'light');
    expect(screen.getByTestId('status-badge')).toHaveTextContent('STALE');
    expect(screen.getAllByTestId('link-tile').every((t) => t.dataset.state === 'stale')).toBe(true);
  });

  it('says NO DATA with no links at all', () => {
    renderThemed(<ViewFrame model={model(0)} width={800} height={600} />);
    expect(screen.getByTestId('status-badge')).toHaveTextContent('NO DATA');
    expect(screen.queryAllByTestId('link-tile')).toHaveLength(0);
  });
});

describe('Link health roll-up', () => {
  it('shows one tile per switch in its worst state, with the count and what is wrong', () => {
    const frames = readFrames(trunkFrames(40, NOW - 1000, { switches: 4, downEvery: 8 }));
    const rolled = buildLinksView(linksInput(NOW, { frames, rollUp: true }));
    renderThemed(<ViewFrame model={rolled} width={1920} height={1080} />);
    const tiles = screen.getAllByTestId('link-tile');
    // trunks 0, 8, 16, 24, 32 are down: all on ss0 (i % 4 === 0).
    expect(tiles.map((t) => [t.dataset.name, t.dataset.state])).toEqual([
      ['ss0', 'down'],
      ['ss1', 'ok'],
      ['ss2', 'ok'],
      ['ss3', 'ok'],
    ]);
    expect(tiles[0]).toHaveTextContent('DOWN · 10');
    expect(tiles[0]).toHaveTextContent('5 down');
    expect(tiles[0]).toHaveAttribute('title', 'ss0: 10 links, 5 down');
    expect(screen.getByTestId('links-summary')).toHaveTextContent('5 DOWN');
  });
});
