// Secrets never leave the collector: a real collector process runs with API tokens, SNMP v2c
// communities, SNMPv3 auth/priv keys and an InfluxDB password, against a real snmpd (v3 authPriv,
// once with the right keys and once with wrong ones), the SNMP simulator (v2c), an address where
// nothing answers, and a real influxd that is down at first (write errors, retries) and then comes
// back. Its whole log at trace level, /metrics, the API answers and `callboard check` are then
// searched for every secret, raw and as the Basic-auth header InfluxDB gets; none may appear.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { freePort } from '../collector/src/devstack/ports.js';
import { startSnmpd, type Snmpd } from '../collector/src/devstack/snmpd.js';
import { waitFor } from '../collector/src/devstack/wait-for.js';
import { queryRows } from './support/influx-query.js';

const ROOT = join(import.meta.dirname, '..');
const RECORDING = join(ROOT, '../shared/fixtures/snmprec/librenms_ios_c3560.snmprec');
const run = promisify(execFile);
const fresh = (what: string) => `${what}-${randomBytes(8).toString('hex')}`;

const secrets = {
  CB_SEC_ADMIN_TOKEN: fresh('admin'),
  CB_SEC_COMMUNITY: fresh('comm'),
  CB_SEC_DEAD_COMMUNITY: fresh('deadcomm'),
  CB_SEC_V3_AUTH: '',
  CB_SEC_V3_PRIV: '',
  CB_SEC_BAD_AUTH: fresh('badauth'),
  CB_SEC_BAD_PRIV: fresh('badpriv'),
  CB_SEC_INFLUX_PASSWORD: fresh('influxpw'),
};
const WALL_TOKEN = fresh('wall');
const INFLUX_USER = 'callboard';

let influxd: Influxd;
let snmpd: Snmpd;
let sim: ChildProcess;
let collector: ChildProcess;
let output = '';
let apiUrl = '';
let configFile = '';
const dir = mkdtempSync(join(tmpdir(), 'cb-secrets-'));

function forbidden(): Array<[string, string]> {
  const values: Array<[string, string]> = Object.entries(secrets);
  values.push(['wall token (file)', WALL_TOKEN]);
  values.push(['influx Basic auth', Buffer.from(`${INFLUX_USER}:${secrets.CB_SEC_INFLUX_PASSWORD}`).toString('base64')]);
  return values;
}

function leaks(text: string): string[] {
  return forbidden()
    .filter(([, value]) => text.includes(value))
    .map(([name]) => name);
}

