// Profiles against the simulator serving small hand-written recordings, and against a reader
// that answers nonsense: a bad answer costs that profile's data, never the poll.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eModelMos } from '../emodel.js';
import { pollDevice } from '../poll-device.js';
import { SnmpClient, SnmpError, type SnmpTarget } from '../session.js';
import { SnmpSimulator } from '../sim/agent.js';
import { ifMibProfile } from './if-mib.js';
import type { Reader } from './profile.js';

const dir = mkdtempSync(join(tmpdir(), 'callboard-snmp-profiles-'));
const J = '1.3.6.1.4.1.9.9.42.1.5.2.1';
const A = '1.3.6.1.4.1.9.9.42.1.2';
// Two UDP jitter entries: 5 from a 2003+ IOS with MOS 412 (4.12), 6 from an older IOS (no MOS column).
writeFileSync(
  join(dir, 'sla-gw.snmprec'),
  [
    '1.3.6.1.2.1.1.1.0|4|Cisco IOS Software, 2800 Software',
    '1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.576',
    '1.3.6.1.2.1.1.3.0|67|5000',
    '1.3.6.1.2.1.1.5.0|4|gw1',
    `${A}.1.1.3.5|4|to-pop2`,
    `${A}.1.1.3.6|4|`,
    `${A}.1.1.4.5|2|9`,
    `${A}.1.1.4.6|2|9`,
    `${A}.1.1.9.5|2|1`,
    `${A}.1.1.9.6|2|1`,
    `${A}.2.1.2.6|4x|0a000002`,
    `${A}.2.1.27.6|2|4`,
    `${A}.10.1.1.5|66|40`,
    `${A}.10.1.1.6|66|62`,
    `${A}.10.1.2.5|2|1`,
    `${A}.10.1.2.6|2|1`,
    `${J}.1.5|66|98`,
    `${J}.1.6|66|95`,
    `${J}.2.5|66|3920`,
    `${J}.2.6|66|5700`,
    `${J}.26.5|66|1`,
    `${J}.26.6|66|3`,
    `${J}.27.5|66|1`,
    `${J}.27.6|66|2`,
    `${J}.42.5|66|412`,
    `${J}.43.5|66|5`,
    `${J}.47.5|66|2`,
    `${J}.47.6|66|4`,
    `${J}.48.5|66|3`,
    `${J}.48.6|66|7`,
    `${J}.49.5|66|20`,
    `${J}.50.5|66|21`,
    // older IOS: a call in the active-call table, no call-volume MIB
    '1.3.6.1.4.1.9.9.63.1.3.1.1.1.4.1|4x|0011',
    '1.3.6.1.4.1.9.9.63.1.3.1.1.1.4.2|4x|0012',
  ].join('\n'),
);
// An IAD: loopback, a LAN port and a VDSL WAN port; voice ports in use.
writeFileSync(
  join(dir, 'iad.snmprec'),
  [
    '1.3.6.1.2.1.1.3.0|67|777',
    '1.3.6.1.2.1.1.5.0|4|iad',
    '1.3.6.1.2.1.2.2.1.3.1|2|24',
    '1.3.6.1.2.1.2.2.1.3.2|2|6',
    '1.3.6.1.2.1.2.2.1.3.7|2|97',
    '1.3.6.1.2.1.2.2.1.7.7|2|1',
    '1.3.6.1.2.1.2.2.1.8.7|2|1',
    '1.3.6.1.2.1.2.2.1.14.7|65|3',
    '1.3.6.1.2.1.31.1.1.1.6.7|70|123456789',
    '1.3.6.1.2.1.31.1.1.1.10.7|70|987654',
    '1.3.6.1.2.1.31.1.1.1.15.7|66|50',
    '1.3.6.1.4.1.9.9.63.1.3.8.2.0|66|2',
  ].join('\n'),
);

const sim = new SnmpSimulator({ files: [join(dir, 'sla-gw.snmprec'), join(dir, 'iad.snmprec')], advance: false });
const client = new SnmpClient(1);
let port = 0;
const target = (community: string): SnmpTarget => ({ host: '127.0.0.1', port, version: '2c', community, timeoutMs: 500, retries: 0 });
beforeAll(async () => {
  port = await sim.start('127.0.0.1', 0);
});
afterAll(async () => {
  client.close();
  await sim.stop();
});

