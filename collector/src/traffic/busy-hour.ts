import { circuitsFor, erlangB } from './erlang.js';

/** Carried traffic of one quarter hour: minutes of use in it / 15 = Erlangs. */
export interface QuarterHour {
  /** Start of the quarter hour, ms since the epoch. */
  start: number;
  erlangs: number;
}

export interface BusyHour {
  /** Local start time of the busy hour, "HH:MM" in the zone given. */
  start: string;
  /** Mean traffic of that hour over the days used. */
  erlangs: number;
  /** The local days (YYYY-MM-DD) averaged. */
  days: string[];
}

const QUARTERS_PER_DAY = 96;

/** One formatter per zone: building one costs far more than using it, and the advice runs over 35 days of quarters per group. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

export interface LocalParts {
  day: string;
  weekday: number;
  quarter: number;
}

/**
 * Local parts per zone and instant. The same quarter-hour starts come back for every group at every
 * evaluation (the advice runs each minute over weeks of quarters), and formatting is the costly step.
 */
const partsCache = new Map<string, Map<number, LocalParts>>();
const PARTS_CACHE_LIMIT = 200_000;

export function localParts(ms: number, timeZone: string): LocalParts {
  let zone = partsCache.get(timeZone);
  if (!zone) partsCache.set(timeZone, (zone = new Map()));
  let parts = zone.get(ms);
  if (!parts) {
    if (zone.size >= PARTS_CACHE_LIMIT) zone.clear();
    zone.set(ms, (parts = formatLocalParts(ms, timeZone)));
  }
  return parts;
}

function formatLocalParts(ms: number, timeZone: string): LocalParts {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!);
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    weekday,
    quarter: Number(parts.hour) * 4 + Math.floor(Number(parts.minute) / 15),
  };
}

/**
 * ITU-T E.500 time-consistent busy hour: the one-hour period, starting on a quarter hour at the
 * same local time every day, whose traffic averaged over the last `days` complete business days
 * (Mon–Fri, before the local day of `now`) is the highest. Today is still running: counted, its
 * morning would pull the mean down, so with no complete business day there is no busy hour
 * (undefined). Quarter hours are placed by local wall-clock time, so DST days line up.
 */
export function timeConsistentBusyHour(quarters: readonly QuarterHour[], timeZone: string, now: number, days = 5): BusyHour | undefined {
  // Not cached: `now` is a new instant at every call.
  const today = formatLocalParts(now, timeZone).day;
  const byDay = new Map<string, Float64Array>();
  for (const q of quarters) {
    const { day, weekday, quarter } = localParts(q.start, timeZone);
    if (weekday === 0 || weekday === 6 || day >= today) continue;
    let profile = byDay.get(day);
    if (!profile) byDay.set(day, (profile = new Float64Array(QUARTERS_PER_DAY)));
    profile[quarter]! += q.erlangs;
  }
  const used = [...byDay.keys()].sort().slice(-days);
  if (used.length === 0) return undefined;
  let best = { quarter: 0, erlangs: -1 };
  for (let start = 0; start <= QUARTERS_PER_DAY - 4; start++) {
    let total = 0;
    for (const day of used) {
      const profile = byDay.get(day)!;
      for (let q = start; q < start + 4; q++) total += profile[q]!;
    }
    // Mean over days of the hour's traffic: the hour's Erlangs are the mean of its four quarters.
    const erlangs = total / 4 / used.length;
    if (erlangs > best.erlangs) best = { quarter: start, erlangs };
  }
  const hh = String(Math.floor(best.quarter / 4)).padStart(2, '0');
  const mm = String((best.quarter % 4) * 15).padStart(2, '0');
  return { start: `${hh}:${mm}`, erlangs: best.erlangs, days: used };
}

export interface ErlangAdvice {
  busyHourErlangs: number;
  gradeOfService: number;
  circuitsNeeded: number;
  circuitsProvisioned: number;
  /** Provisioned minus needed: negative means the group is under-dimensioned. */
  headroom: number;
  /** Blocking the provisioned circuits would give at the busy-hour traffic. */
  blockingAtProvisioned: number;
}

/** Erlang B dimensioning of a trunk group for its busy-hour traffic at a grade of service. */
export function erlangAdvice(busyHourErlangs: number, provisioned: number, gradeOfService = 0.01): ErlangAdvice {
  const { circuits } = circuitsFor(busyHourErlangs, gradeOfService);
  return {
    busyHourErlangs,
    gradeOfService,
    circuitsNeeded: circuits,
    circuitsProvisioned: provisioned,
    headroom: provisioned - circuits,
    blockingAtProvisioned: erlangB(busyHourErlangs, provisioned),
  };
}

/** Call attempts of one quarter hour, and how many were blocked (no circuit). */
export interface QuarterCalls {
  start: number;
  attempts: number;
  blocked: number;
}

export interface ObservedBlocking {
  /** Over the busy hour's days, whole days. */
  attempts: number;
  blocked: number;
  /** In the busy hour of each of those days. */
  busyHourAttempts: number;
  busyHourBlocked: number;
  /** busyHourBlocked / busyHourAttempts: compare with the grade of service; null without attempts. */
  busyHourBlocking: number | null;
}

/** Blocking seen on the days and in the hour of a busy hour (quarters placed by local time, as the busy hour is). */
export function observedBlocking(calls: readonly QuarterCalls[], busyHour: BusyHour, timeZone: string): ObservedBlocking {
  const days = new Set(busyHour.days);
  const [hh, mm] = busyHour.start.split(':').map(Number);
  const first = hh! * 4 + mm! / 15;
  const out = { attempts: 0, blocked: 0, busyHourAttempts: 0, busyHourBlocked: 0 };
  for (const q of calls) {
    const { day, quarter } = localParts(q.start, timeZone);
    if (!days.has(day)) continue;
    out.attempts += q.attempts;
    out.blocked += q.blocked;
    if (quarter >= first && quarter < first + 4) {
      out.busyHourAttempts += q.attempts;
      out.busyHourBlocked += q.blocked;
    }
  }
  return { ...out, busyHourBlocking: out.busyHourAttempts > 0 ? out.busyHourBlocked / out.busyHourAttempts : null };
}
