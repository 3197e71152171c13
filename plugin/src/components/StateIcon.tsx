import React from 'react';
import type { LinkState } from '../types';

interface Props {
  state: LinkState;
  size: number;
  color: string;
  /** Colour of marks drawn on the shape (the cross of down): the background the icon sits on. */
  contrast: string;
}

/**
 * A distinct shape per state, so state reads without colour: ok a filled circle, degraded a
 * triangle, down a square with a cross, stale a dashed ring with a question mark.
 */
export const StateIcon = React.memo(function StateIcon({ state, size, color, contrast }: Props) {
  return (
    <svg width={size} height={size} viewBox="0 0 20 20" aria-hidden="true" data-shape={state} style={{ flex: 'none' }}>
      {state === 'ok' && <circle cx="10" cy="10" r="8" fill={color} />}
      {state === 'degraded' && <path d="M10 2 L18.5 17.5 L1.5 17.5 Z" fill={color} />}
      {state === 'down' && (
        <g>
          <rect x="2" y="2" width="16" height="16" fill={color} />
          <path d="M6 6 L14 14 M14 6 L6 14" strokeWidth="2.5" stroke={contrast} />
        </g>
      )}
      {state === 'stale' && (
        <g>
          <circle cx="10" cy="10" r="8" fill="none" stroke={color} strokeWidth="2" strokeDasharray="3 2" />
          <text x="10" y="14.5" fontSize="12" textAnchor="middle" fill={color} fontWeight="bold">
            ?
          </text>
        </g>
      )}
    </svg>
  );
});
