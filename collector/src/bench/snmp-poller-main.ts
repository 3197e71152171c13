// Process entry for the SNMP benchmark's poller: the real snmp input (its own scheduler, the
// light iad profile, metrics built and emitted) polling N simulated IADs for a while, then one
// JSON line with what it did. CPU and RSS are read from outside (/proc), as for snmp_exporter.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { snmpInput } from '../inputs/snmp/index.js';
import { memoryLogger } from '../lib/test-logger.js';

interface PollerArgs {
  port: number;
  community: string;
  devices: number;
  intervalMs: number;
  durationMs: number;
  maxInFlight: number;
}

const args = JSON.parse(process.argv[2]!) as PollerArgs;

/**
 * The devices come from an inventory file, as 60,000 IADs are configured. Each has credentials of
 * its own only because the simulator tells its clones apart by community (a real IAD fleet
 * shares a few); built in a function so that nothing but the input holds them.
 */
function benchConfig(dir: string) {
  const inventory = join(dir, 'iads.csv');
  const lines = ['device,address,credentials,region,role,wan_if_index'];
  const credentials: Record<string, unknown> = {};
  const secrets = join(dir, 'secrets');
  mkdirSync(secrets);
  for (let i = 1; i <= args.devices; i++) {
    // Secret files, not 60,000 environment variables (each setenv scans the whole environment).
    writeFileSync(join(secrets, `c${i}`), `${args.community}-${i}`);
    credentials[`c${i}`] = { community: { file: join(secrets, `c${i}`) } };
    lines.push(`iad-${i},127.0.0.1:${args.port},c${i},r${i % 10},iad,2`);
  }
  writeFileSync(inventory, `${lines.join('\n')}\n`);
  const config = snmpInput.configSchema.parse({
    type: 'snmp',
    name: 'bench',
    interval: args.intervalMs,
    timeout: '2s',
    retries: 1,
    maxInFlight: args.maxInFlight,
    sockets: 8,
    credentials,
    inventory,
  });
  return config;
}

const { log } = memoryLogger();
const dir = mkdtempSync(join(tmpdir(), 'callboard-snmp-bench-'));
const input = snmpInput.create(benchConfig(dir), { log, stateDir: '/tmp', timezone: 'UTC', registry: new Registry() } as never);
let metrics = 0;
const cycles: unknown[] = [];
await input.start!((batch) => {
  metrics += batch.length;
  for (const m of batch) if (m.measurement === 'snmp_cycle') cycles.push(m.fields);
});
// Tell the parent when polling started, so it measures CPU over whole cycles only.
process.stdout.write(`${JSON.stringify({ started: Date.now() })}\n`);
await new Promise((resolve) => setTimeout(resolve, args.durationMs));
const memory = process.memoryUsage();
// With --expose-gc: what is live, apart from garbage not yet collected.
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const afterGc = gc ? process.memoryUsage() : undefined;
await input.stop!();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ metrics, cycles, memory, afterGc })}\n`);
process.exit(0);
