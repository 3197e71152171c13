// SNMPv3 sessions are pooled per target: two targets at the same address with the same user but
// different keys (or levels, or protocols) must never share a session, or a target configured
// with a wrong key would poll with the right one's keys.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnmpClient, SnmpError, v3PoolKey, type SnmpTarget, type V3Credentials } from './session.js';
import { SnmpSimulator } from './sim/agent.js';

const RECORDING = join(import.meta.dirname, '../../../../../shared/fixtures/snmprec/librenms_linux_opensips.snmprec');
const AUTH_KEY = 'pool-auth-pass-1';
const PRIV_KEY = 'pool-priv-pass-1';
const sim = new SnmpSimulator({
  files: [RECORDING],
  advance: false,
  v3Users: [{ name: 'noc', authProtocol: 'sha256', authKey: AUTH_KEY, privProtocol: 'aes', privKey: PRIV_KEY }],
});
let port = 0;
const SYS_NAME = '1.3.6.1.2.1.1.5.0';

beforeAll(async () => {
  port = await sim.start('127.0.0.1', 0);
});
afterAll(() => sim.stop());

const right: V3Credentials = {
  user: 'noc',
  level: 'authPriv',
  authProtocol: 'sha256',
  authKey: AUTH_KEY,
  privProtocol: 'aes',
  privKey: PRIV_KEY,
};
const target = (v3: V3Credentials): SnmpTarget => ({ host: '127.0.0.1', port, version: '3', v3, timeoutMs: 500, retries: 0 });

async function failure(promise: Promise<unknown>): Promise<SnmpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnmpError);
  return error as SnmpError;
}

describe('SNMPv3 session pool', () => {
  it('a target with a wrong key at the same address and user as a good one fails, in either order, and the good one still polls', async () => {
    const client = new SnmpClient(1);
    try {
      const before = { ...sim.usm!.stats };
      const wrongAuth = target({ ...right, authKey: 'not-the-auth-key' });
      const wrongPriv = target({ ...right, privKey: 'not-the-priv-key' });
      // The good target first: its session exists when the wrong ones ask.
      expect((await client.get(target(right), [SYS_NAME]))[0]?.value).toBeTruthy();
      const auth = await failure(client.get(wrongAuth, [SYS_NAME]));
      expect(auth.kind).toBe('auth');
      expect(auth.message).toMatch(/Wrong Digest/);
      expect((await failure(client.get(wrongPriv, [SYS_NAME]))).kind).toBe('auth');
      expect(sim.usm!.stats.wrongDigests - before.wrongDigests).toBe(1);
      expect(sim.usm!.stats.decryptionErrors - before.decryptionErrors).toBe(1);
      // And the good target is not spoiled by the wrong ones.
      expect((await client.get(target(right), [SYS_NAME]))[0]?.value).toBeTruthy();
    } finally {
      client.close();
    }
    const fresh = new SnmpClient(1);
    try {
      // The wrong key first this time.
      expect((await failure(fresh.get(target({ ...right, authKey: 'not-the-auth-key' }), [SYS_NAME]))).kind).toBe('auth');
      expect((await fresh.get(target(right), [SYS_NAME]))[0]?.value).toBeTruthy();
    } finally {
      fresh.close();
    }
  });

  it('a lower security level or another protocol with the same user does not borrow the authPriv session', async () => {
    const client = new SnmpClient(1);
    try {
      await client.get(target(right), [SYS_NAME]);
      const md5 = await failure(client.get(target({ ...right, authProtocol: 'md5' }), [SYS_NAME]));
      expect(md5.kind).toBe('auth');
      // authNoPriv with the right auth key is served (the user has both levels): it is a session of its own.
      const noPriv = target({ user: 'noc', level: 'authNoPriv', authProtocol: 'sha256', authKey: AUTH_KEY });
      expect((await client.get(noPriv, [SYS_NAME]))[0]?.value).toBeTruthy();
    } finally {
      client.close();
    }
  });

  it('keys the pool by address, user, context, level, protocols and a digest of the keys, never the keys themselves', () => {
    const key = (v3: V3Credentials, host = '127.0.0.1') => v3PoolKey({ host, port: 161, version: '3', v3, timeoutMs: 1, retries: 0 });
    const keys = [
      key(right),
      key({ ...right, authKey: 'not-the-auth-key' }),
      key({ ...right, privKey: 'not-the-priv-key' }),
      key({ ...right, authProtocol: 'sha512' }),
      key({ ...right, privProtocol: 'aes256b' }),
      key({ ...right, level: 'authNoPriv' }),
      key({ ...right, context: 'other' }),
      key({ ...right, user: 'noc2' }),
      key(right, '127.0.0.2'),
      // The keys' boundary matters: "ab"+"c" is not "a"+"bc".
      key({ ...right, authKey: 'pool-auth-pass-1p', privKey: 'ool-priv-pass-1' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(key({ ...right })).toBe(keys[0]);
    for (const k of keys) expect(k).not.toMatch(/pool-auth|pool-priv|not-the/);
  });

  it('refuses a target without the secrets its version and level need, rather than sending empty ones or `public`', async () => {
    const client = new SnmpClient(1);
    try {
      const error = await failure(
        client.get(target({ user: 'noc', level: 'authPriv', authProtocol: 'sha256', authKey: AUTH_KEY }), [SYS_NAME]),
      );
      expect(error.kind).toBe('invalid');
      expect(error.message).toMatch(/authPriv without a privacy key/);
      // Nor a v2c target without a community as `public`.
      const v2c = await failure(client.get({ host: '127.0.0.1', port, version: '2c', timeoutMs: 500, retries: 0 }, [SYS_NAME]));
      expect(v2c.message).toMatch(/SNMPv1\/v2c target without a community/);
    } finally {
      client.close();
    }
  });
});
