// Test bench for the trap acceptance tests (test/snmp-trap-*.test.ts): a simulated router polled
// by a real `snmp` input, a `snmp-trap` input beside it in one Collector, and Debian's snmptrap /
// snmpinform as senders. Not used by the collector itself.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Collector } from '../../app.js';
import { parseConfig } from '../../config.js';
import { freePort } from '../../devstack/ports.js';
import { waitFor } from '../../devstack/process.js';
import { createLogger } from '../../lib/log.js';
import { SnmpSimulator } from '../snmp/sim/agent.js';

export const TOKEN = 'trap-test-token-7c1e';
export const COMMUNITY = 'trap-community-5d2a';
export const V3 = { user: 'noc-traps', authKey: 'auth-key-8b3f61', privKey: 'priv-key-2e9c47' } as const;

export interface SimInterface {
  ifIndex: number;
  ifName: string;
  /** bits/s (ifHighSpeed in Mbit/s is derived). */
  speedBps: number;
  /** 32-bit counters only (no ifXTable HC columns), as an old line card has. */
  counters32Only?: boolean;
  inOctets?: number;
  /** Also ifIn/OutUcastPkts and ifIn/OutErrors (32-bit, from 0): for error-rate tests. */
  errorCounters?: boolean;
}

/** An snmprec recording of a router with the given interfaces (all up). */
export function routerRecording(sysName: string, interfaces: readonly SimInterface[]): string {
  const lines = [
    `1.3.6.1.2.1.1.1.0|4|Cisco IOS Software, 2800 Software`,
    `1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.576`,
    `1.3.6.1.2.1.1.3.0|67|100000`,
    `1.3.6.1.2.1.1.5.0|4|${sysName}`,
  ];
  const column = (table: string, col: number, i: SimInterface, type: number, value: string | number) =>
    `${table}.${col}.${i.ifIndex}|${type}|${value}`;
  const rows: string[] = [];
  for (const i of interfaces) {
    const IF = '1.3.6.1.2.1.2.2.1';
    rows.push(
      column(IF, 1, i, 2, i.ifIndex),
      column(IF, 2, i, 4, i.ifName),
      column(IF, 3, i, 2, 6),
      column(IF, 5, i, 66, Math.min(i.speedBps, 4294967295)),
    );
    rows.push(column(IF, 7, i, 2, 1), column(IF, 8, i, 2, 1), column(IF, 10, i, 65, i.inOctets ?? 1000), column(IF, 16, i, 65, 1000));
    if (i.errorCounters) rows.push(...[11, 14, 17, 20].map((col) => column(IF, col, i, 65, 0)));
    const IFX = '1.3.6.1.2.1.31.1.1.1';
    rows.push(column(IFX, 1, i, 4, i.ifName), column(IFX, 15, i, 66, Math.round(i.speedBps / 1e6)));
    if (!i.counters32Only) rows.push(column(IFX, 6, i, 70, i.inOctets ?? 1000), column(IFX, 10, i, 70, 1000));
  }
  // snmprec rows are served in OID order.
  const key = (line: string) => line.split('|')[0]!.split('.').map(Number);
  rows.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    for (let k = 0; k < Math.min(x.length, y.length); k++) if (x[k] !== y[k]) return x[k]! - y[k]!;
    return x.length - y.length;
  });
  return `${[...lines, ...rows].join('\n')}\n`;
}

