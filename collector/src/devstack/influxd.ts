// A real InfluxDB 1.6 (Debian's influxd 1.6.7) for tests and the demo, on random
// loopback ports, with its data in a directory we own.
//
// Config: shared/docs/real-services.md section 2. The non-obvious parts: the default HTTP
// bind is all interfaces, misspelled keys are silently ignored, and continuous queries
// run every 1 s (instead of 1 min) so tests of CQ-backed rollups finish quickly.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from './ports.js';
import { spawnReady, waitFor } from './process.js';
import { launchOnFreePorts, restartable, type Restartable } from './restartable.js';
import { workDir } from './work-dir.js';

export interface InfluxdOptions {
  /** Data, config and log go here; default a new temp dir, removed again by stop(). */
  dir?: string;
  startTimeoutMs?: number;
}

export interface Influxd extends Restartable {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** backup/restore RPC port (bound to loopback too, or it defaults to 127.0.0.1:8088 and clashes) */
  rpcPort: number;
  dir: string;
  configFile: string;
  logFile: string;
}

export function renderInfluxdConfig(o: { dir: string; httpPort: number; rpcPort: number }): string {
  return `# influxd 1.6.7, Callboard devstack: loopback only, written by influxd.ts
reporting-enabled = false
bind-address = "127.0.0.1:${o.rpcPort}"

[meta]
  dir = "${o.dir}/data/meta"
  logging-enabled = false

[data]
  dir = "${o.dir}/data/data"
  wal-dir = "${o.dir}/data/wal"
  query-log-enabled = false
  index-version = "inmem"

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${o.httpPort}"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false
  flux-enabled = false

[ifql]
  enabled = false

[[graphite]]
  enabled = false
[[collectd]]
  enabled = false
[[opentsdb]]
  enabled = false
[[udp]]
  enabled = false

[continuous_queries]
  enabled = true
  log-enabled = true
  run-interval = "1s"

[logging]
  format = "logfmt"
  level = "info"
  suppress-logo = true
`;
}

export async function pingInfluxd(url: string): Promise<boolean> {
  const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
  await response.arrayBuffer();
  if (response.status !== 204) throw new Error(`GET /ping answered ${response.status}`);
  return true;
}

export async function startInfluxd(options: InfluxdOptions = {}): Promise<Influxd> {
  const work = workDir(options.dir, 'influxd');
  const dir = work.path;
  mkdirSync(join(dir, 'data'), { recursive: true });
  const configFile = join(dir, 'influxdb.conf');
  const logFile = join(dir, 'influxd.log');
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;

  // INFLUXDB_* variables override the config file (e.g. INFLUXDB_HTTP_BIND_ADDRESS):
  // a developer's shell must not move our ports.
  const env: NodeJS.ProcessEnv = {};
  for (const key of Object.keys(process.env)) if (key.startsWith('INFLUXDB_')) env[key] = undefined;

  let httpPort = 0;
  let rpcPort = 0;

  const launch = () =>
    spawnReady({ name: 'influxd', command: 'influxd', args: ['run', '-config', configFile], cwd: dir, env, logFile }, (h) =>
      waitFor(() => pingInfluxd(`http://127.0.0.1:${httpPort}`), {
        timeoutMs: startTimeoutMs,
        intervalMs: 20,
        what: `influxd /ping 204 on 127.0.0.1:${httpPort}`,
        service: h,
      }),
    );

  const first = await launchOnFreePorts(
    async () => {
      [httpPort, rpcPort] = (await freePorts(2, 'tcp')) as [number, number];
      writeFileSync(configFile, renderInfluxdConfig({ dir, httpPort, rpcPort }));
    },
    launch,
    (error) => /address already in use/.test(String(error)),
  );

  return restartable({ url: `http://127.0.0.1:${httpPort}`, port: httpPort, rpcPort, dir, configFile, logFile }, first, launch, () => work.release());
}
