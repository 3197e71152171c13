// A real Kamailio 5.6 softswitch for tests and the demo: SIP on a random loopback UDP
// port, JSON-RPC + /metrics over HTTP, call events over evapi, gateways from options.
//
// The config is kamailio/kamailio.cfg, a template filled here; what it does and why is
// documented in that file, including the exact evapi event payloads.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KamailioRpc } from '../inputs/kamailio/rpc.js';
import { freePorts, udpSocketsBoundTo } from './ports.js';
import { spawnReady, waitFor } from './process.js';
import { fillTemplate } from './template.js';
import { launchOnFreePorts, restartable, type Restartable } from './restartable.js';
import { workDir } from './work-dir.js';

const run = promisify(execFile);

export const KAMAILIO_CFG_TEMPLATE = new URL('./kamailio/kamailio.cfg', import.meta.url);

export interface Gateway {
  /** dispatcher attrs "name": what a NOC operator calls the trunk */
  name: string;
  /** UDP port of the gateway (a SIPp UAS) on 127.0.0.1 */
  port: number;
  /** dispatcher attrs "duid": stable id of the destination */
  duid: string;
}

export interface KamailioOptions {
  /** All in dispatcher set 1, round robin. */
  gateways: Gateway[];
  /** OPTIONS probe interval; a dead gateway turns IP after about this + tm fr_timer (2 s). Default 2. */
  pingIntervalS?: number;
  /** Work dir (config, run/, acc/, log); default a new temp dir, removed again by stop(). */
  dir?: string;
  startTimeoutMs?: number;
  /** Shared memory MB (-m). Default 128. */
  sharedMemoryMb?: number;
}

export interface Kamailio extends Restartable {
  sipPort: number;
  httpPort: number;
  /** http://127.0.0.1:<httpPort>/RPC */
  rpcUrl: string;
  /** http://127.0.0.1:<httpPort>/metrics (xhttp_prom, no # TYPE lines) */
  metricsUrl: string;
  evapiPort: number;
  dir: string;
  cfgFile: string;
  logFile: string;
  /** acc flatstore files: acc_<n>.log (transactions), acc_cdrs_<n>.log (CDRs) */
  accDir: string;
  dispatcherList: string;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
}

export type GatewayFlags = 'AP' | 'IP' | 'DX' | 'TX' | 'AX' | 'IX' | 'TP' | string;

export interface DispatcherTarget {
  setId: number;
  uri: string;
  /** AP active+probing (up), IP inactive+probing (down), DX disabled, TP trying */
  flags: GatewayFlags;
  duid?: string;
  name?: string;
  latency?: { avg: number; std: number; est: number; max: number; timeout: number };
}


export function gatewayUri(port: number): string {
  return `sip:127.0.0.1:${port}`;
}

export function renderDispatcherList(gateways: Gateway[]): string {
  const lines = ['# setid destination flags priority attrs  (written by devstack/kamailio.ts)'];
  for (const gw of gateways) {
    for (const [key, value] of Object.entries({ name: gw.name, duid: gw.duid })) {
      // the attrs field is "k=v;k=v" up to the end of the line: keep values simple
      if (!/^[A-Za-z0-9_.+-]+$/.test(value)) throw new Error(`gateway ${key} "${value}": use letters, digits and _ . + - only`);
    }
    if (!Number.isInteger(gw.port) || gw.port <= 0 || gw.port > 65535) throw new Error(`gateway ${gw.name}: bad port ${gw.port}`);
    lines.push(`1 ${gatewayUri(gw.port)} 0 0 duid=${gw.duid};name=${gw.name}`);
  }
  return lines.join('\n') + '\n';
}

export function renderKamailioConfig(values: {
  workDir: string;
  sipPort: number;
  httpPort: number;
  evapiPort: number;
  dispatcherList: string;
  accDir: string;
  pingIntervalS: number;
}): string {
  return fillTemplate(readFileSync(KAMAILIO_CFG_TEMPLATE, 'utf8'), {
    WORK_DIR: values.workDir,
    SIP_PORT: values.sipPort,
    HTTP_PORT: values.httpPort,
    EVAPI_PORT: values.evapiPort,
    DISPATCHER_LIST: values.dispatcherList,
    ACC_DIR: values.accDir,
    PING_INTERVAL_S: values.pingIntervalS,
  });
}

async function checkConfig(cfgFile: string): Promise<void> {
  try {
    await run('kamailio', ['-c', '-f', cfgFile], { timeout: 15_000 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.split('\n').filter((l) => /ERROR|CRITICAL|error/.test(l));
    throw new Error(`kamailio -c rejected ${cfgFile}: ${e.message}\n${output.slice(-15).join('\n')}`);
  }
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', reject);
  });
}