describe('cisco-ipsla', () => {
  it("uses the router's MOS and ICPIF where it has them, the E-model where it has none", async () => {
    const { result, errors } = await pollDevice(client, target('sla-gw'), ['cisco-ipsla'], { profileState: {} });
    expect(errors).toEqual([]);
    const [withMos, older] = result.ipsla;
    expect(withMos).toMatchObject({ index: 5, tag: 'to-pop2', type: 'jitter', rttMs: 40, jitterSdMs: 2, jitterDsMs: 3, oneWaySdMs: 20, oneWayDsMs: 21, mos: 4.12, icpif: 5, mosSource: 'device' });
    expect(withMos!.lossPct).toBeCloseTo(2, 5); // 2 lost of 100
    // no tag: known by its target; RTT average 60 ms → 30 ms one way; jitter 7 ms; 5 % loss; G.729a
    expect(older).toMatchObject({ index: 6, tag: '10.0.0.2', type: 'jitter', rttMs: 60, mosSource: 'e-model' });
    expect(older!.icpif).toBeUndefined();
    expect(older!.mos).toBe(eModelMos(30, 7, 5, 'g729a'));
    expect(older!.mos!).toBeGreaterThan(1);
    expect(older!.mos!).toBeLessThan(4);
  });
});

describe('cisco-voice', () => {
  it('counts active-call table rows on IOS without the call-volume MIB', async () => {
    const { result } = await pollDevice(client, target('sla-gw'), ['cisco-voice'], { profileState: {} });
    expect(result.voice).toEqual({ activeCalls: 2, byProtocol: {}, source: 'cvCallActiveTable' });
  });
});

describe('iad', () => {
  it('finds the WAN interface once, then polls with a single GET of 8 varbinds', async () => {
    const state = { profileState: {} };
    const first = await pollDevice(client, target('iad'), ['iad'], state, false);
    expect(first.result.interfaces).toEqual([
      expect.objectContaining({ ifIndex: 7, ifName: 'wan', operStatus: 1, adminStatus: 1, speedBps: 50e6, counters: { inOctets: { value: 123456789n, bits: 64 }, outOctets: { value: 987654n, bits: 64 }, inErrors: { value: 3n, bits: 32 } } }),
    ]);
    expect(first.result.device.uptimeTicks).toBeGreaterThanOrEqual(777); // sysUpTime advances in the simulator
    expect(first.result.device.uptimeTicks).toBeLessThan(777 + 1000);
    expect(first.result.voice?.activeCalls).toBe(2);
    const before = sim.requests;
    await pollDevice(client, target('iad'), ['iad'], state, false);
    expect(sim.requests - before).toBe(1);
  });
});

describe('bad answers', () => {
  const liar = (fail: (root: string) => boolean): Reader => ({
    get: async () => [],
    walk: async (root) => {
      if (fail(root)) throw new SnmpError('invalid', 'liar:161', root, 'OID does not increase');
      // wrong types everywhere: a string where counters and statuses belong
      return [{ oid: `${root}.1`, type: 'octets', value: 'garbage' }];
    },
  });

  it('a profile given wrong types still yields a sane record, without throwing', async () => {
    const out = await ifMibProfile.poll(liar(() => false), { sysName: '', sysDescr: '', sysObjectID: '', vendor: 'other' }, {});
    expect(out.interfaces).toHaveLength(1);
    expect(out.interfaces![0]).toMatchObject({ ifIndex: 1, operStatus: 0, speedBps: 0, counters: {} });
  });

  it('a profile that fails costs only its own data; the poll goes on', async () => {
    const fake = { get: async (_t: SnmpTarget, oids: readonly string[]) => oids.map(() => undefined), walk: async (_t: SnmpTarget, root: string) => liar((r) => r.startsWith('1.3.6.1.2.1.2.2')).walk(root) };
    const { result, errors } = await pollDevice(fake as unknown as SnmpClient, target('x'), ['if-mib', 'cisco-voice'], { profileState: {} });
    expect(errors).toEqual([{ profile: 'if-mib', message: expect.stringContaining('liar:161') }]);
    expect(result.interfaces).toEqual([]);
    // cvCallVolConnActiveConnection answered with strings is ignored (not a false 0): the
    // profile falls back to counting cvCallActiveTable rows, whose ConnectionId is a string
    expect(result.voice).toEqual({ activeCalls: 1, byProtocol: {}, source: 'cvCallActiveTable' });
  });
});
