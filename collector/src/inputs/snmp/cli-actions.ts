// What `callboard poll` and `callboard sim snmp` do; cli/snmp.ts imports this only when one of
// them runs, so that other commands never load net-snmp or the simulator.
import { readdirSync, statSync } from 'node:fs';
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
  snmpVersion: '1' | '2c' | '3';
  v3User?: string;
  v3Level: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
  v3AuthProtocol: 'md5' | 'sha' | 'sha256' | 'sha512';
  v3AuthKey?: string;
  v3PrivProtocol: 'des' | 'aes' | 'aes256b';
  v3PrivKey?: string;
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

export async function pollCommand(flags: PollFlags): Promise<number> {
  const { host, port } = splitAddress(flags.target);
  const version = flags.v3User ? '3' : flags.snmpVersion;
  const target: SnmpTarget = {
    host,
    port,
    version,
    timeoutMs: flags.timeout,
    retries: flags.retries,
    ...(version === '3'
      ? {
          v3: {
            user: flags.v3User ?? '',
            level: flags.v3Level,
            authProtocol: flags.v3AuthProtocol,
            authKey: flags.v3AuthKey,
            privProtocol: flags.v3PrivProtocol,
            privKey: flags.v3PrivKey,
            context: flags.v3Context,
          },
        }
      : { community: flags.community ?? 'public' }),
  };
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