beforeAll(async () => {
  [influxd, snmpd] = await Promise.all([startInfluxd(), startSnmpd()]);
  secrets.CB_SEC_V3_AUTH = snmpd.v3.authKey;
  secrets.CB_SEC_V3_PRIV = snmpd.v3.privKey;
  // InfluxDB is down when the collector starts: its writes fail and are retried, and those errors are logged.
  await influxd.kill9();

  const recordings = join(dir, 'snmprec');
  mkdirSync(recordings);
  copyFileSync(RECORDING, join(recordings, `${secrets.CB_SEC_COMMUNITY}.snmprec`));
  sim = spawn(
    process.execPath,
    ['--import', 'tsx', 'collector/src/bench/snmp-sim-main.ts', '--snmprec', recordings, '--listen', '127.0.0.1:0', '--json'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const simPort = (
    JSON.parse((await createInterface({ input: sim.stdout! })[Symbol.asyncIterator]().next()).value as string) as { port: number }
  ).port;

  const wallFile = join(dir, 'wall-token');
  writeFileSync(wallFile, `${WALL_TOKEN}\n`, { mode: 0o600 });
  const apiPort = await freePort('tcp');
  const silentPort = await freePort('udp');
  configFile = join(dir, 'callboard.yaml');
  writeFileSync(
    configFile,
    JSON.stringify({
      stateDir: join(dir, 'state'),
      log: { level: 'trace' },
      api: { port: apiPort, token: { env: 'CB_SEC_ADMIN_TOKEN' }, tokens: [{ name: 'wall', role: 'read', token: { file: wallFile } }] },
      outputs: {
        influx: {
          url: influxd.url,
          database: 'secrets_test',
          username: INFLUX_USER,
          password: { env: 'CB_SEC_INFLUX_PASSWORD' },
          flushInterval: '200ms',
          retry: { initial: '100ms', max: '500ms' },
        },
      },
      inputs: [
        {
          type: 'snmp',
          name: 'core',
          interval: '1s',
          timeout: '300ms',
          retries: 0,
          credentials: {
            default: { community: { env: 'CB_SEC_COMMUNITY' } },
            silent: { community: { env: 'CB_SEC_DEAD_COMMUNITY' } },
            v3: { version: '3', v3: { user: snmpd.v3.user, authKey: { env: 'CB_SEC_V3_AUTH' }, privKey: { env: 'CB_SEC_V3_PRIV' } } },
            v3wrong: {
              version: '3',
              v3: { user: snmpd.v3.user, authKey: { env: 'CB_SEC_BAD_AUTH' }, privKey: { env: 'CB_SEC_BAD_PRIV' } },
            },
          },
          targets: [
            { device: 'sim1', address: `127.0.0.1:${simPort}` },
            { device: 'silent1', address: `127.0.0.1:${silentPort}`, credentials: 'silent' },
            { device: 'rtr1', address: `127.0.0.1:${snmpd.port}`, credentials: 'v3' },
            // The same address and user as rtr1, with wrong keys: it must not borrow rtr1's pooled v3 session.
            { device: 'rtr2', address: `127.0.0.1:${snmpd.port}`, credentials: 'v3wrong' },
          ],
        },
      ],
    }),
  );
  collector = spawn(process.execPath, ['collector/bin/callboard.mjs', 'run', '--config', configFile], {
    cwd: ROOT,
    env: { ...process.env, ...secrets },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  collector.stdout!.on('data', (chunk: Buffer) => (output += chunk));
  collector.stderr!.on('data', (chunk: Buffer) => (output += chunk));
  apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor(async () => (await fetch(`${apiUrl}/healthz`)).ok, { timeoutMs: 30_000, intervalMs: 100, what: 'collector API /healthz' });
  await waitFor(() => output.includes('waiting for InfluxDB'), {
    timeoutMs: 20_000,
    intervalMs: 100,
    what: () => `the InfluxDB error in the log:\n${output.slice(-3000)}`,
  });
  // A few poll cycles (1 s) with the silent device and the wrong v3 keys failing, and writes queued.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await influxd.restart();
  await waitFor(async () => (await queryRows(influxd.url, 'secrets_test', 'SELECT count(*) FROM snmp_interface')).length > 0, {
    timeoutMs: 30_000,
    intervalMs: 250,
    what: 'snmp points in InfluxDB after it came back',
  });
});

afterAll(async () => {
  if (collector && collector.exitCode === null) {
    collector.kill('SIGTERM');
    await new Promise((resolve) => collector.once('exit', resolve));
  }
  sim?.kill('SIGTERM');
  await Promise.allSettled([influxd?.stop(), snmpd?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe('secrets', () => {
  it('the collector really polled, wrote and failed where it should (so the search below means something)', async () => {
    const rows = await queryRows(influxd.url, 'secrets_test', 'SELECT last(oper_status) FROM snmp_interface GROUP BY device');
    expect(rows.length).toBeGreaterThan(0);
    const report = (await (await fetch(`${apiUrl}/api/v1/targets?top=10`, { headers: auth(WALL_TOKEN) })).json()) as {
      inputs: Array<{ polledOk: number; unreachable: Array<{ device: string }> }>;
    };
    expect(report.inputs[0]!.polledOk).toBe(2); // sim1 (v2c) and rtr1 (v3 authPriv); not rtr2 (wrong keys), not silent1
    expect(report.inputs[0]!.unreachable.map((u) => u.device)).toEqual(['silent1']);
    const metrics = await (await fetch(`${apiUrl}/metrics`)).text();
    for (const result of ['ok', 'timeout', 'error'])
      expect(metrics).toMatch(new RegExp(`callboard_snmp_polls_total\\{input="core",result="${result}"\\} [1-9]`));
    for (const line of ['waiting for InfluxDB', 'SNMP polling started', 'API listening']) expect(output).toContain(line);
  });

  it('none is in /metrics, the API answers, or `callboard check`', async () => {
    // Tokens presented (right and wrong, in headers and the query string) are part of the traffic that could be logged.
    await fetch(`${apiUrl}/api/v1/snapshot?access_token=${secrets.CB_SEC_COMMUNITY}`);
    await fetch(`${apiUrl}/api/v1/snapshot`, { headers: auth(secrets.CB_SEC_INFLUX_PASSWORD) });
    const ws = new WebSocket(`${apiUrl.replace('http', 'ws')}/live?access_token=${WALL_TOKEN}`);
    await new Promise((resolve) => ws.once('message', resolve));
    ws.close();
    const answers = await Promise.all(
      ['/metrics', '/healthz', '/api/v1/snapshot', '/api/v1/links', '/api/v1/targets?top=100', '/api/v1/admin/config'].map(async (path) => {
        const response = await fetch(`${apiUrl}${path}`, { headers: auth(secrets.CB_SEC_ADMIN_TOKEN) });
        expect(response.status, path).toBe(200);
        return `${path}\n${await response.text()}`;
      }),
    );
    const config = answers.find((a) => a.startsWith('/api/v1/admin/config'))!;
    expect(config).toContain('[secret env:CB_SEC_COMMUNITY]');
    expect(answers.find((a) => a.startsWith('/metrics'))).toMatch(/callboard_snmp_/);
    const check = await run(process.execPath, ['collector/bin/callboard.mjs', 'check', '--config', configFile], {
      cwd: ROOT,
      env: { ...process.env, ...secrets },
    }).catch((error: { stdout: string; stderr: string }) => error);
    expect(leaks(answers.join('\n') + check.stdout + check.stderr)).toEqual([]);
  });

  it('none is in the log, through shutdown', async () => {
    collector.kill('SIGTERM');
    await new Promise((resolve) => collector.once('exit', resolve));
    expect(output).toMatch(/collector stopped/);
    expect(leaks(output)).toEqual([]);
  });
});
