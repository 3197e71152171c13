// Local days in the carrier's zone, for 1d backfills: a GROUP BY time(1d) tz() query must start
// exactly at a local midnight, or its first bucket is partial.

const HOUR = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar date at an instant, as "MM/DD/YYYY" (only compared for equality). */
function localDate(ms: number, timeZone: string): string {
  return formatter(timeZone).format(ms);
}

/**
 * The first instant (whole second) of the local day that contains `ms`. Found by bisection on
 * "same local date", so it is right on DST days and in zones whose midnight can be skipped
 * (a day that starts at 01:00 after a midnight spring-forward).
 */
export function startOfLocalDay(ms: number, timeZone: string): number {
  const date = localDate(ms, timeZone);
  let inside = Math.floor(ms / 1000); // seconds; known to be in the day
  let outside = inside - 27 * 3600; // known to be before it (days are at most 25-26 h long)
  while (localDate(outside * 1000, timeZone) === date) outside -= 24 * 3600;
  while (inside - outside > 1) {
    const mid = Math.floor((inside + outside) / 2);
    if (localDate(mid * 1000, timeZone) === date) inside = mid;
    else outside = mid;
  }
  return inside * 1000;
}

/** The first instant of the local day after the one that contains `ms`. */
export function startOfNextLocalDay(ms: number, timeZone: string): number {
  return startOfLocalDay(startOfLocalDay(ms, timeZone) + 26 * HOUR, timeZone);
}
