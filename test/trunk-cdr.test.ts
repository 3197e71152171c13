// @vitest-environment node
// Busy hour, Erlang B advice and observed blocking per trunk group from a simulated week of CDRs
// (`callboard sim cdr --days 5`, CUCM format: epoch seconds, Q.850 causes, trunk device names),
// read by the collector's cdr input and shown by /api/v1/trunk-groups, against figures this test
// computes on its own from the raw CDR files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Collector } from '../collector/src/app.js';
import { parseConfig } from '../collector/src/config.js';
import { waitFor } from '../collector/src/devstack/process.js';
import { createLogger } from '../collector/src/lib/log.js';

const TOKEN = 'trunk-cdr-test-token-3d9e';
const TZ = 'America/New_York';
const CLI = join(import.meta.dirname, '../collector/bin/callboard.mjs');
const GROUPS = [
  { name: 'pstn-ab', members: ['cdrsim/trunk-a', 'cdrsim/trunk-b'], capacity: 8, trunks: ['trunk-a', 'trunk-b'] },
  { name: 'pstn-c', members: ['cdrsim/trunk-c'], capacity: 8, trunks: ['trunk-c'] },
];

// ---- the test's own arithmetic, from the raw files (nothing imported from the collector) ----

const local = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  weekday: 'short',
});
function localQuarter(ms: number): { day: string; weekend: boolean; quarter: number } {
  const p = Object.fromEntries(local.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return {
    day: `${p.year}-${p.month}-${p.day}`,
    weekend: p.weekday === 'Sat' || p.weekday === 'Sun',
    quarter: Number(p.hour) * 4 + Math.floor(Number(p.minute) / 15),
  };
}

interface Expected {
  start: string;
  erlangs: number;
  days: string[];
  attempts: number;
  blocked: number;
  busyHourAttempts: number;
  busyHourBlocked: number;
}

function expectedFor(rows: string[][], trunks: readonly string[]): Expected {
  const Q = 900_000;
  const talk = new Map<number, number>(); // quarter start (UTC ms) → talk ms
  const calls: { end: number; blocked: boolean }[] = [];
  for (const r of rows) {
    // trunk as the dial plan sees it: the outgoing device if it is a trunk, else the incoming one
    const trunk = trunks.includes(r[12]!) ? r[12] : trunks.includes(r[11]!) ? r[11] : undefined;
    if (!trunk) continue;
    const connect = Number(r[4]);
    const end = Number(r[5]) * 1000;
    const cause = Number(r[10]) || Number(r[9]);
    calls.push({ end, blocked: cause === 34 });
    if (connect === 0) continue;
    for (let t = end - Number(r[6]) * 1000; t < end;) {
      const q = Math.floor(t / Q) * Q;
      const next = Math.min(end, q + Q);
      talk.set(q, (talk.get(q) ?? 0) + (next - t));
      t = next;
    }
  }
  const byDay = new Map<string, number[]>();
  for (const [q, ms] of talk) {
    const { day, weekend, quarter } = localQuarter(q);
    if (weekend) continue;
    const profile = byDay.get(day) ?? byDay.set(day, new Array<number>(96).fill(0)).get(day)!;
    profile[quarter] = profile[quarter]! + ms / 60_000 / 15;
  }
  const days = [...byDay.keys()].sort().slice(-5);
  let best = { quarter: -1, erlangs: -1 };
  for (let s = 0; s <= 92; s++) {
    let sum = 0;
    for (const d of days) for (let q = s; q < s + 4; q++) sum += byDay.get(d)![q]!;
    if (sum / 4 / days.length > best.erlangs) best = { quarter: s, erlangs: sum / 4 / days.length };
  }
  const blocking = { attempts: 0, blocked: 0, busyHourAttempts: 0, busyHourBlocked: 0 };
  for (const c of calls) {
    const { day, quarter } = localQuarter(Math.floor(c.end / Q) * Q);
    if (!days.includes(day)) continue;
    blocking.attempts++;
    if (c.blocked) blocking.blocked++;
    if (quarter >= best.quarter && quarter < best.quarter + 4) {
      blocking.busyHourAttempts++;
      if (c.blocked) blocking.busyHourBlocked++;
    }
  }
  const start = `${String(Math.floor(best.quarter / 4)).padStart(2, '0')}:${String((best.quarter % 4) * 15).padStart(2, '0')}`;
  return { start, erlangs: best.erlangs, days, ...blocking };
}

/** Erlang B by the forward recurrence B(n) = A·B(n−1) / (n + A·B(n−1)), B(0) = 1. */
function erlangB(a: number, n: number): number {
  let b = 1;
  for (let k = 1; k <= n; k++) b = (a * b) / (k + a * b);
  return b;
}
function circuitsAt(a: number, gos: number): number {
  let n = 0;
  while (erlangB(a, n) > gos) n++;
  return n;
}

/** Monday of last week, local: five whole business days in the past, well inside the 35 days kept. */
function lastMonday(): string {
  for (let d = 7; d < 14; d++) {
    const ms = Date.now() - d * 86_400_000;
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, weekday: 'short' }).format(new Date(ms));
    if (day === 'Mon') return localQuarter(ms).day;
  }
  throw new Error('no Monday in the last two weeks');
}

