import { Command } from 'commander';
import { registerCdrCommands } from './cli/cdr.js';
import { registerDemoCommand } from './cli/demo.js';
import { registerPreviewCommand } from './cli/preview.js';
import { registerSimCommands } from './cli/sim.js';
import { registerSnmpCommands } from './cli/snmp.js';
import { ConfigError } from './config.js';
import { VERSION } from './version.js';

// Subcommands are imported when chosen: `check` must not load the whole collector.
const program = new Command('callboard')
  .description('Callboard collector: softswitch, SNMP and CDR statistics into InfluxDB and a live API for the NOC.')
  .version(VERSION)
  .showHelpAfterError();

program
  .command('run')
  .description('run the collector with a config file')
  .requiredOption('-c, --config <file>', 'YAML config file')
  .option('--shard <K/N>', 'poll only shard K of N of the SNMP targets (stable hash of the device name)')
  .action(async (options: { config: string; shard?: string }) => (await import('./cli/run.js')).runCommand(options));

program
  .command('check')
  .description('validate config files; prints every error with its path and exits 1 if any is invalid')
  .requiredOption('-c, --config <file...>', 'YAML config file(s)')
  .option('--json', 'print one JSON object')
  .action(async (options: { config: string[]; json?: boolean }) => {
    process.exitCode = (await import('./cli/check.js')).checkCommand(options.config, options);
  });

program
  .command('erlang')
  .description('Erlang B for trunk planning: circuits needed for a grade of service, or the blocking of N circuits')
  .requiredOption('--traffic <erlangs>', 'offered traffic in Erlangs')
  .option('--gos <p>', 'grade of service (blocking probability), e.g. 0.01')
  .option('--circuits <n>', 'number of circuits')
  .option('--json', 'print one JSON object')
  .action(async (options) => (await import('./cli/erlang.js')).erlangCommand(options));

program
  .command('bench')
  .description('benchmarks (what `npm run bench` runs): figures side by side with a peer measured in the same run')
  .option('--calls <n>', 'calls placed for the live-latency benchmark', '150')
  .option('--cps <n>', 'call rate for the live-latency benchmark', '10')
  .option('--only <list>', 'comma-separated subset of cdr,live,snmp,panel,influx')
  .action(async (options) => (await import('./cli/bench.js')).benchCommand(options));

registerDemoCommand(program);
registerCdrCommands(program);
registerSimCommands(program);
registerSnmpCommands(program);
registerPreviewCommand(program);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof ConfigError || error instanceof RangeError || (error as { code?: string }).code === 'CALLBOARD_USAGE') {
    process.stderr.write(`callboard: ${(error as Error).message}\n`);
    process.exit(error instanceof ConfigError ? 1 : 2);
  }
  throw error;
}
