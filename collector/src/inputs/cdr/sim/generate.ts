import type { DialPlanConfig } from '../dialplan.js';
import type { Disposition } from '../record.js';
import { Zone } from '../zone.js';
import { Random } from './random.js';

/**
 * Synthetic traffic for the demo, tests and benchmarks: a Poisson process whose rate follows a
 * business-day profile (given the day's call count, Poisson arrivals are independent draws from
 * the normalised rate, so each day has exactly callsPerDay calls), log-normal holding times with
 * the configured mean, and a disposition and call-class mix typical of a US carrier.
 */
export interface SimOptions {
  callsPerDay: number;
  days: number;
  /** First local day simulated, YYYY-MM-DD. */
  startDay: string;
  timezone: string;
  seed: number;
  meanHoldingSeconds: number;
}

export type SimClass = 'local' | 'long_distance' | 'international' | 'toll_free' | 'emergency' | 'on_net' | 'inbound';

export interface SimCall {
  seq: number;
  startMs: number;
  answerMs?: number;
  endMs: number;
  billableMs: number;
  src: string;
  dst: string;
  disposition: Disposition;
  /** Q.850 cause of the release. */
  cause: number;
  sipCode: number;
  cls: SimClass;
  inTrunk?: string;
  outTrunk?: string;
  /** A parallel-ring branch that lost (Asterisk writes a second row for it). */
  lostBranch: boolean;
}

/** Relative call rate by local hour of a business day. */
const HOURLY = [0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 1, 2.5, 5, 7, 8, 8, 7, 7.5, 8, 7.5, 6.5, 5, 3.5, 2.5, 2, 1.5, 1, 0.6];

const CLASS_MIX: Record<SimClass, number> = { local: 35, long_distance: 24, international: 4, toll_free: 6, emergency: 0.2, on_net: 6, inbound: 24.8 };
const DISPOSITION_MIX: Record<Disposition, number> = { answered: 70, busy: 8, no_answer: 17, failed: 5 };
const FAILURE_CAUSES = [34, 41, 1, 38, 28] as const;
const SIP_FOR_CAUSE: Record<number, number> = { 16: 200, 17: 486, 19: 480, 34: 503, 41: 503, 1: 404, 38: 503, 28: 484 };

export const SIM_TRUNKS = ['trunk-a', 'trunk-b', 'trunk-c'];
const OWN_PREFIX = '212555';
const LOCAL_NPAS = ['212', '646', '718', '917', '347'];
const LD_NPAS = ['312', '415', '617', '305', '713', '206', '404'];
const TOLL_FREE = ['800', '833', '855', '877', '888'];
const COUNTRIES = ['44', '49', '33', '52', '91', '86', '81'];

/** The dial plan that classifies simulated calls as the simulator meant them. */
export function simDialPlan(): { dialPlan: Partial<DialPlanConfig>; trunks: string[] } {
  return {
    dialPlan: { ownPrefixes: [OWN_PREFIX], localPrefixes: LOCAL_NPAS, homeAreaCode: '212' },
    trunks: [...SIM_TRUNKS, ...SIM_TRUNKS.map((t) => `SIP/${t}`)],
  };
}

function digits(r: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(r.int(0, 9));
  return s;
}

const nxx = (r: Random) => `${r.int(2, 9)}${digits(r, 2)}`;
const own = (r: Random) => `${OWN_PREFIX}${digits(r, 4)}`;
const offNet = (r: Random, npas: readonly string[]) => {
  let number: string;
  do number = `${npas[r.int(0, npas.length - 1)]}${nxx(r)}${digits(r, 4)}`;
  while (number.startsWith(OWN_PREFIX));
  return number;
};

function parties(r: Random, cls: SimClass): { src: string; dst: string; inbound: boolean } {
  switch (cls) {
    case 'local':
      return { src: own(r), dst: offNet(r, LOCAL_NPAS), inbound: false };
    case 'long_distance':
      return { src: own(r), dst: `1${offNet(r, LD_NPAS)}`, inbound: false };
    case 'international':
      return { src: own(r), dst: `011${COUNTRIES[r.int(0, COUNTRIES.length - 1)]}${digits(r, 9)}`, inbound: false };
    case 'toll_free':
      return { src: own(r), dst: `1${TOLL_FREE[r.int(0, TOLL_FREE.length - 1)]}${nxx(r)}${digits(r, 4)}`, inbound: false };
    case 'emergency':
      return { src: own(r), dst: '911', inbound: false };
    case 'on_net':
      return { src: own(r), dst: own(r), inbound: false };
    case 'inbound':
      return { src: offNet(r, r.next() < 0.5 ? LOCAL_NPAS : LD_NPAS), dst: own(r), inbound: true };
  }
}

