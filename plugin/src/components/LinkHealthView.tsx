import React from 'react';
import { useTheme2 } from '@grafana/ui';
import type { LinksViewModel } from '../data/links';
import { gridLayout } from '../data/grid';
import { panelColors, stateStyle } from '../palette';
import type { LinkState } from '../types';
import { LinkTile } from './LinkTile';
import { StateIcon } from './StateIcon';

interface Props {
  model: LinksViewModel;
  width: number;
  height: number;
}

const SUMMARY_ORDER: LinkState[] = ['down', 'degraded', 'stale', 'ok'];
const GAP = 4;

/** Worst-first grid of tiles with a per-state summary line; sizes follow the panel. */
export function LinkHealthView({ model, width, height }: Props) {
  const theme = useTheme2();
  const colors = panelColors(theme);
  const summaryPx = Math.max(12, Math.min(40, height * 0.035));
  const gridHeight = height - summaryPx * 1.8;
  const layout = gridLayout(model.tiles.length, width, gridHeight, GAP);
  return (
    <div data-testid="links-view" style={{ width, height }}>
      <div
        data-testid="links-summary"
        style={{
          display: 'flex',
          gap: summaryPx,
          fontSize: summaryPx,
          height: summaryPx * 1.8,
          alignItems: 'center',
          color: colors.text,
        }}
      >
        {SUMMARY_ORDER.map((state) => (
          <span
            key={state}
            data-state={state}
            data-count={model.totals[state]}
            style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
          >
            <StateIcon
              state={state}
              size={summaryPx}
              color={state === 'stale' ? colors.muted : stateStyle(state, theme).fill}
              contrast={stateStyle(state, theme).text}
            />
            {model.totals[state]} {stateStyle(state, theme).label}
          </span>
        ))}
      </div>
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: `repeat(${layout.columns}, ${layout.cellWidth}px)`,
          gridAutoRows: `${layout.cellHeight}px`,
          gap: GAP,
          contain: 'strict',
          width,
          height: gridHeight,
        }}
      >
        {model.tiles.map((tile) => (
          <LinkTile key={tile.id} tile={tile} width={layout.cellWidth} height={layout.cellHeight} theme={theme} />
        ))}
      </div>
    </div>
  );
}
