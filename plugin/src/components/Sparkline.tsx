import React from 'react';

interface Props {
  points: Array<[number, number]>;
  width: number;
  height: number;
  color: string;
}

/** A plain SVG polyline: cheap enough to redraw on every live update, no axes to read from afar. */
export function Sparkline({ points, width, height, color }: Props) {
  if (points.length < 2 || width <= 0 || height <= 0) {
    return <svg width={width} height={height} data-testid="sparkline" data-points={points.length} />;
  }
  const t0 = points[0]![0];
  const t1 = points[points.length - 1]![0];
  const max = Math.max(1, ...points.map((p) => p[1]));
  const x = (t: number) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * width);
  const y = (v: number) => height - 2 - (v / max) * (height - 4);
  const d = points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return (
    <svg
      width={width}
      height={height}
      data-testid="sparkline"
      data-points={points.length}
      role="img"
      aria-label="active calls, last hour"
    >
      <polyline points={d} fill="none" stroke={color} strokeWidth={Math.max(2, height / 30)} strokeLinejoin="round" />
    </svg>
  );
}
