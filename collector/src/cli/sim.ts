import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { SimDayTotals } from '../inputs/cdr/sim/generate.js';
import { SIM_FORMATS, type SimFormat } from '../inputs/cdr/sim/writers.js';
import { isTimeZone, isValidDay, Zone } from '../inputs/cdr/zone.js';

interface SimFlags {
  callsPerDay: number;
  days: number;
  out: string;
  format: SimFormat;
  start?: string;
  tz: string;
  seed: number;
  meanHolding: number;
  json?: boolean;
}

const positiveInt = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a whole number >= 1, got "${value}"`);
  return n;
};

export function registerSimCommands(program: Command): void {
  const sim = program.command('sim').description('synthetic traffic for demos, tests and benchmarks');
  sim
    .command('cdr')
    .description('write realistic CDR files (Poisson arrivals on a business-day profile, log-normal holding times) and print their totals')
    .requiredOption('--calls-per-day <n>', 'calls each day', positiveInt('--calls-per-day'))
    .option('--days <n>', 'number of days', positiveInt('--days'), 1)
    .requiredOption('--out <dir>', 'directory for the CDR files (and dialplan.yaml for `cdr import --dial-plan`)')
    .addOption(new Option('--format <format>', 'CDR format').choices(SIM_FORMATS).default('asterisk'))
    .option('--start <day>', 'first day, YYYY-MM-DD (default: --days days before today)')
    .option('--tz <zone>', "carrier's timezone (days and local times)", 'America/New_York')
    .option('--seed <n>', 'random seed (same seed, same files)', positiveInt('--seed'), 1)
    .option('--mean-holding <seconds>', 'mean holding time of answered calls', positiveInt('--mean-holding'), 150)
    .option('--json', 'print the totals as one JSON object')
    .action(async (flags: SimFlags) => {
      process.exitCode = await simCdrCommand(flags);
    });
}

async function simCdrCommand(flags: SimFlags): Promise<number> {
  const [{ stringify }, { simDialPlan, simulateDay, totalsOf }, { Random }, { writeDay }] = await Promise.all([
    import('yaml'),
    import('../inputs/cdr/sim/generate.js'),
    import('../inputs/cdr/sim/random.js'),
    import('../inputs/cdr/sim/writers.js'),
  ]);
  if (!isTimeZone(flags.tz)) return fail(`--tz: not an IANA time zone: "${flags.tz}"`);
  const zone = new Zone(flags.tz);
  const startDay = flags.start ?? Zone.addDays(zone.dayOf(Date.now()), -flags.days);
  if (!isValidDay(startDay)) return fail(`--start: expected YYYY-MM-DD, got "${flags.start}"`);
  mkdirSync(flags.out, { recursive: true });
  const random = new Random(flags.seed);
  const options = { callsPerDay: flags.callsPerDay, days: flags.days, startDay, timezone: flags.tz, seed: flags.seed, meanHoldingSeconds: flags.meanHolding };
  const days: (SimDayTotals & { hours: number })[] = [];
  const files: string[] = [];
  for (let i = 0; i < flags.days; i++) {
    const day = Zone.addDays(startDay, i);
    const calls = simulateDay(day, options, random, i * flags.callsPerDay);
    files.push(...writeDay(flags.out, day, calls, flags.format, zone));
    const { start, end } = zone.dayRange(day);
    days.push({ ...totalsOf(day, calls), hours: Math.round((end - start) / 3_600_000) });
  }
  const dialPlanFile = join(flags.out, 'dialplan.yaml');
  writeFileSync(dialPlanFile, `# Dial plan that classifies these simulated calls: callboard cdr import --dial-plan ${dialPlanFile}\n${stringify(simDialPlan())}`);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ days, files, dialPlan: dialPlanFile })}\n`);
  } else {
    for (const d of days) {
      const classes = Object.entries(d.byClass).map(([c, v]) => `${c}=${v.calls}`).join(' ');
      process.stdout.write(`${d.day} (${d.hours} h): ${d.calls} calls, ${d.answered} answered, ${d.minutes.toFixed(2)} minutes; ${classes}\n`);
    }
    process.stdout.write(`files: ${files.join(', ')}\ndial plan: ${dialPlanFile}\n`);
  }
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`callboard sim cdr: ${message}\n`);
  return 1;
}
