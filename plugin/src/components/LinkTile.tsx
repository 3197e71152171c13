import React from 'react';
import type { GrafanaTheme2 } from '@grafana/data';
import type { LinkTile as Tile } from '../data/links';
import { stateStyle } from '../palette';
import { StateIcon } from './StateIcon';

interface Props {
  tile: Tile;
  width: number;
  height: number;
  theme: GrafanaTheme2;
}

/**
 * One tile: shape + label + name, the reason when there is room, details in the tooltip.
 * Memoised on what it shows, so a live update re-renders only the tiles that changed.
 */
export const LinkTile = React.memo(
  function LinkTile({ tile, width, height, theme }: Props) {
    const style = stateStyle(tile.state, theme);
    const roomy = height >= 56 && width >= 110;
    // Scales with the tile so a handful of trunks reads from across the room; the name must fit its width.
    const fontPx = Math.max(
      9,
      Math.min(96, height / (roomy ? 4.2 : 2.6), width / Math.max(7, tile.name.length * 0.7 + 2))
    );
    const iconPx = Math.max(8, Math.min(fontPx * 1.3, height * 0.45));
    return (
      <div
        data-testid="link-tile"
        data-state={tile.state}
        data-name={tile.name}
        title={tile.details}
        style={{
          width,
          height,
          boxSizing: 'border-box',
          // Fixed-size tiles: one tile's change must not make the browser lay out the other 999.
          contain: 'strict',
          background: style.fill,
          color: style.text,
          border: `2px ${style.borderStyle} ${style.border}`,
          borderRadius: 3,
          overflow: 'hidden',
          padding: 2,
          display: 'flex',
          flexDirection: 'column',
          justifyContent: 'center',
          alignItems: 'center',
          fontSize: fontPx,
          lineHeight: 1.15,
          textAlign: 'center',
        }}
      >
        <div style={{ display: 'flex', alignItems: 'center', gap: 3, maxWidth: '100%' }}>
          <StateIcon state={tile.state} size={iconPx} color={style.text} contrast={style.fill} />
          {width >= 40 && (
            // Narrow tiles cut the name at its start: "…0042" tells trunks apart, "trunk-…" does not.
            // (rtl for the ellipsis side; the LRMs keep "trunk-0042" in its own order.)
            <span
              style={{
                fontWeight: 700,
                overflow: 'hidden',
                textOverflow: 'ellipsis',
                whiteSpace: 'nowrap',
                direction: roomy ? 'ltr' : 'rtl',
              }}
            >
              {roomy ? tile.name : `\u200e${tile.name}\u200e`}
            </span>
          )}
        </div>
        {roomy && (
          <div style={{ fontWeight: 700, letterSpacing: 1 }}>
            {style.label}
            {tile.count > 1 ? ` · ${tile.count}` : ''}
          </div>
        )}
        {roomy && tile.reason && (
          <div
            style={{
              fontSize: fontPx * 0.8,
              overflow: 'hidden',
              textOverflow: 'ellipsis',
              whiteSpace: 'nowrap',
              maxWidth: '100%',
            }}
          >
            {tile.reason}
          </div>
        )}
      </div>
    );
  },
  (a, b) =>
    a.width === b.width &&
    a.height === b.height &&
    a.theme === b.theme &&
    a.tile.id === b.tile.id &&
    a.tile.state === b.tile.state &&
    a.tile.reason === b.tile.reason &&
    a.tile.details === b.tile.details &&
    a.tile.count === b.tile.count
);
