// What `callboard poll` and `callboard sim snmp` do; cli/snmp.ts imports this only when one of
// them runs, so that other commands never load net-snmp or the simulator.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { splitAddress } from './inventory.js';
import { pollDevice } from './poll-device.js';
import { pollResultJson } from './poll-json.js';
import { SnmpClient, type SnmpTarget } from './session.js';
import { SnmpSimulator } from './sim/agent.js';
import type { V3AuthProtocol, V3User } from './sim/usm.js';

export interface PollFlags {
  target: string;
  community?: string;
  communityFile?: string;
  snmpVersion: '1' | '2c' | '3';
  v3User?: string;
  v3Level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  v3AuthProtocol: 'md5' | 'sha' | 'sha256' | 'sha512';
  v3AuthKey?: string;
  v3AuthKeyFile?: string;
  v3PrivProtocol: 'des' | 'aes' | 'aes256b';
  v3PrivKey?: string;
  v3PrivKeyFile?: string;
  v3Context?: string;
  profile: string[];
  timeout: number;
  retries: number;
  json?: boolean;
}

export interface SimFlags {
  snmprec: string[];
  listen: string;
  devices?: number;
  frozen?: boolean;
  portPerDevice?: boolean;
  json?: boolean;
  v3User?: string;
  v3AuthProtocol: V3AuthProtocol;
  v3AuthKey?: string;
  v3PrivProtocol: 'aes';
  v3PrivKey?: string;
}

function simV3Users(flags: SimFlags): V3User[] {
  if (!flags.v3User) return [];
  if (!flags.v3AuthKey || flags.v3AuthKey.length < 8) throw new Error('--v3-user needs --v3-auth-key of at least 8 characters');
  if (flags.v3PrivKey !== undefined && flags.v3PrivKey.length < 8) throw new Error('--v3-priv-key must have at least 8 characters');
  return [
    {
      name: flags.v3User,
      authProtocol: flags.v3AuthProtocol,
      authKey: flags.v3AuthKey,
      ...(flags.v3PrivKey ? { privProtocol: flags.v3PrivProtocol, privKey: flags.v3PrivKey } : {}),
    },
  ];
}

export async function simSnmpCommand(flags: SimFlags): Promise<void> {
  const files = flags.snmprec.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.snmprec'))
          .sort()
          .map((f) => join(p, f))
      : [p],
  );
  const simulator = new SnmpSimulator({
    files,
    ...(flags.devices ? { devices: flags.devices } : {}),
    advance: !flags.frozen,
    portPerDevice: Boolean(flags.portPerDevice),
    v3Users: simV3Users(flags),
  });
  const { host, port } = splitAddress(flags.listen, 1161);
  const bound = await simulator.start(host, port);
  const names = simulator.communities;
  const engineId = simulator.usm?.engineId.toString('hex');
  if (flags.json)
    process.stdout.write(
      `${JSON.stringify({ port: bound, communities: names.length, devicePorts: simulator.devicePorts, ...(engineId ? { engineId } : {}) })}\n`,
    );
  else
    process.stdout.write(
      `SNMP simulator on ${host}:${bound}: ${names.length} devices (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})\n`,
    );
  const stop = () =>
    void simulator.stop().then(() => {
      // What the v3 engine rejected (wrong digests = wrong keys), for whoever started it.
      if (simulator.usm) process.stderr.write(`SNMPv3 usmStats ${JSON.stringify(simulator.usm.stats)}\n`);
      process.exit(0);
    });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** A usage problem of `callboard poll`: printed as is, exit code 2. */
class PollUsageError extends Error {}

/**
 * One secret of `callboard poll`, from (in this order) its file flag, its flag, or its environment
 * variable. The flag puts it in the process's arguments, which every local user can read (ps,
 * /proc/PID/cmdline): it still works, with a warning.
 */
