import { Command } from 'commander';
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
  .action(async (options: { config: string }) => (await import('./cli/run.js')).runCommand(options));

program
  .command('check')
  .description('validate config files; prints every error with its path and exits 1 if any is invalid')
  .requiredOption('-c, --config <file...>', 'YAML config file(s)')
  .option('--json', 'print one JSON object')
  .action(async (options: { config: string[]; json?: boolean }) => {
    process.exitCode = (await import('./cli/check.js')).checkCommand(options.config, options);
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
