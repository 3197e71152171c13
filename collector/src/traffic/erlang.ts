/**
 * Erlang B: the probability that a call offered to `circuits` trunks carrying `traffic` Erlangs
 * finds all of them busy (blocked calls cleared). Computed with the inverse recurrence
 * 1/B(n) = 1 + (n/A)·1/B(n−1), which needs no factorials or powers, so it stays exact and fast
 * for thousands of circuits (10,000 E takes ~10,000 steps).
 */
export function erlangB(traffic: number, circuits: number): number {
  assertTraffic(traffic);
  if (!Number.isInteger(circuits) || circuits < 0) throw new RangeError(`circuits must be a whole number >= 0, got ${circuits}`);
  if (traffic === 0) return circuits === 0 ? 1 : 0;
  let inverse = 1;
  for (let n = 1; n <= circuits; n++) {
    inverse = 1 + (n / traffic) * inverse;
    if (inverse === Infinity) return 0; // below the smallest double: no blocking to speak of
  }
  return 1 / inverse;
}

/** The fewest circuits whose blocking is at most `gos`, and that blocking. */
export function circuitsFor(traffic: number, gos: number): { circuits: number; blocking: number } {
  assertTraffic(traffic);
  if (!(gos > 0 && gos < 1)) throw new RangeError(`grade of service must be between 0 and 1 (e.g. 0.01), got ${gos}`);
  if (traffic === 0) return { circuits: 0, blocking: 0 };
  let inverse = 1;
  for (let n = 1; ; n++) {
    inverse = 1 + (n / traffic) * inverse;
    if (1 / inverse <= gos) return { circuits: n, blocking: 1 / inverse };
  }
}

/** The most traffic `circuits` can carry at blocking `gos` (the number Erlang tables print). */
export function trafficFor(circuits: number, gos: number): number {
  if (!(gos > 0 && gos < 1)) throw new RangeError(`grade of service must be between 0 and 1, got ${gos}`);
  let low = 0;
  let high = Math.max(1, circuits * 2);
  while (erlangB(high, circuits) < gos) high *= 2;
  for (let i = 0; i < 100 && high - low > 1e-9 * high; i++) {
    const mid = (low + high) / 2;
    if (erlangB(mid, circuits) > gos) high = mid;
    else low = mid;
  }
  return (low + high) / 2;
}

function assertTraffic(traffic: number): void {
  if (!Number.isFinite(traffic) || traffic < 0) throw new RangeError(`traffic must be a finite number of Erlangs >= 0, got ${traffic}`);
}
