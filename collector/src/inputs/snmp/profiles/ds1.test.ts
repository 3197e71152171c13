// DS1-MIB and CISCO-POP-MGMT-MIB: the pure decoders by table, then both profiles against the
// simulator serving the synthetic T1 gateway recording, with an alarm switched on at runtime.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollDevice } from '../poll-device.js';
import { SnmpClient, type SnmpTarget, type Varbind } from '../session.js';
import { SnmpSimulator } from '../sim/agent.js';
import { pollMetrics, newRateState } from '../to-metrics.js';
import { ds0SpanFromRow, matchSpan } from './cisco-pop-mgmt.js';
import { decodeLineStatus, ds1FromRows } from './ds1.js';
import type { Row } from './profile.js';

const FIXTURE = join(import.meta.dirname, '../../../../../test/fixtures/cisco-2811-t1.snmprec');
// A Cisco router without T1/E1 (the real Catalyst 3560 recording): both profiles must stay cheap on it.
const NO_TDM = join(import.meta.dirname, '../../../../../../shared/fixtures/snmprec/librenms_ios_c3560.snmprec');
const gauge = (value: number): Varbind => ({ oid: '', type: 'gauge32', value });
const text = (value: string): Varbind => ({ oid: '', type: 'octets', value });
const row = (values: Record<string, Varbind>): Row => new Map(Object.entries(values));

describe('decodeLineStatus', () => {
  it.each([
    [1, []],
    [64, ['LOS']],
    [32, ['LOF']],
    [8, ['AIS']],
    [2, ['RAI']],
    [128, ['loopback']],
    [64 + 32 + 16, ['LOS', 'LOF', 'sending AIS']],
    [2 + 4, ['RAI', 'sending RAI']],
    [4096 + 8192, ['other failure', 'unavailable']],
    [-1, ['other failure']],
  ])('%i → %o', (status, alarms) => {
    expect(decodeLineStatus(status)).toEqual(alarms);
  });
});

describe('ds1FromRows', () => {
  it('names the span after ifName, else ifDescr, else its index; keeps counts as given', () => {
    const ds1 = row({ lineStatus: gauge(66), lineType: gauge(2), timeElapsed: gauge(300), cur_es: gauge(4), total_ses: gauge(2) });
    expect(ds1FromRows(7, ds1, row({ ifName: text('T1 0/0/0'), ifOperStatus: gauge(2) }))).toEqual({
      ifIndex: 7,
      span: 'T1 0/0/0',
      operStatus: 2,
      lineStatus: 66,
      alarms: ['LOS', 'RAI'],
      lineType: 'esf',
      elapsedS: 300,
      counts: { cur_es: 4, total_ses: 2 },
    });
    expect(ds1FromRows(8, new Map(), row({ ifDescr: text('T1 1') })).span).toBe('T1 1');
    expect(ds1FromRows(9, new Map(), new Map())).toEqual({ ifIndex: 9, span: 'ds1 9', alarms: [], counts: {} });
  });
});

describe('CISCO-POP-MGMT per-DS1 rows', () => {
  const names = ['T1 0/0/0', 'T1 0/0/1', 'T1 0/1/0', 'T1 0/1/1'];
  it.each([
    ['0/1', names, 'T1 0/0/1'],
    ['1/0', names, 'T1 0/1/0'],
    ['1/0', ['T1 1/0', 'T1 0/0'], 'T1 1/0'],
    ['0/1', ['T1 0/1', 'T1 0/0/1'], undefined],
    ['0/1', ['T1 0/1', 'E1 0/1'], undefined],
    ['2/0', names, undefined],
  ])('slot/port %s in %o → %s', (slotPort, spanNames, expected) => {
    expect(matchSpan(slotPort, spanNames)).toBe(expected);
  });

  it('counts the channels of a span as active + idle + out of service + busied out', () => {
    const r = row({ activeDs0s: gauge(9), idle: gauge(10), outOfService: gauge(3), busyout: gauge(1), totalCalls: gauge(77) });
    expect(ds0SpanFromRow('1.1', r, names)).toEqual({
      slotPort: '1/1',
      span: 'T1 0/1/1',
      activeDs0s: 9,
      channels: 23,
      idle: 10,
      outOfService: 3,
      busyout: 1,
      totalCalls: 77,
    });
    expect(ds0SpanFromRow('3.0', row({ activeDs0s: gauge(2) }), names)).toEqual({ slotPort: '3/0', span: '3/0', activeDs0s: 2 });
    expect(ds0SpanFromRow('1.1', row({ idle: gauge(1) }), names)).toBeUndefined();
  });
});

