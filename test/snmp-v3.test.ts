// SNMPv3 against the simulator: `callboard poll --v3-user` (net-snmp) returns what v2c returns,
// Net-SNMP's snmpget -v3 authPriv reads it, and a wrong key is rejected and counted.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const secretsDir = mkdtempSync(join(tmpdir(), 'cb-snmp-v3-'));
/** A secret in a file of its own (mode 600), as `--community-file` / `--v3-*-key-file` read it. */
function secretFile(name: string, value: string): string {
  const file = join(secretsDir, name);
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return file;
}
const AUTH_FILE = secretFile('auth', 'noc-auth-pass');
const PRIV_FILE = secretFile('priv', 'noc-priv-pass');
const COMMUNITY_FILE = secretFile('community', RECORDING);

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
  rmSync(secretsDir, { recursive: true, force: true });
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

/** Runs `body` with these environment variables set, then restores them. */
async function withEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

/** sysUpTime advances between two polls; everything else of a frozen recording must be equal. */
const withoutUptime = (json: Record<string, unknown>) => ({ ...json, device: { ...(json.device as object), uptimeTicks: 0 } });

describe('SNMPv3 in the simulator', () => {
  it('callboard poll with --v3-user (authPriv SHA-256/AES, then authNoPriv) returns the same as v2c', async () => {
    const v2c = await poll(['--community-file', COMMUNITY_FILE]);
    expect(v2c.code).toBe(0);
    expect(v2c.stderr).toBe('');
    expect((v2c.json!.interfaces as unknown[]).length).toBeGreaterThanOrEqual(58);
    const authPriv = await poll([
      '--v3-user',
      'noc',
      '--v3-auth-protocol',
      'sha256',
      '--v3-auth-key-file',
      AUTH_FILE,
      '--v3-priv-protocol',
      'aes',
      '--v3-priv-key-file',
      PRIV_FILE,
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
      '--v3-auth-key-file',
      AUTH_FILE,
      '--v3-context',
      RECORDING,
    ]);
    expect(withoutUptime(authNoPriv.json!)).toEqual(withoutUptime(v2c.json!));
  });

  it('takes its secrets from files or CALLBOARD_SNMP_* variables quietly, from the command line with a warning, and assumes none', async () => {
    const v3 = ['--v3-user', 'noc', '--v3-auth-protocol', 'sha256', '--v3-context', RECORDING];
    const reference = await poll(['--community-file', COMMUNITY_FILE]);
    const fromEnv = await withEnv(
      { CALLBOARD_SNMP_COMMUNITY: RECORDING, CALLBOARD_SNMP_V3_AUTH_KEY: 'noc-auth-pass', CALLBOARD_SNMP_V3_PRIV_KEY: 'noc-priv-pass' },
      async () => [await poll([]), await poll(v3)],
    );
    for (const result of fromEnv) {
      expect(result.stderr).toBe('');
      expect(withoutUptime(result.json!)).toEqual(withoutUptime(reference.json!));
    }
    // The old flags still work, each with a warning naming the safer forms.
    const onCommandLine = await poll([...v3, '--v3-auth-key', 'noc-auth-pass', '--v3-priv-key', 'noc-priv-pass']);
    expect(onCommandLine.code).toBe(0);
    expect(withoutUptime(onCommandLine.json!)).toEqual(withoutUptime(reference.json!));
    expect(onCommandLine.stderr.trim().split('\n')).toEqual([
      'warning: --v3-auth-key on the command line can be read by other local users (ps); use --v3-auth-key-file or CALLBOARD_SNMP_V3_AUTH_KEY',
      'warning: --v3-priv-key on the command line can be read by other local users (ps); use --v3-priv-key-file or CALLBOARD_SNMP_V3_PRIV_KEY',
    ]);
    expect((await poll(['--community', RECORDING])).stderr).toMatch(
      /^warning: --community on the command line .* --community-file or CALLBOARD_SNMP_COMMUNITY\n$/,
    );
    // Nothing is assumed: no `public`, no empty key; a usage error (exit 2) says what to give.
    const refusals = [
      [[], /^callboard poll: no community for SNMP v2c \(none is assumed\): give --community-file FILE or set CALLBOARD_SNMP_COMMUNITY/],
      [
        v3,
        /^callboard poll: no authentication key for --v3-level authPriv: give --v3-auth-key-file FILE or set CALLBOARD_SNMP_V3_AUTH_KEY/,
      ],
      [[...v3, '--v3-auth-key-file', AUTH_FILE], /^callboard poll: no privacy key for --v3-level authPriv/],
      [['--community-file', COMMUNITY_FILE, '--community', RECORDING], /^callboard poll: give --community or --community-file, not both/],
      [['--community-file', secretFile('empty', '')], /^callboard poll: --community-file .*empty is empty/],
      [['--community-file', join(secretsDir, 'absent')], /^callboard poll: cannot read --community-file .*absent: ENOENT/],
    ] as const;
    for (const [args, message] of refusals) {
      const refused = await poll([...args]);
      expect({ code: refused.code, json: refused.json }).toEqual({ code: 2, json: undefined });
      expect(refused.stderr).toMatch(message);
    }
  });

  it("Net-SNMP's snmpget -v3 -l authPriv reads it, the context choosing the recording", async () => {
    const get = (context: string) => snmpgetV3(context, 'noc-priv-pass', ['-Ov', '-Oq'], '1.3.6.1.2.1.1.2.0');
    expect((await get(RECORDING)).stdout.trim()).toBe('iso.3.6.1.4.1.9.1.634');
    expect((await get('librenms_linux_opensips')).stdout.trim()).toBe('iso.3.6.1.4.1.8072.3.2.10');
  });

  it('rejects a wrong authentication or privacy key, and counts them', async () => {
    const wrongAuth = await poll([
      '--v3-user',
      'noc',
      '--v3-auth-protocol',
      'sha256',
      '--v3-auth-key-file',
      secretFile('wrong-auth', 'not-the-auth-key'),
      '--v3-priv-key-file',
      PRIV_FILE,
      '--v3-context',
      RECORDING,
      '--timeout',
      '500',
      '--retries',
      '0',
    ]);
    expect(wrongAuth.code).toBe(1);
    expect(wrongAuth.stderr).toMatch(/Wrong Digest/);
    await expect(snmpgetV3(RECORDING, 'not-the-priv-key', ['-t', '1', '-r', '0'], '1.3.6.1.2.1.1.5.0')).rejects.toThrow(/Decryption error/);
    const stats = JSON.parse(/SNMPv3 usmStats (.*)/.exec(await sim.stop())![1]!) as Record<string, number>;
    expect(stats.wrongDigests).toBe(1);
    expect(stats.decryptionErrors).toBe(1);
  });
});

/** Net-SNMP's snmpget as the simulator's v3 user `noc` (SHA-256/AES), with the given privacy key and context. */
function snmpgetV3(context: string, privKey: string, options: string[], oid: string) {
  const user = ['-v3', '-l', 'authPriv', '-u', 'noc', '-a', 'SHA-256', '-A', 'noc-auth-pass', '-x', 'AES', '-X', privKey];
  return run('snmpget', [...user, '-n', context, ...options, `127.0.0.1:${sim.port}`, oid]);
}
