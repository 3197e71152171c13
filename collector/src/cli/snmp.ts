import { Command, InvalidArgumentError, Option } from 'commander';
// Only names here: the commands' code (net-snmp, the simulator) is imported when one runs.
import type { PollFlags, SimFlags } from '../inputs/snmp/cli-actions.js';
import { PROFILE_NAMES } from '../inputs/snmp/profiles/index.js';

const positiveInt = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be a whole number >= 0, got "${value}"`);
  return n;
};

const profileList = (value: string, previous: string[] = []) => {
  const names = value.split(',').map((s) => s.trim());
  for (const n of names)
    if (n !== 'auto' && !PROFILE_NAMES.includes(n))
      throw new InvalidArgumentError(`unknown profile "${n}" (auto, ${PROFILE_NAMES.join(', ')})`);
  return [...previous, ...names];
};

/** Adds `callboard poll` and `callboard sim snmp` (under an existing `sim` command if there is one). */
export function registerSnmpCommands(program: Command): void {
  program
    .command('poll')
    .description('poll one SNMP device once and print what the snmp input would see')
    .requiredOption('--target <host:port>', 'device address (port 161 by default)')
    .option('--community-file <path>', 'file holding the SNMPv1/v2c community (or set CALLBOARD_SNMP_COMMUNITY)')
    .option('--community <community>', 'SNMPv1/v2c community on the command line (visible to other local users in ps: prefer the file)')
    .addOption(new Option('--snmp-version <v>', 'SNMP version').choices(['1', '2c', '3']).default('2c'))
    .option('--v3-user <user>', 'SNMPv3 user (implies --snmp-version 3)')
    .addOption(
      new Option('--v3-level <level>', 'SNMPv3 security level').choices(['noAuthNoPriv', 'authNoPriv', 'authPriv']).default('authPriv'),
    )
    .addOption(new Option('--v3-auth-protocol <p>', 'SNMPv3 authentication').choices(['md5', 'sha', 'sha256', 'sha512']).default('sha'))
    .option('--v3-auth-key-file <path>', 'file holding the SNMPv3 authentication passphrase (or set CALLBOARD_SNMP_V3_AUTH_KEY)')
    .option('--v3-auth-key <key>', 'SNMPv3 authentication passphrase on the command line (visible in ps: prefer the file)')
    .addOption(new Option('--v3-priv-protocol <p>', 'SNMPv3 privacy').choices(['des', 'aes', 'aes256b']).default('aes'))
    .option('--v3-priv-key-file <path>', 'file holding the SNMPv3 privacy passphrase (or set CALLBOARD_SNMP_V3_PRIV_KEY)')
    .option('--v3-priv-key <key>', 'SNMPv3 privacy passphrase on the command line (visible in ps: prefer the file)')
    .option('--v3-context <name>', 'SNMPv3 context (the recording, for snmpsim)')
    .option('--profile <names>', `auto, or profiles (comma separated): ${PROFILE_NAMES.join(', ')}`, profileList)
    .option('--timeout <ms>', 'per request', positiveInt('--timeout'), 2000)
    .option('--retries <n>', 'retries after a timeout', positiveInt('--retries'), 1)
    .option('--json', 'print one JSON object')
    .action(async (flags: PollFlags) => {
      process.exitCode = await (await import('../inputs/snmp/cli-actions.js')).pollCommand(flags);
    });

  const sim =
    program.commands.find((c) => c.name() === 'sim') ?? program.command('sim').description('simulators for demos, tests and benchmarks');
  sim
    .command('snmp')
    .description(
      'serve snmprec recordings over SNMP v1/v2c/v3; community (or v3 context) = recording base name (or <name>-<i> for --devices clones)',
    )
    .requiredOption('--snmprec <fileOrDir...>', '.snmprec files or directories of them')
    .option('--listen <host:port>', 'UDP address', '127.0.0.1:1161')
    .option('--devices <n>', 'clone the first recording into N devices (communities <name>-1 … <name>-N)', positiveInt('--devices'))
    .option('--frozen', 'interface counters keep their recorded values')
    .option('--port-per-device', 'also give each clone its own UDP port (community = the recording name)')
    .option('--v3-user <name>', 'SNMPv3 user served (the recording chosen by the v3 context name; empty context: the first)')
    .addOption(
      new Option('--v3-auth-protocol <p>', 'SNMPv3 authentication of --v3-user')
        .choices(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'])
        .default('sha'),
    )
    .option('--v3-auth-key <key>', 'SNMPv3 authentication passphrase of --v3-user (at least 8 characters)')
    .addOption(new Option('--v3-priv-protocol <p>', 'SNMPv3 privacy of --v3-user').choices(['aes']).default('aes'))
    .option('--v3-priv-key <key>', 'SNMPv3 privacy passphrase of --v3-user (authPriv; without it the user is authNoPriv)')
    .option('--json', 'print one JSON line {port, communities, devicePorts} when ready')
    .action(async (flags: SimFlags) => (await import('../inputs/snmp/cli-actions.js')).simSnmpCommand(flags));
}
