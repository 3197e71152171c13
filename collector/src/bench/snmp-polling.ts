// SNMP polling benchmark: the collector's snmp input polling simulated IADs at increasing
// counts, and prometheus-snmp-exporter scraping the same simulated devices (same varbinds, one
// GET per poll) in the same run. Each poller, and the simulator, runs in a process of its own;
// CPU and RSS come from /proc for all of them alike, over whole poll cycles after a warm-up one.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSnmpExporter } from '../devstack/snmp-exporter.js';
import { cpuMs, rssMb } from './snmp-proc.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const IAD_RECORDING = fileURLToPath(new URL('../../../../shared/fixtures/snmprec/librenms_linux_opensips.snmprec', import.meta.url));
const COMMUNITY = 'librenms_linux_opensips';

export interface SnmpBenchStep {
  devices: number;
  intervalMs: number;
  /** Node flags for the collector's process (e.g. a heap cap), shown in the poller column. */
  nodeFlags?: readonly string[];
  /** Skip snmp_exporter at this step. */
  collectorOnly?: boolean;
}

export interface SnmpBenchOptions {
  steps?: readonly SnmpBenchStep[];
  /** Measured cycles after the warm-up cycle. */
  cycles?: number;
  /** snmp_exporter needs a UDP port per simulated device (one community for all): steps above this skip it. */
  exporterMaxDevices?: number;
  recording?: string;
  log?: (line: string) => void;
}

export interface SnmpBenchRow {
  poller: string;
  devices: number;
  interval_s: number;
  'target polls/s': number;
  'polls/s': number;
  'ok %': number;
  'CPU ms/poll': number;
  'CPU cores': number;
  'RSS MB': number;
  'sim CPU cores': number;
}

export const DEFAULT_STEPS: readonly SnmpBenchStep[] = [
  { devices: 1_000, intervalMs: 5_000 },
  { devices: 2_000, intervalMs: 1_000 },
  { devices: 4_000, intervalMs: 1_000 },
  { devices: 60_000, intervalMs: 15_000 },
];

function spawnTs(entry: string, args: string[], nodeFlags: readonly string[] = []): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', fileURLToPath(new URL(entry, import.meta.url)), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines };
}

async function nextJson<T>(lines: AsyncIterator<string>, what: string): Promise<T> {
  for (;;) {
    const { value, done } = await lines.next();
    if (done) throw new Error(`${what} ended without its JSON line`);
    if (value.startsWith('{')) return JSON.parse(value) as T;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(3000).then(() => child.kill('SIGKILL'))]);
}

async function startSimulator(devices: number, portPerDevice: boolean, recording: string) {
  const sim = spawnTs('./snmp-sim-main.ts', [
    '--snmprec',
    recording,
    '--listen',
    '127.0.0.1:0',
    '--devices',
    String(devices),
    '--json',
    ...(portPerDevice ? ['--port-per-device'] : []),
  ]);
  const ready = await nextJson<{ port: number; devicePorts: number[] }>(sim.lines, 'SNMP simulator');
  return { ...ready, child: sim.child };
}

async function measureCallboard(step: SnmpBenchStep, cycles: number, recording: string): Promise<SnmpBenchRow> {
  const sim = await startSimulator(step.devices, false, recording);
  const poller = spawnTs(
    './snmp-poller-main.ts',
    [
      JSON.stringify({
        port: sim.port,
        community: COMMUNITY,
        devices: step.devices,
        intervalMs: step.intervalMs,
        durationMs: (cycles + 1) * step.intervalMs + 300,
        maxInFlight: 500,
      }),
    ],
    step.nodeFlags,
  );
  try {
    const { started } = await nextJson<{ started: number }>(poller.lines, 'poller');
    await sleep(Math.max(0, started + step.intervalMs + 100 - Date.now()));
    const cpu0 = cpuMs(poller.child.pid!);
    const sim0 = cpuMs(sim.child.pid!);
    const t0 = performance.now();
    await sleep(Math.max(0, started + (cycles + 1) * step.intervalMs + 100 - Date.now()));
    const cpu1 = cpuMs(poller.child.pid!);
    const sim1 = cpuMs(sim.child.pid!);
    const seconds = (performance.now() - t0) / 1000;
    const rss = rssMb(poller.child.pid!);
    const result = await nextJson<{ cycles: { ok: number; timeouts: number; errors: number; polled: number }[] }>(poller.lines, 'poller');
    const measured = result.cycles.slice(1, cycles + 1);
    const finished = measured.reduce((a, c) => a + c.ok + c.timeouts + c.errors, 0);
    const ok = measured.reduce((a, c) => a + c.ok, 0);
    const name = step.nodeFlags?.length ? `callboard ${step.nodeFlags.join(' ')}` : 'callboard';
    return row(name, step, finished, ok, cpu1 - cpu0, seconds, rss.peak, sim1 - sim0);
  } finally {
    await stopChild(poller.child);
    await stopChild(sim.child);
  }
}

