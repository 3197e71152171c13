// `callboard sim snmp` as a process, read by net-snmp's own snmpbulkwalk (the simulator speaks
// standard SNMP, not just what our client accepts), and `callboard poll --json` against it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerSimCommands } from '../collector/src/cli/sim.js';
import { registerSnmpCommands } from '../collector/src/cli/snmp.js';
import { SNMPREC_DIR, startSimProcess, type SimProcess } from './support/snmp-sim.js';

const run = promisify(execFile);
const DIR = SNMPREC_DIR;
let sim: SimProcess;
let port = 0;

beforeAll(async () => {
  sim = await startSimProcess(['--snmprec', DIR, '--frozen']);
  port = sim.port;
  expect(sim.communities).toBe(11);
});
afterAll(async () => {
  await sim?.stop();
});

describe('callboard sim snmp', () => {
  it('answers snmpbulkwalk with exactly the recorded rows', async () => {
    const { stdout } = await run('snmpbulkwalk', [
      '-v2c',
      '-c',
      'librenms_iosxe_isr4321',
      '-On',
      '-OQ',
      '-Oe',
      '-Ot',
      `127.0.0.1:${port}`,
      '1.3.6.1.2.1.31.1.1.1.1',
    ]);
    const walked = stdout
      .trim()
      .split('\n')
      .map((l) => l.replace(/^\./, '').replace(/ = "?(.*?)"?$/, '|$1'));
    const recorded = readFileSync(join(DIR, 'librenms_iosxe_isr4321.snmprec'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('1.3.6.1.2.1.31.1.1.1.1.'))
      .map((l) => l.replace(/\|4\|/, '|'));
    expect(walked).toEqual(recorded);
    expect(walked.length).toBe(12);
  });
});

describe('callboard poll --json', () => {
  it('prints one JSON object with device, interfaces, cpu, memory, ipsla and voice', async () => {
    const program = new Command('callboard').exitOverride();
    registerSnmpCommands(program);
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    // The community from the environment, not the command line (where `ps` shows it).
    process.env.CALLBOARD_SNMP_COMMUNITY = 'librenms_ios_c3560';
    try {
      await program.parseAsync(['node', 'callboard', 'poll', '--target', `127.0.0.1:${port}`, '--json']);
    } finally {
      spy.mockRestore();
      delete process.env.CALLBOARD_SNMP_COMMUNITY;
    }
    expect(process.exitCode ?? 0).toBe(0);
    const json = JSON.parse(out.join(''));
    expect(Object.keys(json)).toEqual(['device', 'interfaces', 'cpu', 'memory', 'ipsla', 'voice']);
    expect(json.device).toMatchObject({
      vendor: 'cisco',
      os: 'IOS',
      sysObjectID: '1.3.6.1.4.1.9.1.634',
      profiles: ['if-mib', 'cisco-cpu-mem', 'cisco-ipsla', 'cisco-voice', 'ds1', 'cisco-pop-mgmt'],
    });
    expect(json.interfaces.length).toBeGreaterThanOrEqual(58);
    expect(json.cpu).toEqual([{ index: '1', name: 'Processor 1', load5sPct: 6, load1mPct: 10, load5mPct: 7 }]);
    expect(json.memory.map((m: { name: string }) => m.name)).toEqual(['Processor', 'I/O', 'Driver text']);
    expect(json.voice).toBeNull();
  });

  it('adds `sim snmp` beside the existing `sim cdr`', () => {
    const program = new Command('callboard');
    registerSimCommands(program);
    registerSnmpCommands(program);
    const sims = program.commands.filter((c) => c.name() === 'sim');
    expect(sims).toHaveLength(1);
    expect(sims[0]!.commands.map((c) => c.name()).sort()).toEqual(['cdr', 'snmp']);
    expect(program.commands.map((c) => c.name())).toContain('poll');
  });
});
