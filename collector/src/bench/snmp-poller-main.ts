// Process entry for the SNMP benchmark's poller: the real snmp input (its own scheduler, the
// light iad profile, metrics built and emitted) polling N simulated IADs for a while, then one
// JSON line with what it did. CPU and RSS are read from outside (/proc), as for snmp_exporter.
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
process.env.CALLBOARD_BENCH_COMMUNITY = 'unused';
const credentials: Record<string, unknown> = {};
const targets = Array.from({ length: args.devices }, (_, i) => {
  // One credentials entry per simulated device: the simulator tells clones apart by community.
  process.env[`CALLBOARD_BENCH_C${i + 1}`] = `${args.community}-${i + 1}`;
  credentials[`c${i + 1}`] = { community: { env: `CALLBOARD_BENCH_C${i + 1}` } };
  return { device: `iad-${i + 1}`, address: `127.0.0.1:${args.port}`, credentials: `c${i + 1}`, region: `r${i % 10}`, role: 'iad', wan_if_index: 2 };
});
const config = snmpInput.configSchema.parse({ type: 'snmp', name: 'bench', interval: args.intervalMs, timeout: '2s', retries: 1, maxInFlight: args.maxInFlight, sockets: 8, credentials, targets });
const { log } = memoryLogger();
const input = snmpInput.create(config, { log, stateDir: '/tmp', timezone: 'UTC', registry: new Registry() } as never);
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
process.stdout.write(`${JSON.stringify({ metrics, cycles, memory, afterGc })}\n`);
process.exit(0);
