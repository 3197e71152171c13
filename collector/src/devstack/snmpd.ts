// A real net-snmp snmpd (Debian 5.9.3) for tests, on a random loopback UDP port: v2c community
// and an SNMPv3 authPriv user, plus an emulated Cisco CPU table (pass_persist).
// Config: shared/docs/real-services.md section 4. `-C` reads only our file, `-m ""` loads no
// MIB files (hundreds of "Cannot find module" lines otherwise), `-I -smux` opens no TCP 199.
import { copyFileSync, chmodSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SnmpClient } from '../inputs/snmp/session.js';
import { freePort } from './ports.js';
import { spawnReady, waitFor, type ServiceHandle } from './process.js';
import { fillTemplate } from './template.js';
import { workDir } from './work-dir.js';

export interface SnmpdOptions {
  dir?: string;
  startTimeoutMs?: number;
}

export interface Snmpd {
  host: '127.0.0.1';
  port: number;
  community: string;
  /** authPriv SHA-1 + AES-128; the same keys with user `<user>-sha256` are SHA-256 + AES-128. */
  v3: { user: string; authProtocol: 'sha'; authKey: string; privProtocol: 'aes'; privKey: string };
  dir: string;
  logFile: string;
  handle: ServiceHandle;
  stop(): Promise<void>;
}

const TEMPLATE_DIR = new URL('./snmp/', import.meta.url);
const PORT_ATTEMPTS = 3;

export async function startSnmpd(options: SnmpdOptions = {}): Promise<Snmpd> {
  const work = workDir(options.dir, 'snmpd');
  const dir = work.path;
  mkdirSync(join(dir, 'persist'), { recursive: true });
  const cpuPass = join(dir, 'cisco-cpu-pass.mjs');
  copyFileSync(new URL('cisco-cpu-pass.mjs', TEMPLATE_DIR), cpuPass);
  chmodSync(cpuPass, 0o755);
  const configFile = join(dir, 'snmpd.conf');
  const logFile = join(dir, 'snmpd.log');
  const community = 'public';
  const v3 = { user: 'nocv3', authProtocol: 'sha' as const, authKey: 'noc-auth-pass-1', privProtocol: 'aes' as const, privKey: 'noc-priv-pass-1' };
  const template = readFileSync(new URL('snmpd.conf', TEMPLATE_DIR), 'utf8');

  for (let attempt = 1; ; attempt++) {
    const port = await freePort('udp');
    writeFileSync(configFile, fillTemplate(template, { PORT: port, COMMUNITY: community, V3_USER: v3.user, V3_AUTH_KEY: v3.authKey, V3_PRIV_KEY: v3.privKey, CPU_PASS: cpuPass }));
    const client = new SnmpClient(1);
    let handle: ServiceHandle;
    try {
      handle = await spawnReady(
        {
          name: 'snmpd',
          command: 'snmpd',
          args: ['-C', '-c', configFile, '-m', '', '-f', '-LOw', '-I', '-smux,mteTrigger,mteTriggerConf', '-p', join(dir, 'snmpd.pid')],
          cwd: dir,
          env: { SNMP_PERSISTENT_DIR: join(dir, 'persist') },
          logFile,
        },
        (h) =>
          waitFor(async () => (await client.get({ host: '127.0.0.1', port, version: '2c', community, timeoutMs: 200, retries: 0 }, ['1.3.6.1.2.1.1.5.0']))[0] !== undefined, {
            timeoutMs: options.startTimeoutMs ?? 10_000,
            intervalMs: 20,
            what: `snmpd answering on udp 127.0.0.1:${port}`,
            service: h,
          }),
      );
    } catch (error) {
      if (attempt >= PORT_ATTEMPTS) throw error;
      continue;
    } finally {
      client.close();
    }
    return {
      host: '127.0.0.1',
      port,
      community,
      v3,
      dir,
      logFile,
      handle,
      async stop() {
        await handle.stop();
        work.release();
      },
    };
  }
}
