// A simulated day of 400,000 calls, imported with `callboard cdr import --influx` into a real
// InfluxDB: the day's totals there equal the simulator's own, calls exactly and minutes to the
// second. And DST change days: 23 and 25 hours long, with exact totals.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { Zone } from '../collector/src/inputs/cdr/zone.js';
import { execFileSync } from 'node:child_process';
import { callboard, callboardJson, ENTRY, ROOT, type ImportJson, type SimJson } from '../collector/src/inputs/cdr/testing/e2e-support.js';
import { queryRows } from './support/influx-query.js';

const TZ = 'America/New_York';

const workDirs: string[] = [];
const workDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  workDirs.push(dir);
  return dir;
};

describe('CDR volume and calendar', () => {
  let influxd: Influxd;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });

  afterAll(async () => {
    await influxd?.stop();
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a 400,000-call day lands in InfluxDB with the simulator\'s totals', async () => {
    const zone = new Zone(TZ);
    const day = Zone.addDays(zone.dayOf(Date.now()), -2); // inside the raw retention period
    const out = join(workDir('callboard-cdr-volume-'), 'sim');
    const sim = callboardJson<SimJson>('sim', 'cdr', '--calls-per-day', '400000', '--days', '1', '--start', day, '--format', 'asterisk', '--tz', TZ, '--out', out, '--json');
    const expected = sim.days[0]!;
    expect(expected.calls).toBe(400_000);

    const imported = callboardJson<ImportJson>('cdr', 'import', '--json', '--tz', TZ, '--dial-plan', sim.dialPlan, '--influx', influxd.url, '--database', 'cdr_volume', ...sim.files);
    expect(imported.rejected).toBe(0);
    expect(imported.days).toEqual([expect.objectContaining({ day, calls: expected.calls, answered: expected.answered, billableSeconds: expected.billableSeconds, byClass: expected.byClass })]);

    const { start, end } = zone.dayRange(day);
    const [total] = await queryRows(influxd.url, 'cdr_volume', `SELECT last(calls) AS calls, last(answered) AS answered, last(billable_ms) AS billable_ms, last(minutes) AS minutes FROM raw.cdr_day WHERE time = ${start}ms`);
    expect(total).toMatchObject({ calls: expected.calls, answered: expected.answered, billable_ms: expected.billableSeconds * 1000 });
    expect((total!.minutes as number) * 60).toBeCloseTo(expected.billableSeconds, 6);

    // Per-call points: none overwrote another, so their sums are the same totals.
    // Per-call points sit at the end of each call, so the last ones are after midnight.
    const [perCall] = await queryRows(influxd.url, 'cdr_volume', `SELECT sum(calls) AS calls, sum(answered) AS answered, sum(billable_ms) AS billable_ms FROM raw.cdr_call WHERE time >= ${start}ms AND time < ${end + 12 * 3_600_000}ms`);
    expect(perCall).toMatchObject({ calls: expected.calls, answered: expected.answered, billable_ms: expected.billableSeconds * 1000 });

    // Per class, from the breakdown series.
    const byClass = await queryRows(influxd.url, 'cdr_volume', `SELECT sum(calls) AS calls FROM (SELECT last(calls) AS calls FROM raw.cdr_day_breakdown WHERE time = ${start}ms GROUP BY class, trunk) GROUP BY class`);
    expect(byClass.length).toBeGreaterThan(0);
  }, 120_000);

  it('shows a progress bar on a terminal only, and never with --json', () => {
    const out = join(workDir('callboard-cdr-tty-'), 'sim');
    const sim = callboardJson<SimJson>('sim', 'cdr', '--calls-per-day', '20000', '--start', '2026-11-10', '--out', out, '--json');
    const onTerminal = (args: string) =>
      execFileSync('script', ['-qec', `${process.execPath} --import tsx ${ENTRY} cdr import ${args} ${sim.files[0]}`, '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
    // The first redraw may come before a thirtieth of the file is read (an empty bar at 2 %): any bar counts.
    const bar = /\[#*\.*\]\s+\d+%/;
    expect(onTerminal('')).toMatch(bar);
    const json = onTerminal('--json');
    expect(json).not.toMatch(bar);
    expect(JSON.parse(json.trim()).days[0].calls).toBe(20_000);
    // Not a terminal (a pipe): no bar either.
    expect(callboard('cdr', 'import', sim.files[0]!).stderr).toBe('');
  });

  it.each([
    ['asterisk', '2026-03-08', 23],
    ['kamailio', '2026-11-01', 25],
    ['asterisk', '2026-11-01', 25],
  ] as const)('%s: DST change day %s is %i hours long, with exact totals', (format, day, hours) => {
    const out = join(workDir('callboard-cdr-dst-'), 'sim');
    const sim = callboardJson<SimJson>('sim', 'cdr', '--calls-per-day', '20000', '--days', '3', '--start', Zone.addDays(day, -1), '--format', format, '--tz', TZ, '--out', out, '--json');
    const imported = callboardJson<ImportJson>('cdr', 'import', '--json', '--tz', TZ, '--dial-plan', sim.dialPlan, ...sim.files);
    expect(imported.rejected).toBe(0);
    expect(imported.days.map((d) => [d.day, d.hours])).toEqual([
      [Zone.addDays(day, -1), 24],
      [day, hours],
      [Zone.addDays(day, 1), 24],
    ]);
    for (const [i, d] of imported.days.entries()) {
      const s = sim.days[i]!;
      expect({ day: d.day, calls: d.calls, answered: d.answered, seconds: d.billableSeconds }).toEqual({ day: s.day, calls: s.calls, answered: s.answered, seconds: s.billableSeconds });
    }
  }, 60_000);
});
