// What the link health model adds to a collector polling N IADs: the real snmp input polls a
// simulated fleet (a `callboard sim snmp` process of its own) twice, once feeding every batch to a
// HealthEngine (one `interface` link per IAD) and once not; RSS and the heap after GC are compared.
// Not a test.  node --import tsx collector/src/health/bench-rss.ts [devices] [interval ms] [cycles]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { snmpInput } from '../inputs/snmp/index.js';
import { memoryLogger } from '../lib/test-logger.js';
import { HealthEngine } from './engine.js';

const RECORDING = fileURLToPath(new URL('../../../../shared/fixtures/snmprec/librenms_linux_opensips.snmprec', import.meta.url));
const COMMUNITY = 'librenms_linux_opensips';

interface PollerResult {
  health: boolean;
  links: number;
  rssMb: number;
  heapAfterGcMb: number;
}

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
const vmRssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

/** The poller process: the snmp input over an inventory file of `devices` IADs, with or without the health model. */
async function poller(port: number, devices: number, intervalMs: number, cycles: number, health: boolean): Promise<PollerResult> {
  const dir = mkdtempSync(join(tmpdir(), 'callboard-health-rss-'));
  const secrets = join(dir, 'secrets');
  mkdirSync(secrets);
  const credentials: Record<string, unknown> = {};
  const rows = ['device,address,credentials,customer,site,region,role,wan_if_index'];
  for (let i = 1; i <= devices; i++) {
    writeFileSync(join(secrets, `c${i}`), `${COMMUNITY}-${i}`);
    credentials[`c${i}`] = { community: { file: join(secrets, `c${i}`) } };
    rows.push(`iad-${i},127.0.0.1:${port},c${i},cust-${i % 5000},site-${i % 400},r${i % 10},iad,2`);
  }
  writeFileSync(join(dir, 'iads.csv'), `${rows.join('\n')}\n`);
  const config = snmpInput.configSchema.parse({
    type: 'snmp',
    name: 'bench',
    interval: intervalMs,
    timeout: '2s',
    retries: 1,
    sockets: 8,
    credentials,
    inventory: join(dir, 'iads.csv'),
  });
  const engine = health ? new HealthEngine({ holdMs: 30_000, staleAfterMs: 45_000 }) : undefined;
  const input = snmpInput.create(config, { log: memoryLogger().log, stateDir: dir, timezone: 'UTC', registry: new Registry() } as never);
  await input.start!((batch) => void engine?.observe(batch));
  await new Promise((resolve) => setTimeout(resolve, cycles * intervalMs + 500));
  (globalThis as { gc?: () => void }).gc?.();
  const result = { health, links: engine?.size ?? 0, rssMb: vmRssMb(), heapAfterGcMb: mb(process.memoryUsage().heapUsed) };
  await input.stop!();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

function child(args: string[]) {
  const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const json = async <T>(): Promise<T> => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`${args[0]} ended without its JSON line`);
      if (value.startsWith('{')) return JSON.parse(value) as T;
    }
  };
  return { proc, json };
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'poller') {
  const [port, devices, intervalMs, cycles, health] = rest.map(Number);
  process.stdout.write(`${JSON.stringify(await poller(port!, devices!, intervalMs!, cycles!, health === 1))}\n`);
  process.exit(0);
} else {
  const [devices = 60_000, intervalMs = 30_000, cycles = 3] = [mode, ...rest].filter(Boolean).map(Number);
  const simMain = fileURLToPath(new URL('../bench/snmp-sim-main.ts', import.meta.url));
  const sim = child([simMain, '--snmprec', RECORDING, '--listen', '127.0.0.1:0', '--devices', String(devices), '--json']);
  try {
    const { port } = await sim.json<{ port: number }>();
    const self = fileURLToPath(import.meta.url);
    const results: PollerResult[] = [];
    for (const health of [0, 1]) {
      const run = child([self, 'poller', String(port), String(devices), String(intervalMs), String(cycles), String(health)]);
      results.push(await run.json<PollerResult>());
    }
    const [without, withHealth] = results as [PollerResult, PollerResult];
    process.stdout.write(
      `${devices} IADs, ${cycles} cycles of ${intervalMs} ms: RSS ${without.rssMb.toFixed(0)} MB without the health model, ` +
        `${withHealth.rssMb.toFixed(0)} MB with it (${withHealth.links} links): +${(withHealth.rssMb - without.rssMb).toFixed(0)} MB; ` +
        `heap after GC ${without.heapAfterGcMb} → ${withHealth.heapAfterGcMb} MB (+${mb((withHealth.heapAfterGcMb - without.heapAfterGcMb) * 1e6)} MB)\n`,
    );
  } finally {
    sim.proc.kill('SIGTERM');
  }
  process.exit(0);
}
