/** "—" for no data: an empty figure must never read as 0. */
export const NO_VALUE = '—';

export function formatCount(value: number | null): string {
  if (value === null) {
    return NO_VALUE;
  }
  return Math.round(value).toLocaleString('en-US');
}

export function formatMinutes(value: number | null): string {
  if (value === null) {
    return NO_VALUE;
  }
  return Math.round(value).toLocaleString('en-US');
}

export function formatPercent(value: number | null, digits = 1): string {
  if (value === null) {
    return NO_VALUE;
  }
  return `${value.toFixed(digits)} %`;
}

/** Compact for the record and forecast lines: 1.2 M, 830 k. */
export function formatCompact(value: number | null): string {
  if (value === null) {
    return NO_VALUE;
  }
  const abs = Math.abs(value);
  if (abs >= 1e6) {
    return `${(value / 1e6).toFixed(abs >= 1e7 ? 0 : 1)} M`;
  }
  if (abs >= 1e4) {
    return `${Math.round(value / 1e3)} k`;
  }
  return Math.round(value).toLocaleString('en-US');
}
