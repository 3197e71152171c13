// Simulated CDR traffic for the demo and the dashboard tests: one Asterisk `Master.csv` that holds
// the last N days (written at once) and then grows the way a PBX's does, each call appended once it
// has ended. One growing file, as on a real PBX, keeps every call's per-call point distinct (the
// cdr input tells calls of one second apart by a per-file counter, for up to 8 files at once).
// A restart resumes the file where it stopped, so the cdr input's checkpoint of it stays good.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { JsonCheckpoint } from '../lib/checkpoint.js';
import { simulateDay, totalsOf, type SimCall, type SimDayTotals } from '../inputs/cdr/sim/generate.js';
import { Random } from '../inputs/cdr/sim/random.js';
import { writeDay } from '../inputs/cdr/sim/writers.js';
import { Zone } from '../inputs/cdr/zone.js';

export interface CdrFeedOptions {
  /** The feed's own folder: its Master.csv and what the feed has written of it (feed-state.json). */
  dir: string;
  callsPerDay: number;
  /** Whole days before today the file holds at least (written at the first start, or after a gap). */
  historyDays: number;
  timezone: string;
  meanHoldingSeconds?: number;
  /** How often ended calls are appended. Default 1 s. */
  tickMs?: number;
}

export interface CdrFeed {
  file: string;
  /** True when the file was written anew at this start (anything that read the old one must start over). */
  rewritten: boolean;
  /** Totals of the whole days in the file, oldest first. */
  history: SimDayTotals[];
  /** Calls of today in the file so far. */
  appended(): number;
  stop(): void;
}

/** What the file holds: whole days up to `day`, and the first `written` calls of `day` (by end time). */
interface FeedState {
  version: 1;
  simulation: { callsPerDay: number; timezone: string; meanHoldingSeconds: number };
  /** The file's size after the last append: any other size means it was changed behind the feed's back. */
  bytes: number;
  day: string;
  written: number;
  history: SimDayTotals[];
}

/** The same day always gets the same calls, so a restarted demo can append the rest of a day it began. */
function daySeed(day: string): number {
  return Number(day.replaceAll('-', '')) % 2_147_483_647;
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}

export function startCdrFeed(options: CdrFeedOptions): CdrFeed {
  const zone = new Zone(options.timezone);
  mkdirSync(options.dir, { recursive: true });
  const file = join(options.dir, 'Master.csv');
  const checkpoint = new JsonCheckpoint<FeedState>(join(options.dir, 'feed-state.json'));
  const scratch = mkdtempSync(join(options.dir, '.chunk-'));
  const simulation = {
    callsPerDay: options.callsPerDay,
    timezone: options.timezone,
    meanHoldingSeconds: options.meanHoldingSeconds ?? 150,
  };
  /** A day's calls in the order they are appended: by end time. */
  const simulate = (day: string): SimCall[] =>
    simulateDay(day, { ...simulation, days: 1, startDay: day, seed: daySeed(day) }, new Random(daySeed(day)), daySeed(day) * 10).sort(
      (a, b) => a.endMs - b.endMs,
    );

  const today = zone.dayOf(Date.now());
  const firstDay = Zone.addDays(today, -options.historyDays);
  let saved: FeedState | undefined;
  try {
    saved = checkpoint.read();
  } catch {
    saved = undefined; // unreadable: written anew
  }
  const resumable =
    saved?.version === 1 &&
    JSON.stringify(saved.simulation) === JSON.stringify(simulation) &&
    sizeOf(file) === saved.bytes &&
    saved.day <= today;
  const state: FeedState = resumable ? saved! : { version: 1, simulation, bytes: 0, day: firstDay, written: 0, history: [] };
  if (!resumable) appendFileSync(file, '', { flag: 'w' });

  /** Appends calls as the simulator's Asterisk writer writes them, then records how far the file goes. */
  const append = (calls: readonly SimCall[]) => {
    if (calls.length > 0) {
      const [chunk] = writeDay(scratch, state.day, calls, 'asterisk', zone);
      const text = readFileSync(chunk!);
      rmSync(chunk!, { force: true });
      appendFileSync(file, text);
      state.bytes += text.length;
      state.written += calls.length;
    }
    checkpoint.write(state);
  };
  /** The day is all in the file: the next one begins (not before the history window). */
  const nextDay = (calls: readonly SimCall[]) => {
    state.history.push(totalsOf(state.day, calls));
    const next = Zone.addDays(state.day, 1);
    state.day = next < firstDay ? firstDay : next;
    state.written = 0;
  };

  // Whole days up to yesterday: what the last run left of its day, the days since, or the history.
  while (state.day < today) {
    const calls = simulate(state.day);
    append(calls.slice(state.written));
    nextDay(calls);
  }
  checkpoint.write(state);

  let dayCalls = simulate(state.day);
  const tick = () => {
    const now = Date.now();
    let due = state.written;
    while (due < dayCalls.length && dayCalls[due]!.endMs <= now) due++;
    if (due > state.written) append(dayCalls.slice(state.written, due));
    // Calls of a day can end after its midnight; the next day starts once they are all written.
    if (state.written === dayCalls.length && zone.dayOf(now) !== state.day) {
      nextDay(dayCalls);
      dayCalls = simulate(state.day);
      checkpoint.write(state);
    }
  };
  tick();
  const timer = setInterval(tick, options.tickMs ?? 1000);
  return {
    file,
    rewritten: !resumable,
    history: state.history,
    appended: () => state.written,
    stop() {
      clearInterval(timer);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
