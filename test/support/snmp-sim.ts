// The SNMP simulator for e2e tests: in this process (started before the file's tests, stopped
// after them), or as `callboard sim snmp` in a process of its own (what a user runs).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll } from 'vitest';
import { SnmpSimulator, type SimulatorOptions } from '../../collector/src/inputs/snmp/sim/agent.js';

const ROOT = join(import.meta.dirname, '../..');
/** The real recordings (LibreNMS's, with its expected values beside them). */
export const SNMPREC_DIR = join(ROOT, '../shared/fixtures/snmprec');
export const IAD_RECORDING = join(SNMPREC_DIR, 'librenms_linux_opensips.snmprec');

export interface SimHandle {
  readonly sim: SnmpSimulator;
  /** The UDP port, once the file's beforeAll has run. */
  readonly port: number;
}

/** A simulator for the whole test file, on 127.0.0.1 and a free port; `cleanup` runs before it stops. */
export function useSnmpSimulator(options: SimulatorOptions, cleanup?: () => void | Promise<void>): SimHandle {
  const sim = new SnmpSimulator(options);
  let port = 0;
  beforeAll(async () => {
    port = await sim.start('127.0.0.1', 0);
  });
  afterAll(async () => {
    await cleanup?.();
    await sim.stop();
  });
  return {
    sim,
    get port() {
      return port;
    },
  };
}

export interface SimProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly communities: number;
  readonly engineId?: string;
  /** SIGTERM, then what the simulator printed on stderr while stopping (its v3 usmStats). */
  stop(): Promise<string>;
}

/** `callboard sim snmp ARGS --listen 127.0.0.1:0 --json` as a child process, once it is ready. */
export async function startSimProcess(args: readonly string[]): Promise<SimProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'collector/src/bench/snmp-sim-main.ts', ...args, '--listen', '127.0.0.1:0', '--json'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error(`callboard sim snmp exited before it was ready: ${stderr}`);
  const ready = JSON.parse(first.value as string) as { port: number; communities: number; engineId?: string };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    ...ready,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      return stderr;
    },
  };
}
