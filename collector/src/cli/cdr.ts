import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { ImportResult } from '../inputs/cdr/batch-import.js';
import type { DialPlanConfig } from '../inputs/cdr/dialplan.js';
import { FORMATS } from '../inputs/cdr/formats/detect.js';
import type { RejectedLine } from '../inputs/cdr/reader.js';
import { isTimeZone } from '../inputs/cdr/zone.js';
import type { Metric } from '../pipeline/metric.js';

// Only commander and two small modules are loaded to register the commands; the importer, the
// dial plan and InfluxDB are imported when `cdr import` runs (main.ts keeps startup light).

interface ImportFlags {
  format: (typeof FORMATS)[number] | 'auto';
  tz: string;
  sourceTz?: string;
  json?: boolean;
  influx?: string;
  database: string;
  quarantine?: string;
  dialPlan?: string;
}

export function registerCdrCommands(program: Command): void {
  const cdr = program.command('cdr').description('call detail records');
  cdr
    .command('import')
    .description('read CDR files and print per-day totals (calls, answered, minutes, by class); optionally write them to InfluxDB')
    .argument('<file...>', 'CDR files')
    .addOption(new Option('--format <format>', 'file format').choices([...FORMATS.filter((f) => f !== 'csv'), 'auto']).default('auto'))
    .option('--tz <zone>', "the carrier's timezone: days are counted in it", 'America/New_York')
    .option('--source-tz <zone>', 'zone the files write local times in (default: --tz)')
    .option('--json', 'print exactly one JSON object')
    .option('--influx <url>', 'also write per-call points and day totals to this InfluxDB')
    .option('--database <name>', 'InfluxDB database', 'callboard')
    .option('--quarantine <file>', 'append rejected lines here (JSON lines) instead of listing them on stderr')
    .option('--dial-plan <file>', 'YAML with dialPlan: and trunks: as in a cdr input (default: NANP, no own numbers)')
    .action(async (files: string[], flags: ImportFlags) => {
      process.exitCode = await importCommand(files, flags);
    });
}

async function importCommand(files: string[], flags: ImportFlags): Promise<number> {
  for (const [flag, zone] of [['--tz', flags.tz], ['--source-tz', flags.sourceTz]] as const) {
    if (zone !== undefined && !isTimeZone(zone)) return fail(`${flag}: not an IANA time zone: "${zone}"`);
  }
  const [{ z }, { parseDocument }, { dialPlanSchema }, { importCdrFiles }, { Quarantine }] = await Promise.all([
    import('zod'),
    import('yaml'),
    import('../inputs/cdr/dialplan.js'),
    import('../inputs/cdr/batch-import.js'),
    import('../inputs/cdr/quarantine.js'),
  ]);
  // `--dial-plan FILE`: the dialPlan and trunks keys of a cdr input, in a YAML file of their own.
  const dialPlanFileSchema = z.strictObject({ dialPlan: dialPlanSchema, trunks: z.array(z.string()).default([]) });
  let plan: { dialPlan: DialPlanConfig; trunks: string[] } = { dialPlan: dialPlanSchema.parse(undefined), trunks: [] };
  if (flags.dialPlan) {
    let text: string;
    try {
      text = readFileSync(flags.dialPlan, 'utf8');
    } catch (error) {
      return fail(`--dial-plan ${flags.dialPlan}: cannot read: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    const parsed = dialPlanFileSchema.safeParse(parseDocument(text).toJS() ?? {});
    if (!parsed.success) return fail(`--dial-plan ${flags.dialPlan}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    plan = parsed.data;
  }
  const rejectedLines: RejectedLine[] = [];
  const progress = !flags.json && process.stderr.isTTY ? new ProgressBar() : undefined;
  let influx: InfluxWriter | undefined;
  try {
    influx = flags.influx ? await openInflux(flags.influx, flags.database, flags.tz) : undefined;
  } catch (error) {
    return fail((error as Error).message);
  }
  let result: ImportResult;
  try {
    result = await importCdrFiles(files, {
      format: flags.format,
      timezone: flags.tz,
      sourceTimezone: flags.sourceTz,
      dialPlan: plan.dialPlan,
      trunks: plan.trunks,
      perCallPoints: influx !== undefined,
      onMetrics: influx?.write,
      onProgress: progress?.update,
      onRejected: (line) => rejectedLines.push(line),
    });
  } catch (error) {
    progress?.done();
    await influx?.close().catch(() => undefined);
    return fail((error as Error).message);
  }
  progress?.done();
  try {
    await influx?.close();
  } catch (error) {
    return fail(`InfluxDB: ${(error as Error).message}`);
  }
  if (flags.quarantine) new Quarantine(flags.quarantine).write(rejectedLines);
  else for (const r of rejectedLines) process.stderr.write(`${r.file}:${r.line}: rejected: ${r.reason}\n`);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(formatTable(result));
  }
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`callboard cdr import: ${message}\n`);
  return 1;
}

function formatTable(result: ImportResult): string {
  const lines = ['day          hours      calls   answered      minutes     ASR%   ACD s  by class'];
  for (const d of result.days) {
    const classes = Object.entries(d.byClass)
      .sort(([, a], [, b]) => b.calls - a.calls)
      .map(([c, v]) => `${c}=${v.calls}`)
      .join(' ');
    lines.push(
      `${d.day}  ${String(d.hours).padStart(5)}  ${String(d.calls).padStart(9)}  ${String(d.answered).padStart(9)}  ${d.minutes.toFixed(2).padStart(11)}  ${(d.asr ?? 0).toFixed(1).padStart(6)}  ${(d.acdSeconds ?? 0).toFixed(1).padStart(6)}  ${classes}`,
    );
  }
  for (const f of result.files) lines.push(`${f.file}: ${f.format ?? 'unrecognised'}, ${f.lines} lines, ${f.calls} calls, ${f.skipped} skipped, ${f.rejected} rejected`);
  lines.push(`rejected lines: ${result.rejected}`);
  return `${lines.join('\n')}\n`;
}

/** One line on stderr, redrawn at most 10 times a second; only on a terminal. */
class ProgressBar {
  #last = 0;
  readonly update = (done: number, total: number): void => {
    const now = Date.now();
    if (now - this.#last < 100 || total < 1_000_000) return;
    this.#last = now;
    const share = total > 0 ? done / total : 1;
    const width = 30;
    const filled = Math.round(share * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`);
  };

  done(): void {
    if (this.#last > 0) process.stderr.write('\r\x1b[K');
  }
}

interface InfluxWriter {
  write(metrics: Metric[]): Promise<void>;
  close(): Promise<void>;
}

async function openInflux(url: string, database: string, timezone: string): Promise<InfluxWriter> {
  const { openInfluxWriter } = await import('../inputs/cdr/influx-writer.js');
  return openInfluxWriter(url, database, timezone);
}
