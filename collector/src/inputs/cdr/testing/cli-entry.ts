// The `cdr` and `sim` subcommands on their own, for tests that spawn them as a child process
// (the same commands `callboard` registers in main.ts).
import { Command } from 'commander';
import { registerCdrCommands } from '../../../cli/cdr.js';
import { registerSimCommands } from '../../../cli/sim.js';

const program = new Command('callboard').showHelpAfterError();
registerCdrCommands(program);
registerSimCommands(program);
await program.parseAsync();
