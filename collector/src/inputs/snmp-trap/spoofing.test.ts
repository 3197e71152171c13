// Credentials bound to devices, against a real Collector polling three simulated routers and
// Net-SNMP's snmptrap / snmpinform sending from each router's loopback address (--clientaddr): a
// source address is easy to forge, the credentials a device owns are not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../devstack/process.js';
import { COMMUNITY, V3, linkTrapArgs, links, promValue, snmpCommand, startTrapBench, v3Options as v3, type TrapBench } from './testing.js';

const RTR1 = '127.0.0.2';
const RTR2 = '127.0.0.3';
const RTR3 = '127.0.0.4';
const RTR1_COMMUNITY = 'rtr1-own-community-61c0';
const interfaces = [{ ifIndex: 1, ifName: 'Gi0/0', speedBps: 1e9 }];

let bench: TrapBench;
const v2c = (community: string, from: string) => ['-v', '2c', '-c', community, `--clientaddr=${from}`];
const state = async (device: string) => (await links(bench)).find((l) => l.id === `interface:${device}/Gi0/0`)?.state;
const counter = (name: string, labels: Record<string, string>) => promValue(bench, name, { input: 'traps', ...labels });
const mismatches = () => counter('callboard_snmp_traps_dropped_total', { reason: 'credential_mismatch' });
const datagrams = () => counter('callboard_snmp_trap_datagrams_total', {});

/** Sends one notification and waits until the receiver has read it (and whatever it answered). */
async function send(command: 'snmptrap' | 'snmpinform', args: string[], kind: 'linkDown' | 'linkUp') {
  const before = await datagrams();
  const extra = command === 'snmpinform' ? ['-r', '0', '-t', '1'] : [];
  const result = await snmpCommand(command, [...args, ...extra, bench.trapTarget, ...linkTrapArgs(kind, 1)]);
  await waitFor(async () => (await datagrams()) > before, { timeoutMs: 2000, what: `the ${command} datagram read` });
  return result;
}

beforeAll(async () => {
  process.env.CALLBOARD_TRAP_RTR1_COMMUNITY = RTR1_COMMUNITY;
  bench = await startTrapBench({
    routerHost: RTR1,
    interfaces,
    extraRouters: [
      { name: 'rtr2', host: RTR2, interfaces },
      { name: 'rtr3', host: RTR3, interfaces },
    ],
    trap: {
      // rtr1 owns a community, rtr2 the v3 user; rtr3 has nothing of its own and takes the shared community.
      devices: { rtr1: { communities: [{ env: 'CALLBOARD_TRAP_RTR1_COMMUNITY' }] }, rtr2: { users: [V3.user] } },
    },
  });
}, 30_000);
afterAll(async () => {
  await bench?.stop();
});

describe('snmp-trap: credentials bound to devices', () => {
  it("a trap from rtr1's address with the shared community or rtr2's v3 user is refused and counted; rtr1's own community is taken", async () => {
    const before = await mismatches();
    expect((await send('snmptrap', v2c(COMMUNITY, RTR1), 'linkDown')).code).toBe(0);
    expect((await send('snmptrap', v3(RTR1), 'linkDown')).code).toBe(0);
    await waitFor(async () => (await mismatches()) === before + 2, { timeoutMs: 2000, what: 'two refusals counted' });
    expect(await state('rtr1')).not.toBe('down');
    expect(await counter('callboard_snmp_trap_events_total', { event: 'linkDown' })).toBe(0);

    // A refused inform is not acknowledged: the sender learns nothing was accepted.
    const inform = await send('snmpinform', v2c(COMMUNITY, RTR1), 'linkDown');
    expect(inform.code).not.toBe(0);
    await waitFor(async () => (await mismatches()) === before + 3, { timeoutMs: 2000, what: 'the inform refused' });

    await send('snmptrap', v2c(RTR1_COMMUNITY, RTR1), 'linkDown');
    await waitFor(async () => (await state('rtr1')) === 'down', { timeoutMs: 2000, what: "rtr1's own community applied" });
  });

  it("rtr1's community is refused from any other device's address; rtr2's user is taken from rtr2; rtr3 takes the shared community", async () => {
    const before = await mismatches();
    await send('snmptrap', v2c(RTR1_COMMUNITY, RTR2), 'linkDown');
    await send('snmptrap', v2c(RTR1_COMMUNITY, RTR3), 'linkDown');
    await send('snmptrap', v3(RTR3), 'linkDown');
    await send('snmptrap', v2c(COMMUNITY, RTR2), 'linkDown');
    await waitFor(async () => (await mismatches()) === before + 4, { timeoutMs: 2000, what: 'four refusals counted' });
    expect(await state('rtr2')).not.toBe('down');
    expect(await state('rtr3')).not.toBe('down');

    const acked = await send('snmpinform', v3(RTR2), 'linkDown');
    expect(acked.code, acked.stderr).toBe(0);
    await send('snmptrap', v2c(COMMUNITY, RTR3), 'linkDown');
    await waitFor(async () => (await state('rtr2')) === 'down' && (await state('rtr3')) === 'down', {
      timeoutMs: 2000,
      what: 'rtr2 (own user) and rtr3 (shared community) applied',
    });
    expect(await mismatches()).toBe(before + 4);
  });
});
