import type { Freshness } from '../types';

/**
 * Fresh when the newest point is younger than `staleAfterMs`; stale when older, or when the
 * live link that should be feeding us has gone silent; nodata when nothing arrived at all.
 */
export function freshnessOf(
  newestTime: number | null,
  now: number,
  staleAfterMs: number,
  liveSilent = false
): Freshness {
  if (newestTime === null || Number.isNaN(newestTime)) {
    return 'nodata';
  }
  if (liveSilent || now - newestTime > staleAfterMs) {
    return 'stale';
  }
  return 'fresh';
}

export function newest(times: Iterable<number>): number | null {
  let best: number | null = null;
  for (const t of times) {
    if (Number.isFinite(t) && (best === null || t > best)) {
      best = t;
    }
  }
  return best;
}