describe('busy hour, Erlang B advice and observed blocking from 5 business days of CDRs', () => {
  const out = mkdtempSync(join(tmpdir(), 'callboard-trunk-cdr-'));
  let collector: Collector;
  let rows: string[][] = [];
  let api = '';
  const trunkGroups = async () =>
    (await (await fetch(`${api}/api/v1/trunk-groups`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      groups: {
        name: string;
        busyHour: { start: string; erlangs: number; days: string[] } | null;
        advice: Record<string, number> | null;
        reason: string | null;
        blocking: { today: Record<string, unknown>; lastDays: Record<string, unknown>; busyHourDays: Record<string, unknown> | null };
      }[];
    };

  beforeAll(async () => {
    const sim = spawnSync(
      process.execPath,
      [
        CLI,
        'sim',
        'cdr',
        '--days',
        '5',
        '--start',
        lastMonday(),
        '--calls-per-day',
        '4000',
        '--format',
        'cucm',
        '--tz',
        TZ,
        '--seed',
        '11',
        '--out',
        out,
        '--json',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(sim.status, sim.stderr).toBe(0);
    for (const file of readdirSync(out).filter((f) => f.endsWith('.txt'))) {
      // header and datatype lines, then one call per line; strings quoted, no commas inside
      rows.push(
        ...readFileSync(join(out, file), 'utf8')
          .trim()
          .split('\n')
          .slice(2)
          .map((line) => line.split(',').map((v) => v.replace(/^"|"$/g, ''))),
      );
    }
    const plan = parse(readFileSync(join(out, 'dialplan.yaml'), 'utf8')) as { dialPlan: Record<string, unknown>; trunks: string[] };
    process.env.CALLBOARD_TRUNK_CDR_TOKEN = TOKEN;
    const config = parseConfig({
      timezone: TZ,
      stateDir: mkdtempSync(join(tmpdir(), 'callboard-trunk-cdr-state-')),
      log: { level: 'warn' },
      api: { port: 0, token: { env: 'CALLBOARD_TRUNK_CDR_TOKEN' } },
      trunkGroups: GROUPS.map(({ trunks: _, ...g }) => ({ ...g, carrier: 'acme' })),
      inputs: [
        {
          type: 'cdr',
          name: 'cdrsim',
          paths: [join(out, 'cdr_*.txt')],
          format: 'cucm',
          pollInterval: '200ms',
          dialPlan: plan.dialPlan,
          trunks: plan.trunks,
        },
      ],
    });
    collector = new Collector(config, createLogger({ level: 'warn' }));
    await collector.start();
    api = collector.api.url;
  });

  afterAll(async () => {
    await collector?.stop();
  });

  it.each(GROUPS)(
    '$name: the same busy hour, Erlangs, circuits needed, headroom and blocking as computed from the raw files',
    async (group) => {
      const expected = expectedFor(rows, group.trunks);
      expect(expected.days).toHaveLength(5);
      expect(expected.blocked).toBeGreaterThan(0);
      // every call of the five days read: the attempts match exactly
      const shown = await waitFor(
        async () => {
          const g = (await trunkGroups()).groups.find((x) => x.name === group.name);
          return g?.blocking.busyHourDays?.attempts === expected.attempts ? g : undefined;
        },
        { timeoutMs: 60_000, what: `all ${expected.attempts} attempts of ${group.name}` },
      );
      expect(shown.busyHour!.start).toBe(expected.start);
      expect(shown.busyHour!.days).toEqual(expected.days);
      expect(shown.busyHour!.erlangs).toBeCloseTo(expected.erlangs, 9);
      const needed = circuitsAt(expected.erlangs, 0.01);
      expect(shown.advice).toMatchObject({
        gradeOfService: 0.01,
        circuitsNeeded: needed,
        circuitsProvisioned: group.capacity,
        headroom: group.capacity - needed,
      });
      expect(shown.advice!.blockingAtProvisioned).toBeCloseTo(erlangB(expected.erlangs, group.capacity), 12);
      expect(shown.reason).toBeNull();
      // the simulated week is last week's: nothing today
      expect(shown.blocking.today).toMatchObject({ attempts: 0, blocked: 0, blocking: null });
      expect(shown.blocking.busyHourDays).toEqual({
        days: expected.days,
        attempts: expected.attempts,
        blocked: expected.blocked,
        busyHourAttempts: expected.busyHourAttempts,
        busyHourBlocked: expected.busyHourBlocked,
        busyHourBlocking: expected.busyHourAttempts ? expected.busyHourBlocked / expected.busyHourAttempts : null,
      });
    },
  );
});