export async function startKamailio(options: KamailioOptions): Promise<Kamailio> {
  const work = workDir(options.dir, 'kamailio');
  const dir = work.path;
  const accDir = join(dir, 'acc');
  mkdirSync(join(dir, 'run'), { recursive: true });
  mkdirSync(accDir, { recursive: true });
  const cfgFile = join(dir, 'kamailio.cfg');
  const logFile = join(dir, 'kamailio.log');
  const dispatcherList = join(dir, 'dispatcher.list');
  const pingIntervalS = options.pingIntervalS ?? 2;
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  writeFileSync(dispatcherList, renderDispatcherList(options.gateways));

  let sipPort = 0;
  let httpPort = 0;
  let evapiPort = 0;
  const rpcUrlFor = (): string => `http://127.0.0.1:${httpPort}/RPC`;

  const launch = () =>
    spawnReady(
      {
        name: 'kamailio',
        command: 'kamailio',
        // -DD: no fork to background (we own the process); -E: log to stderr (our log file)
        args: ['-f', cfgFile, '-DD', '-E', '-m', String(options.sharedMemoryMb ?? 128), '-M', '8'],
        cwd: dir,
        logFile,
      },
      async (h) => {
        await waitFor(() => new KamailioRpc(rpcUrlFor(), 1000).call('core.version'), {
          timeoutMs: startTimeoutMs,
          intervalMs: 25,
          what: `kamailio JSON-RPC core.version at ${rpcUrlFor()}`,
          service: h,
        });
        await waitFor(() => tcpAccepts(evapiPort), { timeoutMs: startTimeoutMs, what: `kamailio evapi on 127.0.0.1:${evapiPort}`, service: h });
        const sharing = await udpSocketsBoundTo(sipPort);
        if (sharing > 1) throw new Error(`address already in use: UDP 127.0.0.1:${sipPort} is bound by ${sharing} sockets (SO_REUSEADDR)`);
      },
    );

  const first = await launchOnFreePorts(
    async (attempt) => {
      [sipPort] = (await freePorts(1, 'udp')) as [number];
      [httpPort, evapiPort] = (await freePorts(2, 'tcp')) as [number, number];
      writeFileSync(cfgFile, renderKamailioConfig({ workDir: dir, sipPort, httpPort, evapiPort, dispatcherList, accDir, pingIntervalS }));
      if (attempt === 1) await checkConfig(cfgFile);
    },
    launch,
    (error) => /address already in use/i.test(String(error)),
  );

  const rpcUrl = rpcUrlFor();
  return restartable(
    {
      sipPort,
      httpPort,
      rpcUrl,
      metricsUrl: `http://127.0.0.1:${httpPort}/metrics`,
      evapiPort,
      dir,
      cfgFile,
      logFile,
      accDir,
      dispatcherList,
      rpc: <T,>(method: string, params: unknown[] = []) => new KamailioRpc(rpcUrl, 2000).call(method, params) as Promise<T>,
    },
    first,
    launch,
    () => work.release(),
  );
}

interface RawDispatcherList {
  RECORDS?: Array<{
    SET: {
      ID: number;
      TARGETS: Array<{
        DEST: {
          URI: string;
          FLAGS: string;
          ATTRS?: { BODY?: string; DUID?: string };
          LATENCY?: { AVG: number; STD: number; EST: number; MAX: number; TIMEOUT: number };
        };
      }>;
    };
  }>;
}

/** Kamailio's dispatcher.list RPC, flattened. */
export async function listGateways(k: Pick<Kamailio, 'rpc'>): Promise<DispatcherTarget[]> {
  const raw = await k.rpc<RawDispatcherList>('dispatcher.list');
  const targets: DispatcherTarget[] = [];
  for (const record of raw.RECORDS ?? []) {
    for (const { DEST: d } of record.SET.TARGETS) {
      const name = /(?:^|;)name=([^;]*)/.exec(d.ATTRS?.BODY ?? '')?.[1];
      targets.push({
        setId: record.SET.ID,
        uri: d.URI,
        flags: d.FLAGS,
        duid: d.ATTRS?.DUID,
        name,
        latency: d.LATENCY && {
          avg: d.LATENCY.AVG,
          std: d.LATENCY.STD,
          est: d.LATENCY.EST,
          max: d.LATENCY.MAX,
          timeout: d.LATENCY.TIMEOUT,
        },
      });
    }
  }
  return targets;
}

/** Waits until dispatcher.list shows the gateway with exactly these flags ('AP' up, 'IP' down). */
export async function waitGatewayState(
  k: Pick<Kamailio, 'rpc' | 'handle'>,
  uri: string,
  state: 'AP' | 'IP',
  timeoutMs: number,
): Promise<void> {
  let seen = 'nothing yet';
  await waitFor(
    async () => {
      const target = (await listGateways(k)).find((t) => t.uri === uri);
      seen = target ? target.flags : 'not listed';
      return seen === state;
    },
    { timeoutMs, intervalMs: 100, what: () => `gateway ${uri} to be ${state} (last seen: ${seen})`, service: k.handle },
  );
}