describe('ds1 and cisco-pop-mgmt against the simulated T1 gateway', () => {
  const sim = new SnmpSimulator({ files: [FIXTURE, NO_TDM], advance: false });
  const client = new SnmpClient(1);
  let target: SnmpTarget;
  beforeAll(async () => {
    const port = await sim.start('127.0.0.1', 0);
    target = { host: '127.0.0.1', port, version: '2c', community: 'cisco-2811-t1', timeoutMs: 1000, retries: 1 };
  });
  afterAll(async () => {
    client.close();
    await sim.stop();
  });

  it('auto-detects both profiles on the Cisco gateway and reads four healthy spans with their channels', async () => {
    const { result, errors } = await pollDevice(client, target, ['auto'], { profileState: {} });
    expect(errors).toEqual([]);
    expect(result.device.profiles).toEqual(expect.arrayContaining(['ds1', 'cisco-pop-mgmt']));
    expect(result.ds1!.map((s) => [s.span, s.alarms, s.lineType, s.operStatus])).toEqual([
      ['T1 0/0/0', [], 'esf', 1],
      ['T1 0/0/1', [], 'esf', 1],
      ['T1 0/1/0', [], 'esf', 1],
      ['T1 0/1/1', [], 'esf', 1],
    ]);
    expect(result.ds1![3]!.counts).toMatchObject({
      cur_es: 3,
      cur_bes: 2,
      total_es: 40,
      total_ses: 5,
      total_sefs: 1,
      total_uas: 10,
      total_css: 2,
      total_bes: 30,
      total_dm: 3,
    });
    expect(result.pop!.spans.map((s) => [s.span, s.activeDs0s, s.channels])).toEqual([
      ['T1 0/0/0', 12, 23],
      ['T1 0/0/1', 9, 23],
      ['T1 0/1/0', 20, 23],
      ['T1 0/1/1', 0, 23],
    ]);
    expect(result.pop!.device).toMatchObject({ activeDs0s: 41, isdnBChannelsVoice: 41, isdnActiveDChannels: 4 });
    const metrics = pollMetrics(result, newRateState(), { device: 'gw' }, 1000, 1);
    expect(metrics.find((m) => m.measurement === 'snmp_ds0' && m.tags.span === 'T1 0/1/0')!.fields).toMatchObject({
      active: 20,
      channels: 23,
      occupancy_pct: (100 * 20) / 23,
    });
    expect(metrics.find((m) => m.measurement === 'snmp_ds1' && m.tags.span === 'T1 0/0/0')!.fields).toMatchObject({
      line_status: 1,
      alarms: '',
      alarm_count: 0,
      total_es: 12,
    });
  });

  it('costs a router without T1/E1 four requests for both profiles, and yields nothing', async () => {
    const state = { profileState: {} };
    await pollDevice(client, { ...target, community: 'librenms_ios_c3560' }, ['auto'], state);
    const before = sim.requests;
    const { result, errors } = await pollDevice(client, { ...target, community: 'librenms_ios_c3560' }, ['ds1', 'cisco-pop-mgmt'], state);
    expect(errors).toEqual([]);
    expect(result.ds1).toBeUndefined();
    expect(result.pop).toBeUndefined();
    expect(sim.requests - before).toBeLessThanOrEqual(4 + 1); // + the sysUpTime GET of the poll itself
  });

  it('serves a value a test sets at runtime, and the recorded one again after clearing it', async () => {
    const los = '1.3.6.1.2.1.10.18.6.1.10.4';
    sim.values.set('cisco-2811-t1', los, 64 + 2);
    const alarmed = await pollDevice(client, target, ['ds1'], { profileState: {} });
    expect(alarmed.result.ds1!.find((s) => s.span === 'T1 0/0/1')!.alarms).toEqual(['LOS', 'RAI']);
    expect(alarmed.result.ds1!.filter((s) => s.alarms.length > 0)).toHaveLength(1);
    sim.values.clear('cisco-2811-t1', los);
    const cleared = await pollDevice(client, target, ['ds1'], { profileState: {} });
    expect(cleared.result.ds1!.every((s) => s.alarms.length === 0)).toBe(true);
    expect(() => sim.values.set('cisco-2811-t1', '1.3.6.1.2.1.10.18.6.1.10.99', 64)).toThrow(
      /has no 1\.3\.6\.1\.2\.1\.10\.18\.6\.1\.10\.99/,
    );
  });
});