async function measureExporter(step: SnmpBenchStep, cycles: number, recording: string): Promise<SnmpBenchRow> {
  const sim = await startSimulator(step.devices, true, recording);
  const exporter = await startSnmpExporter({ community: COMMUNITY });
  let finished = 0;
  let ok = 0;
  let inFlight = 0;
  const maxInFlight = 512;
  try {
    const started = Date.now();
    const end = started + (cycles + 1) * step.intervalMs;
    // Scrapes spread evenly over each interval, as Prometheus spreads its targets.
    const scrape = async (port: number) => {
      inFlight++;
      try {
        const text = await exporter.scrape(`127.0.0.1:${port}`);
        if (text.includes('ifHCInOctets{')) ok++;
      } catch {
        // counted as not ok
      } finally {
        inFlight--;
        finished++;
      }
    };
    let cpu0 = 0;
    let sim0 = 0;
    let t0 = 0;
    let finishedAtStart = 0;
    let okAtStart = 0;
    for (let cycle = 0; cycle <= cycles; cycle++) {
      const cycleStart = started + cycle * step.intervalMs;
      if (cycle === 1) {
        cpu0 = cpuMs(exporter.handle.pid);
        sim0 = cpuMs(sim.child.pid!);
        t0 = performance.now();
        finishedAtStart = finished;
        okAtStart = ok;
      }
      for (let i = 0; i < step.devices; i++) {
        const due = cycleStart + (i * step.intervalMs) / step.devices;
        const wait = due - Date.now();
        if (wait > 2) await sleep(wait);
        if (inFlight >= maxInFlight) continue; // like a poll still running: skipped
        void scrape(sim.devicePorts[i]!);
      }
    }
    await sleep(Math.max(0, end - Date.now()));
    const cpu1 = cpuMs(exporter.handle.pid);
    const sim1 = cpuMs(sim.child.pid!);
    const seconds = (performance.now() - t0) / 1000;
    const rss = rssMb(exporter.handle.pid);
    return row('snmp_exporter', step, finished - finishedAtStart, ok - okAtStart, cpu1 - cpu0, seconds, rss.peak, sim1 - sim0);
  } finally {
    await exporter.stop();
    await stopChild(sim.child);
  }
}

function row(
  poller: string,
  step: SnmpBenchStep,
  finished: number,
  ok: number,
  cpu: number,
  seconds: number,
  rssPeakMb: number,
  simCpu: number,
): SnmpBenchRow {
  return {
    poller,
    devices: step.devices,
    interval_s: step.intervalMs / 1000,
    'target polls/s': Math.round((step.devices * 1000) / step.intervalMs),
    'polls/s': Math.round(finished / seconds),
    'ok %': finished > 0 ? Math.round((1000 * ok) / finished) / 10 : 0,
    'CPU ms/poll': finished > 0 ? Math.round((1000 * cpu) / finished) / 1000 : 0,
    'CPU cores': Math.round(cpu / seconds / 10) / 100,
    'RSS MB': Math.round(rssPeakMb),
    'sim CPU cores': Math.round(simCpu / seconds / 10) / 100,
  };
}

/** Rows for both pollers at every step (snmp_exporter only up to exporterMaxDevices). */
export async function measureSnmpPolling(options: SnmpBenchOptions = {}): Promise<SnmpBenchRow[]> {
  const steps = options.steps ?? DEFAULT_STEPS;
  const cycles = options.cycles ?? 2;
  const recording = options.recording ?? IAD_RECORDING;
  const log = options.log ?? (() => {});
  const rows: SnmpBenchRow[] = [];
  for (const step of steps) {
    log(
      `  callboard${step.nodeFlags?.length ? ` (node ${step.nodeFlags.join(' ')})` : ''}: ${step.devices} IADs every ${step.intervalMs / 1000} s …`,
    );
    rows.push(await measureCallboard(step, cycles, recording));
    if (!step.collectorOnly && step.devices <= (options.exporterMaxDevices ?? 4_000)) {
      log(`  snmp_exporter: ${step.devices} IADs every ${step.intervalMs / 1000} s …`);
      rows.push(await measureExporter(step, cycles, recording));
    }
  }
  return rows;
}

/** callboard ÷ snmp_exporter at each step both ran (CPU per poll and RSS: lower is better). */
export function snmpRatioRows(rows: readonly SnmpBenchRow[]): Record<string, number>[] {
  const out: Record<string, number>[] = [];
  for (const ours of rows.filter((r) => r.poller === 'callboard')) {
    const theirs = rows.find((r) => r.poller === 'snmp_exporter' && r.devices === ours.devices && r.interval_s === ours.interval_s);
    if (!theirs) continue;
    out.push({
      devices: ours.devices,
      'polls/s ratio': theirs['polls/s'] > 0 ? ours['polls/s'] / theirs['polls/s'] : 0,
      'CPU/poll ratio': theirs['CPU ms/poll'] > 0 ? ours['CPU ms/poll'] / theirs['CPU ms/poll'] : 0,
      'RSS ratio': theirs['RSS MB'] > 0 ? ours['RSS MB'] / theirs['RSS MB'] : 0,
    });
  }
  return out;
}