export interface SnmpCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs snmptrap / snmpinform (Debian's `snmp` package); never throws on a non-zero exit. */
export function snmpCommand(command: 'snmptrap' | 'snmpinform', args: readonly string[], timeoutMs = 10_000): Promise<SnmpCommandResult> {
  return new Promise((resolve) => {
    execFile(command, [...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error
        ? typeof (error as NodeJS.ErrnoException & { code?: unknown }).code === 'number'
          ? Number((error as { code: number }).code)
          : 1
        : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** snmptrap/snmpinform options for the bench's v3 authPriv user, sent from `from` (a loopback address). */
export const v3Options = (from: string, authKey: string = V3.authKey) => [
  '-v',
  '3',
  '-l',
  'authPriv',
  '-u',
  V3.user,
  '-a',
  'SHA',
  '-A',
  authKey,
  '-x',
  'AES',
  '-X',
  V3.privKey,
  `--clientaddr=${from}`,
];

/** snmptrap/snmpinform arguments of IF-MIB linkDown/linkUp for one ifIndex (v2c). */
export function linkTrapArgs(kind: 'linkDown' | 'linkUp', ifIndex: number): string[] {
  const oid = kind === 'linkDown' ? '1.3.6.1.6.3.1.1.5.3' : '1.3.6.1.6.3.1.1.5.4';
  const oper = kind === 'linkDown' ? 2 : 1;
  return [
    '',
    oid,
    `1.3.6.1.2.1.2.2.1.1.${ifIndex}`,
    'i',
    String(ifIndex),
    `1.3.6.1.2.1.2.2.1.7.${ifIndex}`,
    'i',
    '1',
    `1.3.6.1.2.1.2.2.1.8.${ifIndex}`,
    'i',
    String(oper),
  ];
}

export interface TrapBenchOptions {
  /** The polled router's address (its traps come from this address too). */
  routerHost?: string;
  interfaces: readonly SimInterface[];
  snmpInterval?: string;
  health?: { hold?: string; staleAfter?: string };
  trap?: Record<string, unknown>;
  /** The collector's `alerting` config, when a test checks that trap-driven link states page. */
  alerting?: Record<string, unknown>;
  /** More polled routers: name → recording, each on its own loopback address. */
  extraRouters?: readonly { name: string; host: string; interfaces: readonly SimInterface[] }[];
}

export interface TrapBench {
  collector: Collector;
  api: string;
  trapPort: number;
  sims: Map<string, SnmpSimulator>;
  /** `host:port` of the trap receiver, for snmptrap's agent argument. */
  trapTarget: string;
  get(path: string): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startTrapBench(options: TrapBenchOptions): Promise<TrapBench> {
  const dir = mkdtempSync(join(tmpdir(), 'callboard-trap-'));
  const routers = [
    { name: 'rtr1', host: options.routerHost ?? '127.0.0.2', interfaces: options.interfaces },
    ...(options.extraRouters ?? []),
  ];
  const sims = new Map<string, SnmpSimulator>();
  const targets: Record<string, unknown>[] = [];
  for (const r of routers) {
    const file = join(dir, `${r.name}.snmprec`);
    writeFileSync(file, routerRecording(r.name, r.interfaces));
    const sim = new SnmpSimulator({ files: [file] });
    const port = await sim.start(r.host, 0);
    sims.set(r.name, sim);
    targets.push({
      device: r.name,
      address: `${r.host}:${port}`,
      credentials: r.name,
      site: 'nyc-pop1',
      region: 'east',
      role: 'core',
      profiles: 'if-mib',
    });
  }
  process.env.CALLBOARD_TRAP_TOKEN = TOKEN;
  process.env.CALLBOARD_TRAP_COMMUNITY = COMMUNITY;
  process.env.CALLBOARD_TRAP_AUTH = V3.authKey;
  process.env.CALLBOARD_TRAP_PRIV = V3.privKey;
  for (const r of routers) process.env[`CALLBOARD_TRAP_SIM_${r.name.toUpperCase()}`] = r.name;
  const trapPort = await freePort('udp');
  const config = parseConfig({
    stateDir: join(dir, 'state'),
    log: { level: 'warn' },
    api: { port: 0, token: { env: 'CALLBOARD_TRAP_TOKEN' } },
    health: { hold: options.health?.hold ?? '30s', staleAfter: options.health?.staleAfter ?? '45s' },
    ...(options.alerting ? { alerting: options.alerting } : {}),
    inputs: [
      {
        type: 'snmp',
        name: 'core',
        interval: options.snmpInterval ?? '1s',
        credentials: Object.fromEntries(
          routers.map((r) => [r.name, { version: '2c', community: { env: `CALLBOARD_TRAP_SIM_${r.name.toUpperCase()}` } }]),
        ),
        targets,
      },
      {
        type: 'snmp-trap',
        name: 'traps',
        listen: { host: '127.0.0.1', port: trapPort },
        communities: [{ env: 'CALLBOARD_TRAP_COMMUNITY' }],
        users: [
          {
            user: V3.user,
            level: 'authPriv',
            authProtocol: 'sha',
            authKey: { env: 'CALLBOARD_TRAP_AUTH' },
            privProtocol: 'aes',
            privKey: { env: 'CALLBOARD_TRAP_PRIV' },
          },
        ],
        ...options.trap,
      },
    ],
  });
  const collector = new Collector(config, createLogger({ level: 'warn' }));
  await collector.start();
  const api = collector.api.url;
  const get = async (path: string) =>
    (await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<unknown>;
  // The poller knows every router's interface names before a test sends its first trap.
  await waitFor(
    () =>
      routers.every(
        (r) => collector.store.all(new Set(['snmp_interface'])).filter((s) => s.tags.device === r.name).length === r.interfaces.length,
      ),
    { timeoutMs: 15_000, what: 'the first poll of every simulated router' },
  );
  return {
    collector,
    api,
    trapPort,
    sims,
    trapTarget: `127.0.0.1:${trapPort}`,
    get,
    async stop() {
      await collector.stop();
      for (const sim of sims.values()) await sim.stop();
    },
  };
}

export interface ApiLink {
  id: string;
  kind: string;
  group: string;
  state: string;
  reasons: string[];
  source?: string;
}

export async function links(bench: TrapBench): Promise<ApiLink[]> {
  return ((await bench.get('/api/v1/links')) as { links: ApiLink[] }).links;
}

/** A metric's value from the Prometheus text on /metrics, 0 when absent. */
export async function promValue(bench: TrapBench, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${bench.api}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    if (want.every((w) => labelText.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
