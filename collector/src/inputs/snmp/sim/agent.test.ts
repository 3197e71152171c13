import dgram from 'node:dgram';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnmpClient, type SnmpTarget } from '../session.js';
import { SnmpSimulator } from './agent.js';

const RECORDING = join(import.meta.dirname, '../../../../../../shared/fixtures/snmprec/librenms_linux_opensips.snmprec');
const sim = new SnmpSimulator({ files: [RECORDING], devices: 3 });
const client = new SnmpClient(1);
let port = 0;
const target = (community: string, version: '1' | '2c' = '2c'): SnmpTarget => ({ host: '127.0.0.1', port, version, community, timeoutMs: 300, retries: 0 });

beforeAll(async () => {
  port = await sim.start('127.0.0.1', 0);
});
afterAll(async () => {
  client.close();
  await sim.stop();
});

describe('SNMP simulator', () => {
  it('serves the recording under its base name and N clones with distinct sysNames', async () => {
    expect(sim.communities).toEqual(['librenms_linux_opensips', 'librenms_linux_opensips-1', 'librenms_linux_opensips-2', 'librenms_linux_opensips-3']);
    const names = await Promise.all(sim.communities.map(async (c) => (await client.get(target(c), ['1.3.6.1.2.1.1.5.0']))[0]?.value));
    expect(new Set(names).size).toBe(4);
    expect(names[2]).toBe(`${names[0]}-2`);
  });

  it('advances interface counters and sysUpTime over time', async () => {
    const oids = ['1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.31.1.1.1.6.2'];
    const [t1, c1] = await client.get(target('librenms_linux_opensips-1'), oids);
    await sleep(120);
    const [t2, c2] = await client.get(target('librenms_linux_opensips-1'), oids);
    expect(c1?.type).toBe('counter64');
    expect((t2!.value as number) - (t1!.value as number)).toBeGreaterThanOrEqual(10);
    expect((c2!.value as bigint) > (c1!.value as bigint)).toBe(true);
  });

  it('answers GETBULK walks in OID order up to the end of the MIB view', async () => {
    const rows = await client.walk(target('librenms_linux_opensips'), '1.3.6.1.2.1.2.2.1.2', 1);
    expect(rows.map((r) => r.value)).toEqual(['lo', 'eth0']);
    expect(await client.walk(target('librenms_linux_opensips'), '1.3.6.1.9.9.9')).toEqual([]);
  });

  it('answers SNMPv1 too, with noSuchName for a missing object', async () => {
    const [name] = await client.get(target('librenms_linux_opensips', '1'), ['1.3.6.1.2.1.1.5.0']);
    expect(name?.type).toBe('octets');
    await expect(client.get(target('librenms_linux_opensips', '1'), ['1.3.6.1.2.1.1.99.0'])).rejects.toMatchObject({ kind: 'agent' });
    expect((await client.walk(target('librenms_linux_opensips', '1'), '1.3.6.1.2.1.2.2.1.2')).length).toBe(2);
  });

  it('gives a missing object as noSuchObject (v2c), and ignores unknown communities and garbage', async () => {
    const [missing] = await client.get(target('librenms_linux_opensips'), ['1.3.6.1.2.1.1.99.0']);
    expect(missing).toBeUndefined();
    await expect(client.get(target('nobody'), ['1.3.6.1.2.1.1.5.0'])).rejects.toMatchObject({ kind: 'timeout' });
    const before = sim.requests;
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.send(Buffer.from([0x30, 0x82, 0xff, 0x02, 0x01]), port, '127.0.0.1', () => resolve()));
    socket.close();
    expect(sim.handle(Buffer.from('not snmp'))).toBeUndefined();
    const [name] = await client.get(target('librenms_linux_opensips'), ['1.3.6.1.2.1.1.5.0']);
    expect(name).toBeDefined();
    expect(sim.requests).toBe(before + 1);
  });
});
