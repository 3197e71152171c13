// The snmp input's client against a real net-snmp snmpd, v2c and v3 authPriv (SHA + AES), with
// snmpbulkwalk of the same agent in the same test as the reference: the same interfaces, and
// counters between the walk before and the walk after our poll (the loopback counts our traffic).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSnmpd, type Snmpd } from '../collector/src/devstack/snmpd.js';
import { pollDevice } from '../collector/src/inputs/snmp/poll-device.js';
import type { InterfaceSample } from '../collector/src/inputs/snmp/poll-result.js';
import { SnmpClient, type SnmpTarget } from '../collector/src/inputs/snmp/session.js';

const run = promisify(execFile);
let snmpd: Snmpd;
const client = new SnmpClient(2);

beforeAll(async () => {
  snmpd = await startSnmpd();
});
afterAll(async () => {
  client.close();
  await snmpd?.stop();
});

type Walk = Map<string, string>;

async function bulkwalk(auth: string[], root: string): Promise<Walk> {
  const { stdout } = await run('snmpbulkwalk', [...auth, '-On', '-OQ', '-Oe', '-Ot', `127.0.0.1:${snmpd.port}`, root]);
  const out: Walk = new Map();
  for (const line of stdout.split('\n')) {
    const m = /^\.(\S+) = (.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!.replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

async function compare(target: SnmpTarget, auth: string[]) {
  const before = new Map([...(await bulkwalk(auth, '1.3.6.1.2.1.2.2.1')), ...(await bulkwalk(auth, '1.3.6.1.2.1.31.1.1.1'))]);
  const { result, errors } = await pollDevice(client, target, ['auto'], { profileState: {} });
  const after = new Map([...(await bulkwalk(auth, '1.3.6.1.2.1.2.2.1')), ...(await bulkwalk(auth, '1.3.6.1.2.1.31.1.1.1'))]);
  expect(errors).toEqual([]);
  const indexes = [...before.keys()].filter((k) => k.startsWith('1.3.6.1.2.1.2.2.1.2.')).map((k) => Number(k.split('.').pop()));
  expect(indexes.length).toBeGreaterThan(0);
  expect(result.interfaces.map((i) => i.ifIndex)).toEqual(indexes);
  for (const iface of result.interfaces as InterfaceSample[]) {
    const i = iface.ifIndex;
    expect(iface.ifDescr).toBe(before.get(`1.3.6.1.2.1.2.2.1.2.${i}`));
    expect(iface.ifName).toBe(before.get(`1.3.6.1.2.1.31.1.1.1.1.${i}`));
    expect(iface.operStatus).toBe(Number(before.get(`1.3.6.1.2.1.2.2.1.8.${i}`)));
    expect(iface.counters.inOctets?.bits).toBe(64);
    for (const [name, column] of [['inOctets', '6'], ['outOctets', '10'], ['inUcastPkts', '7'], ['outUcastPkts', '11']] as const) {
      const low = BigInt(before.get(`1.3.6.1.2.1.31.1.1.1.${column}.${i}`)!);
      const high = BigInt(after.get(`1.3.6.1.2.1.31.1.1.1.${column}.${i}`)!);
      const mine = iface.counters[name]!.value;
      expect(mine >= low && mine <= high, `${name} of ${iface.ifName}: ${low} <= ${mine} <= ${high}`).toBe(true);
    }
  }
  // The pass_persist Cisco CPU table and the sysObjectID override make it a "Cisco".
  expect(result.device).toMatchObject({ sysName: 'test-rtr1', vendor: 'cisco' });
  expect(result.cpu.map((c) => c.index)).toEqual(['1', '2']);
  for (const cpu of result.cpu) expect(cpu.load5mPct).toBeGreaterThanOrEqual(0);
  return result;
}

describe('real snmpd', () => {
  it('v2c: same interfaces and counters as snmpbulkwalk', async () => {
    await compare({ host: '127.0.0.1', port: snmpd.port, version: '2c', community: snmpd.community, timeoutMs: 1000, retries: 1 }, ['-v2c', '-c', snmpd.community]);
  });

  it('v3 authPriv SHA/AES: same interfaces and counters as snmpbulkwalk', async () => {
    const v3 = snmpd.v3;
    await compare(
      { host: '127.0.0.1', port: snmpd.port, version: '3', v3: { user: v3.user, level: 'authPriv', authProtocol: 'sha', authKey: v3.authKey, privProtocol: 'aes', privKey: v3.privKey }, timeoutMs: 1000, retries: 1 },
      ['-v3', '-l', 'authPriv', '-u', v3.user, '-a', 'SHA', '-A', v3.authKey, '-x', 'AES', '-X', v3.privKey],
    );
  });

  it('v3 authPriv SHA-256/AES: same interfaces and counters as snmpbulkwalk', async () => {
    const v3 = snmpd.v3;
    const user = `${v3.user}-sha256`;
    await compare(
      { host: '127.0.0.1', port: snmpd.port, version: '3', v3: { user, level: 'authPriv', authProtocol: 'sha256', authKey: v3.authKey, privProtocol: 'aes', privKey: v3.privKey }, timeoutMs: 1000, retries: 1 },
      ['-v3', '-l', 'authPriv', '-u', user, '-a', 'SHA-256', '-A', v3.authKey, '-x', 'AES', '-X', v3.privKey],
    );
  });

  it('v3 with a wrong privacy key times out with the target and OID named', async () => {
    const v3 = snmpd.v3;
    const wrong: SnmpTarget = { host: '127.0.0.1', port: snmpd.port, version: '3', v3: { user: v3.user, level: 'authPriv', authProtocol: 'sha', authKey: v3.authKey, privProtocol: 'aes', privKey: 'not-the-key' }, timeoutMs: 300, retries: 0 };
    const own = new SnmpClient(1);
    await expect(own.get(wrong, ['1.3.6.1.2.1.1.5.0'])).rejects.toThrow(`127.0.0.1:${snmpd.port} for 1.3.6.1.2.1.1.5.0`);
    own.close();
  });

  it('a wrong community times out; a missing object is undefined, not an error', async () => {
    const target: SnmpTarget = { host: '127.0.0.1', port: snmpd.port, version: '2c', community: snmpd.community, timeoutMs: 300, retries: 0 };
    const [name, missing] = await client.get(target, ['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.1.99.0']);
    expect(name?.value).toBe('test-rtr1');
    expect(missing).toBeUndefined();
    await expect(client.get({ ...target, community: 'wrong' }, ['1.3.6.1.2.1.1.5.0'])).rejects.toMatchObject({ kind: 'timeout' });
  });
});
