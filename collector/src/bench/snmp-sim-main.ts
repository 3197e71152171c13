// Process entry for the SNMP benchmark's simulator: `callboard sim snmp` in a process of its own,
// so that its CPU is measured apart from the poller's.
import { Command } from 'commander';
import { registerSnmpCommands } from '../cli/snmp.js';

const program = new Command('callboard');
registerSnmpCommands(program);
await program.parseAsync(['node', 'callboard', 'sim', 'snmp', ...process.argv.slice(2)]);
