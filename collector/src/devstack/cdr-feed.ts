// Simulated CDR traffic for the demo and the dashboard tests: one Asterisk `Master.csv` that holds
// the last N days (written at once) and then grows the way a PBX's does, each call appended once it
// has ended. One growing file, as on a real PBX, keeps every call's per-call point distinct (the
// cdr input tells calls of one second apart by a per-file counter, for up to 8 files at once).
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { simulateDay, totalsOf, type SimCall, type SimDayTotals } from '../inputs/cdr/sim/generate.js';
import { Random } from '../inputs/cdr/sim/random.js';
import { writeDay } from '../inputs/cdr/sim/writers.js';
import { Zone } from '../inputs/cdr/zone.js';

export interface CdrFeedOptions {
  /** The feed's own folder; its Master.csv is rewritten on every start. */
  dir: string;
  callsPerDay: number;
  /** Whole days before today written at start. */
  historyDays: number;
  timezone: string;
  meanHoldingSeconds?: number;
  /** How often ended calls are appended. Default 1 s. */
  tickMs?: number;
}

export interface CdrFeed {
  file: string;
  /** Totals of the whole days written at start, oldest first. */
  history: SimDayTotals[];
  /** Calls of today appended so far. */
  appended(): number;
  stop(): void;
}

/** The same day always gets the same calls, so a restarted demo rewrites identical history. */
function daySeed(day: string): number {
  return Number(day.replaceAll('-', '')) % 2_147_483_647;
}

export function startCdrFeed(options: CdrFeedOptions): CdrFeed {
  const zone = new Zone(options.timezone);
  mkdirSync(options.dir, { recursive: true });
  const file = join(options.dir, 'Master.csv');
  const scratch = mkdtempSync(join(options.dir, '.chunk-'));
  const simulate = (day: string): SimCall[] =>
    simulateDay(
      day,
      {
        callsPerDay: options.callsPerDay,
        days: 1,
        startDay: day,
        timezone: options.timezone,
        seed: daySeed(day),
        meanHoldingSeconds: options.meanHoldingSeconds ?? 150,
      },
      new Random(daySeed(day)),
      daySeed(day) * 10,
    );
  /** Writes calls as the simulator's Asterisk writer does, appended to the one growing file. */
  const append = (day: string, calls: readonly SimCall[], truncate = false) => {
    if (calls.length === 0 && !truncate) return;
    const [chunk] = writeDay(scratch, day, calls, 'asterisk', zone);
    const text = calls.length ? readFileSync(chunk!) : Buffer.alloc(0);
    rmSync(chunk!, { force: true });
    if (truncate) appendFileSync(file, '', { flag: 'w' });
    appendFileSync(file, text);
  };

  const today = zone.dayOf(Date.now());
  const history: SimDayTotals[] = [];
  append(today, [], true);
  for (let back = options.historyDays; back >= 1; back--) {
    const day = Zone.addDays(today, -back);
    const calls = simulate(day);
    append(day, calls);
    history.push(totalsOf(day, calls));
  }

  let day = today;
  let pending = simulate(day).sort((a, b) => a.endMs - b.endMs);
  let appended = 0;
  const tick = () => {
    const now = Date.now();
    const ended = pending.findIndex((c) => c.endMs > now);
    const due = ended === -1 ? pending.length : ended;
    if (due > 0) {
      append(day, pending.slice(0, due));
      appended += due;
      pending = pending.slice(due);
    }
    // Calls of a day can end after its midnight; the next day starts once they are all written.
    const current = zone.dayOf(now);
    if (pending.length === 0 && current !== day) {
      day = current;
      appended = 0;
      pending = simulate(day).sort((a, b) => a.endMs - b.endMs);
    }
  };
  tick();
  const timer = setInterval(tick, options.tickMs ?? 1000);
  return {
    file,
    history,
    appended: () => appended,
    stop() {
      clearInterval(timer);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
