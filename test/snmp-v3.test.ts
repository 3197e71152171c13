// SNMPv3 against the simulator: `callboard poll --v3-user` (net-snmp) returns what v2c returns,
// Net-SNMP's snmpget -v3 authPriv reads it, and a wrong key is rejected and counted.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerSnmpCommands } from '../collector/src/cli/snmp.js';
import { SNMPREC_DIR, startSimProcess, type SimProcess } from './support/snmp-sim.js';

const run = promisify(execFile);
const RECORDING = 'librenms_ios_c3560';
const USER = ['--v3-user', 'noc', '--v3-auth-protocol', 'sha256', '--v3-auth-key', 'noc-auth-pass', '--v3-priv-key', 'noc-priv-pass'];
let sim: SimProcess;

beforeAll(async () => {
  sim = await startSimProcess([
    '--snmprec',
    join(SNMPREC_DIR, `${RECORDING}.snmprec`),
    join(SNMPREC_DIR, 'librenms_linux_opensips.snmprec'),
    '--frozen',
    ...USER,
  ]);
  expect(sim.engineId).toMatch(/^80001f8804/);
});
afterAll(async () => {
  await sim?.stop();
});

/** `callboard poll ARGS --json` in this process: exit code and the JSON (or stderr). */
async function poll(args: string[]): Promise<{ code: number; json?: Record<string, unknown>; stderr: string }> {
  const program = new Command('callboard').exitOverride();
  registerSnmpCommands(program);
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'callboard', 'poll', '--target', `127.0.0.1:${sim.port}`, ...args, '--json']);
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stderr: err.join(''), ...(out.length > 0 ? { json: JSON.parse(out.join('')) as Record<string, unknown> } : {}) };
}

/** sysUpTime advances between two polls; everything else of a frozen recording must be equal. */
const withoutUptime = (json: Record<string, unknown>) => ({ ...json, device: { ...(json.device as object), uptimeTicks: 0 } });

describe('SNMPv3 in the simulator', () => {
  it('callboard poll with --v3-user (authPriv SHA-256/AES, then authNoPriv) returns the same as v2c', async () => {
    const v2c = await poll(['--community', RECORDING]);
    expect(v2c.code).toBe(0);
    expect((v2c.json!.interfaces as unknown[]).length).toBeGreaterThanOrEqual(58);
    const authPriv = await poll([
      '--v3-user',
      'noc',
      '--v3-auth-protocol',
      'sha256',
      '--v3-auth-key',
      'noc-auth-pass',
      '--v3-priv-protocol',
      'aes',
      '--v3-priv-key',
      'noc-priv-pass',
      '--v3-context',
      RECORDING,
    ]);
    expect(authPriv.stderr).toBe('');
    expect(withoutUptime(authPriv.json!)).toEqual(withoutUptime(v2c.json!));
    const authNoPriv = await poll([
      '--v3-user',
      'noc',
      '--v3-level',
      'authNoPriv',
      '--v3-auth-protocol',
      'sha256',
      '--v3-auth-key',
      'noc-auth-pass',
      '--v3-context',
      RECORDING,
    ]);
    expect(withoutUptime(authNoPriv.json!)).toEqual(withoutUptime(v2c.json!));
  });

  it("Net-SNMP's snmpget -v3 -l authPriv reads it, the context choosing the recording", async () => {
    const get = (context: string) =>
      run('snmpget', [
        '-v3',
        '-l',
        'authPriv',
        '-u',
        'noc',
        '-a',
        'SHA-256',
        '-A',
        'noc-auth-pass',
        '-x',
        'AES',
        '-X',
        'noc-priv-pass',
        '-n',
        context,
        '-Ov',
        '-Oq',
        `127.0.0.1:${sim.port}`,
        '1.3.6.1.2.1.1.2.0',
      ]);
    expect((await get(RECORDING)).stdout.trim()).toBe('iso.3.6.1.4.1.9.1.634');
    expect((await get('librenms_linux_opensips')).stdout.trim()).toBe('iso.3.6.1.4.1.8072.3.2.10');
  });

  it('rejects a wrong authentication or privacy key, and counts them', async () => {
    const wrongAuth = await poll([
      '--v3-user',
      'noc',
      '--v3-auth-protocol',
      'sha256',
      '--v3-auth-key',
      'not-the-auth-key',
      '--v3-priv-key',
      'noc-priv-pass',
      '--v3-context',
      RECORDING,
      '--timeout',
      '500',
      '--retries',
      '0',
    ]);
    expect(wrongAuth.code).toBe(1);
    expect(wrongAuth.stderr).toMatch(/Wrong Digest/);
    await expect(
      run('snmpget', [
        '-v3',
        '-l',
        'authPriv',
        '-u',
        'noc',
        '-a',
        'SHA-256',
        '-A',
        'noc-auth-pass',
        '-x',
        'AES',
        '-X',
        'not-the-priv-key',
        '-n',
        RECORDING,
        '-t',
        '1',
        '-r',
        '0',
        `127.0.0.1:${sim.port}`,
        '1.3.6.1.2.1.1.5.0',
      ]),
    ).rejects.toThrow(/Decryption error/);
    const stats = JSON.parse(/SNMPv3 usmStats (.*)/.exec(await sim.stop())![1]!) as Record<string, number>;
    expect(stats.wrongDigests).toBe(1);
    expect(stats.decryptionErrors).toBe(1);
  });
});