function pollSecret(
  what: { flag: string; env: string },
  value: string | undefined,
  file: string | undefined,
  warn: (line: string) => void,
): string | undefined {
  if (value !== undefined && file !== undefined) throw new PollUsageError(`give --${what.flag} or --${what.flag}-file, not both`);
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new PollUsageError(`cannot read --${what.flag}-file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    if (text === '') throw new PollUsageError(`--${what.flag}-file ${file} is empty`);
    return text;
  }
  if (value !== undefined) {
    warn(`warning: --${what.flag} on the command line can be read by other local users (ps); use --${what.flag}-file or ${what.env}`);
    return value;
  }
  return process.env[what.env] || undefined;
}

const COMMUNITY = { flag: 'community', env: 'CALLBOARD_SNMP_COMMUNITY' };
const V3_AUTH_KEY = { flag: 'v3-auth-key', env: 'CALLBOARD_SNMP_V3_AUTH_KEY' };
const V3_PRIV_KEY = { flag: 'v3-priv-key', env: 'CALLBOARD_SNMP_V3_PRIV_KEY' };

/** The target `callboard poll` asks, with its secrets; nothing is assumed (no `public`, no empty key). */
export function pollTarget(flags: PollFlags, warn: (line: string) => void): SnmpTarget {
  const { host, port } = splitAddress(flags.target);
  const version = flags.v3User ? '3' : flags.snmpVersion;
  const base = { host, port, version, timeoutMs: flags.timeout, retries: flags.retries } as const;
  const missing = (what: { flag: string; env: string }, why: string) =>
    new PollUsageError(`${why}: give --${what.flag}-file FILE or set ${what.env} (or --${what.flag}, visible in ps)`);
  if (version !== '3') {
    const community = pollSecret(COMMUNITY, flags.community, flags.communityFile, warn);
    if (community === undefined) throw missing(COMMUNITY, `no community for SNMP v${version} (none is assumed)`);
    return { ...base, community };
  }
  if (!flags.v3User) throw new PollUsageError('--snmp-version 3 needs --v3-user');
  const level = flags.v3Level;
  const authKey = pollSecret(V3_AUTH_KEY, flags.v3AuthKey, flags.v3AuthKeyFile, warn);
  const privKey = pollSecret(V3_PRIV_KEY, flags.v3PrivKey, flags.v3PrivKeyFile, warn);
  if (level !== 'noAuthNoPriv' && authKey === undefined) throw missing(V3_AUTH_KEY, `no authentication key for --v3-level ${level}`);
  if (level === 'authPriv' && privKey === undefined) throw missing(V3_PRIV_KEY, 'no privacy key for --v3-level authPriv');
  return {
    ...base,
    v3: {
      user: flags.v3User,
      level,
      authProtocol: flags.v3AuthProtocol,
      authKey,
      privProtocol: flags.v3PrivProtocol,
      privKey,
      context: flags.v3Context,
    },
  };
}

export async function pollCommand(flags: PollFlags): Promise<number> {
  const warn = (line: string) => void process.stderr.write(`${line}\n`);
  let target: SnmpTarget;
  try {
    target = pollTarget(flags, warn);
  } catch (error) {
    if (!(error instanceof PollUsageError)) throw error;
    process.stderr.write(`callboard poll: ${error.message}\n`);
    return 2;
  }
  const client = new SnmpClient(1);
  try {
    const { result, errors } = await pollDevice(client, target, flags.profile ?? ['auto'], { profileState: {} });
    if (flags.json) process.stdout.write(`${pollResultJson(result)}\n`);
    else {
      const d = result.device;
      process.stdout.write(
        `${d.sysName || flags.target} (${d.vendor}${d.os ? ` ${d.os}` : ''}, ${d.sysObjectID}), profiles ${d.profiles.join(', ')}\n`,
      );
      process.stdout.write(
        `  ${result.interfaces.length} interfaces, ${result.cpu.length} CPUs, ${result.memory.length} memory pools, ${result.ipsla.length} IP SLA entries${result.voice ? `, ${result.voice.activeCalls} active calls` : ''}\n`,
      );
    }
    for (const e of errors) process.stderr.write(`profile ${e.profile} failed: ${e.message}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    client.close();
  }
}
