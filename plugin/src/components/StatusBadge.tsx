import React from 'react';
import { useTheme2 } from '@grafana/ui';
import type { Freshness } from '../types';
import { panelColors, stateStyle } from '../palette';
import { StateIcon } from './StateIcon';

interface Props {
  freshness: Freshness;
  /** Shown with STALE: how old the data is. */
  ageText?: string;
  size: number;
}

/** The unmissable STALE / NO DATA marker: icon + word, never just a tint. */
export function StatusBadge({ freshness, ageText, size }: Props) {
  const theme = useTheme2();
  if (freshness === 'fresh') {
    return null;
  }
  const style = stateStyle('stale', theme);
  const colors = panelColors(theme);
  const label = freshness === 'stale' ? 'STALE' : 'NO DATA';
  const color = freshness === 'stale' ? style.text : colors.noData;
  return (
    <div
      data-testid="status-badge"
      data-freshness={freshness}
      role="status"
      style={{
        display: 'inline-flex',
        alignItems: 'center',
        gap: size / 3,
        padding: `${size / 6}px ${size / 2}px`,
        border: `2px ${style.borderStyle} ${style.border}`,
        borderRadius: 4,
        color,
        background: style.fill,
        fontSize: size,
        fontWeight: 700,
        lineHeight: 1,
      }}
    >
      <StateIcon state="stale" size={size} color={color} contrast={style.fill} />
      <span>{label}</span>
      {ageText && <span style={{ fontWeight: 400, fontSize: size * 0.7 }}>{ageText}</span>}
    </div>
  );
}