/** Calls of one local day, in start order. */
export function simulateDay(day: string, o: SimOptions, r: Random, firstSeq: number): SimCall[] {
  const zone = new Zone(o.timezone);
  const { start, end } = zone.dayRange(day);
  // The day's real hours (23 or 25 on DST change days), each weighted by its local hour.
  const hours: number[] = [];
  for (let h = start; h < end; h += 3_600_000) hours.push(h);
  const weights = hours.map((h) => HOURLY[new Date(h + zone.offsetAt(h)).getUTCHours()]!);
  const cumulative: number[] = [];
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0);
  const totalWeight = cumulative[cumulative.length - 1]!;

  const starts: number[] = [];
  for (let i = 0; i < o.callsPerDay; i++) {
    const x = r.next() * totalWeight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    starts.push(hours[lo]! + Math.floor(r.next() * 3600) * 1000);
  }
  starts.sort((a, b) => a - b);

  return starts.map((startMs, i) => {
    const cls = r.pick(CLASS_MIX);
    const { src, dst, inbound } = parties(r, cls);
    const disposition = cls === 'emergency' ? 'answered' : r.pick(DISPOSITION_MIX);
    const trunk = SIM_TRUNKS[r.int(0, SIM_TRUNKS.length - 1)]!;
    const ringMs = Math.min(45_000, Math.round(r.logNormal(6, 0.5)) * 1000);
    const call: SimCall = { seq: firstSeq + i, startMs, endMs: startMs, billableMs: 0, src, dst, disposition, cause: 16, sipCode: 200, cls, lostBranch: false };
    if (cls !== 'on_net') {
      if (inbound) call.inTrunk = trunk;
      else call.outTrunk = trunk;
    }
    switch (disposition) {
      case 'answered': {
        const holdSeconds = Math.max(1, Math.round(r.logNormal(o.meanHoldingSeconds, 0.9)));
        call.answerMs = startMs + ringMs;
        call.billableMs = holdSeconds * 1000;
        call.endMs = call.answerMs + call.billableMs;
        call.lostBranch = r.next() < 0.1;
        break;
      }
      case 'busy':
        call.cause = 17;
        call.endMs = startMs + 1000;
        break;
      case 'no_answer':
        call.cause = 19;
        call.endMs = startMs + Math.max(ringMs, 20_000 + r.int(0, 20) * 1000);
        break;
      case 'failed':
        call.cause = FAILURE_CAUSES[r.int(0, FAILURE_CAUSES.length - 1)]!;
        call.endMs = startMs + 1000;
        break;
    }
    call.sipCode = SIP_FOR_CAUSE[call.cause]!;
    return call;
  });
}

export interface SimDayTotals {
  day: string;
  calls: number;
  answered: number;
  minutes: number;
  billableSeconds: number;
  byClass: Record<string, { calls: number; answered: number; minutes: number }>;
}

export function totalsOf(day: string, calls: readonly SimCall[]): SimDayTotals {
  const byClassMs: Record<string, { calls: number; answered: number; ms: number }> = {};
  let answered = 0;
  let ms = 0;
  for (const c of calls) {
    const slot = (byClassMs[c.cls] ??= { calls: 0, answered: 0, ms: 0 });
    slot.calls += 1;
    if (c.disposition === 'answered') {
      slot.answered += 1;
      answered += 1;
    }
    slot.ms += c.billableMs;
    ms += c.billableMs;
  }
  const byClass = Object.fromEntries(Object.entries(byClassMs).map(([k, v]) => [k, { calls: v.calls, answered: v.answered, minutes: v.ms / 60_000 }]));
  return { day, calls: calls.length, answered, minutes: ms / 60_000, billableSeconds: ms / 1000, byClass };
}
