import { describe, expect, it } from 'vitest';
import { DEFAULT_INTERFACE_OPTIONS, evaluateInterface, interfaceRule } from '../../health/interface-rule.js';
import {
  TrapFormatError,
  eventMetric,
  translateTrap,
  v1TrapOid,
  varbindsJson,
  type ReceivedTrap,
  type TrapDevice,
  type TrapVarbind,
} from './translate.js';

const device: TrapDevice = {
  device: 'gw1',
  tags: { device: 'gw1', site: 'chi-pop2', region: 'central', role: 'voice-gw' },
  ifName: (i) => ({ 1: 'Gi0/0', 2: 'Gi0/1', 10: 'T1 0/0/0' })[i],
};

const int = (oid: string, value: number): TrapVarbind => ({ oid, type: 'integer', value });
const str = (oid: string, value: string): TrapVarbind => ({ oid, type: 'octets', value });
const v2 = (trapOid: string, ...payload: TrapVarbind[]): ReceivedTrap => ({
  version: '2c',
  pdu: 'trap',
  source: '10.1.1.1',
  varbinds: [
    { oid: '1.3.6.1.2.1.1.3.0', type: 'timeticks', value: 123456 },
    { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 'oid', value: trapOid },
    ...payload,
  ],
});

const IF = '1.3.6.1.2.1.2.2.1';
const RTT = '1.3.6.1.4.1.9.9.42.1.2.19.1';

describe('translateTrap', () => {
  it.each([
    {
      name: 'linkDown with ifIndex, admin up, oper down: named by the poller',
      trap: v2('1.3.6.1.6.3.1.1.5.3', int(`${IF}.1.2`, 2), int(`${IF}.7.2`, 1), int(`${IF}.8.2`, 2)),
      want: {
        event: 'linkDown',
        kind: 'interface',
        object: 'Gi0/1',
        state: 'down',
        ifIndex: 2,
        key: 'interface:2',
        link: {
          kind: 'interface',
          id: 'gw1/Gi0/1',
          group: 'chi-pop2',
          verdict: { state: 'down', reasons: ['oper down', 'linkDown trap'] },
        },
      },
    },
    {
      name: 'linkDown, administratively down, Cisco locIfReason in the text: ok (admin down), as the poll judges it',
      trap: v2(
        '1.3.6.1.6.3.1.1.5.3',
        int(`${IF}.1.1`, 1),
        int(`${IF}.7.1`, 2),
        int(`${IF}.8.1`, 2),
        str('1.3.6.1.4.1.9.2.2.1.1.20.1', 'administratively down'),
      ),
      want: {
        object: 'Gi0/0',
        state: 'admin down',
        text: 'linkDown Gi0/0 on gw1: administratively down',
        link: { verdict: { state: 'ok', reasons: ['admin down'] } },
      },
    },
    {
      name: 'linkUp without an ifIndex varbind: the index from the instance of ifOperStatus',
      trap: v2('1.3.6.1.6.3.1.1.5.4', int(`${IF}.7.2`, 1), int(`${IF}.8.2`, 1)),
      want: { event: 'linkUp', object: 'Gi0/1', state: 'up', ifIndex: 2, link: { id: 'gw1/Gi0/1', verdict: { state: 'ok', reasons: [] } } },
    },
    {
      name: 'linkDown for an ifIndex the poller has not seen: the trap’s ifDescr',
      trap: v2('1.3.6.1.6.3.1.1.5.3', int(`${IF}.1.7`, 7), str(`${IF}.2.7`, 'Serial0/1/0'), int(`${IF}.8.7`, 7)),
      want: {
        object: 'Serial0/1/0',
        state: 'lowerLayerDown',
        link: { id: 'gw1/Serial0/1/0', verdict: { state: 'down', reasons: ['oper lowerLayerDown', 'linkDown trap'] } },
      },
    },
    {
      name: 'linkDown with no interface at all: an event, no link',
      trap: v2('1.3.6.1.6.3.1.1.5.3'),
      want: { event: 'linkDown', object: '', key: 'interface:?', link: undefined },
    },
    {
      name: 'coldStart: a counter restart, no link',
      trap: v2('1.3.6.1.6.3.1.1.5.1'),
      want: { event: 'coldStart', kind: 'device', object: '', state: 'restarted', counterRestart: true, uptime: 123456, link: undefined },
    },
    { name: 'warmStart: a counter restart too', trap: v2('1.3.6.1.6.3.1.1.5.2'), want: { event: 'warmStart', counterRestart: true } },
    {
      name: 'authenticationFailure: an event only',
      trap: v2('1.3.6.1.6.3.1.1.5.5'),
      want: { event: 'authenticationFailure', kind: 'device', counterRestart: undefined },
    },
    {
      name: 'dsx1LineStatusChange LOS + AIS: down with the DS1 rule’s reasons, then the trap',
      trap: v2('1.3.6.1.2.1.10.18.15.0.1', int('1.3.6.1.2.1.10.18.6.1.10.10', 64 + 8), {
        oid: '1.3.6.1.2.1.10.18.6.1.16.10',
        type: 'timeticks',
        value: 99,
      }),
      want: {
        event: 'dsx1LineStatusChange',
        kind: 'ds1',
        object: 'T1 0/0/0',
        state: 'LOS, AIS',
        link: {
          kind: 'ds1',
          id: 'gw1/T1 0/0/0',
          group: 'chi-pop2',
          verdict: { state: 'down', reasons: ['LOS alarm', 'AIS alarm', 'dsx1LineStatusChange trap'] },
        },
      },
    },
    {
      name: 'dsx1LineStatusChange RAI only: degraded',
      trap: v2('1.3.6.1.2.1.10.18.15.0.1', int('1.3.6.1.2.1.10.18.6.1.10.11', 2)),
      want: {
        object: 'ds1 11',
        state: 'RAI',
        link: { id: 'gw1/ds1 11', verdict: { state: 'degraded', reasons: ['RAI alarm', 'dsx1LineStatusChange trap'] } },
      },
    },
    {
      name: 'dsx1LineStatusChange no alarm: ok',
      trap: v2('1.3.6.1.2.1.10.18.15.0.1', int('1.3.6.1.2.1.10.18.6.1.10.10', 1)),
      want: { state: 'no alarm', link: { verdict: { state: 'ok', reasons: [] } } },
    },
    {
      name: 'rttMonNotification MOS below threshold: degraded with the values',
      trap: v2(
        '1.3.6.1.4.1.9.9.42.2.0.5',
        str('1.3.6.1.4.1.9.9.42.1.2.1.1.3.20', 'to-nyc-sbc'),
        int(`${RTT}.2.20.1`, 6),
        int(`${RTT}.10.20.1`, 1),
        int(`${RTT}.9.20.1`, 340),
        int(`${RTT}.5.20.1`, 390),
        int(`${RTT}.6.20.1`, 380),
      ),
      want: {
        event: 'rttMonNotification',
        kind: 'ipsla',
        object: '20',
        state: 'MOS 3.4 < 3.8',
        text: 'IP SLA 20 (to-nyc-sbc) on gw1: MOS 3.4 < 3.8',
        link: { kind: 'ipsla', id: 'gw1/20', verdict: { state: 'degraded', reasons: ['MOS 3.4 < 3.8', 'rttMonNotification trap'] } },
      },
    },
    {
      name: 'rttMonNotification timeout: down',
      trap: v2('1.3.6.1.4.1.9.9.42.2.0.5', int(`${RTT}.2.21.2`, 7), int(`${RTT}.10.21.2`, 1)),
      want: { object: '21', state: 'timeout', link: { verdict: { state: 'down', reasons: ['timeout', 'rttMonNotification trap'] } } },
    },
    {
      name: 'rttMonNotification cleared (occurred = false): ok',
      trap: v2(
        '1.3.6.1.4.1.9.9.42.2.0.5',
        int(`${RTT}.2.20.1`, 11),
        int(`${RTT}.10.20.1`, 2),
        int(`${RTT}.9.20.1`, 12),
        int(`${RTT}.5.20.1`, 20),
      ),
      want: { state: 'ICPIF 12 > 20 cleared', link: { id: 'gw1/20', verdict: { state: 'ok', reasons: [] } } },
    },
    {
      name: 'rttMonThresholdNotification (older IOS): over threshold',
      trap: v2('1.3.6.1.4.1.9.9.42.2.0.3', str('1.3.6.1.4.1.9.9.42.1.2.1.1.3.5', 'core'), int('1.3.6.1.4.1.9.9.42.1.2.9.1.7.5', 1)),
      want: {
        object: '5',
        state: 'over threshold',
        link: { verdict: { state: 'degraded', reasons: ['over threshold', 'rttMonThresholdNotification trap'] } },
      },
    },
    {
      name: 'dialCtlPeerCallInformation: a voice event with the disconnect text, no link',
      trap: v2(
        '1.3.6.1.2.1.10.21.2.0.1',
        int('1.3.6.1.2.1.10.21.1.2.1.1.1.4', 4),
        str('1.3.6.1.2.1.10.21.1.2.2.1.8.4', 'normal call clearing'),
      ),
      want: {
        event: 'dialCtlPeerCallInformation',
        kind: 'voice',
        object: '4',
        state: 'call ended',
        text: 'call ended on gw1 (4): normal call clearing',
        link: undefined,
      },
    },
    {
      name: 'cvdcPoorQoVNotification',
      trap: v2('1.3.6.1.4.1.9.9.63.2.0.1', int('1.3.6.1.4.1.9.9.63.1.3.1.1.1.77', 1)),
      want: { kind: 'voice', state: 'poor quality of voice', object: '77' },
    },
    {
      name: 'an unknown notification is kept with its raw varbinds',
      trap: v2('1.3.6.1.4.1.99999.0.4', str('1.3.6.1.4.1.99999.1.1', 'PSU 2 failed')),
      want: {
        event: 'unknown',
        kind: 'other',
        trapOid: '1.3.6.1.4.1.99999.0.4',
        key: 'other:1.3.6.1.4.1.99999.0.4',
        varbinds: [{ oid: '1.3.6.1.4.1.99999.1.1', type: 'octets', value: 'PSU 2 failed' }],
      },
    },
  ])('$name', ({ trap, want }) => {
    const event = translateTrap(trap, device) as unknown as Record<string, unknown>;
    // `key: undefined` in a row means the event has no such property.
    const entries = Object.entries(want);
    for (const [key] of entries.filter(([, v]) => v === undefined)) expect(event[key], key).toBeUndefined();
    expect(event).toMatchObject(Object.fromEntries(entries.filter(([, v]) => v !== undefined)));
  });

  it.each([
    [{ enterprise: '1.3.6.1.4.1.9', generic: 0, specific: 0 }, '1.3.6.1.6.3.1.1.5.1'],
    [{ enterprise: '1.3.6.1.4.1.9', generic: 2, specific: 0 }, '1.3.6.1.6.3.1.1.5.3'],
    [{ enterprise: '1.3.6.1.4.1.9.9.42', generic: 6, specific: 5 }, '1.3.6.1.4.1.9.9.42.0.5'],
  ])('SNMPv1 %o has snmpTrapOID %s (RFC 3584)', (v1, oid) => {
    expect(v1TrapOid({ ...v1, agentAddr: '10.1.1.1', uptime: 0 })).toBe(oid);
  });

  it('a v1 linkDown carries its varbinds without the v2 header', () => {
    const trap: ReceivedTrap = {
      version: '1',
      pdu: 'trap',
      source: '10.1.1.1',
      v1: { enterprise: '1.3.6.1.4.1.9', generic: 2, specific: 0, agentAddr: '10.1.1.1', uptime: 500 },
      varbinds: [int(`${IF}.1.1`, 1)],
    };
    expect(translateTrap(trap, device)).toMatchObject({
      event: 'linkDown',
      object: 'Gi0/0',
      uptime: 500,
      link: { verdict: { state: 'down' } },
    });
  });

  it('judges admin and oper status with the interface polling rule, so trap and poll agree', () => {
    const linkDown = (admin: number | undefined, oper: number | undefined) =>
      v2(
        '1.3.6.1.6.3.1.1.5.3',
        int(`${IF}.1.2`, 2),
        ...(admin === undefined ? [] : [int(`${IF}.7.2`, admin)]),
        ...(oper === undefined ? [] : [int(`${IF}.8.2`, oper)]),
      );
    for (const adminDown of ['ok', 'down'] as const) {
      const rule = interfaceRule({ adminDown });
      for (const [admin, oper] of [
        [1, 2],
        [2, 2],
        [1, 7],
        [1, 3],
      ] as const) {
        const trapped = translateTrap(linkDown(admin, oper), device, rule).link!.verdict;
        const polled = evaluateInterface({ admin_status: admin, oper_status: oper }, { ...DEFAULT_INTERFACE_OPTIONS, adminDown });
        expect(trapped.state, `adminDown ${adminDown}, admin ${admin}, oper ${oper}`).toBe(polled.state);
        expect(trapped.reasons.slice(0, polled.reasons.length)).toEqual(polled.reasons);
      }
    }
    // adminDown: down — the shut port is down, and the trap says so too
    expect(translateTrap(linkDown(2, 2), device, interfaceRule({ adminDown: 'down' })).link!.verdict).toEqual({
      state: 'down',
      reasons: ['admin down', 'linkDown trap'],
    });
    // no status varbinds: the notification itself says down (or up)
    expect(translateTrap(linkDown(undefined, undefined), device).link!.verdict).toEqual({
      state: 'down',
      reasons: ['oper down', 'linkDown trap'],
    });
    // a linkDown whose ifOperStatus still says up: down all the same
    expect(translateTrap(linkDown(1, 1), device).link!.verdict.state).toBe('down');
    expect(translateTrap(v2('1.3.6.1.6.3.1.1.5.4', int(`${IF}.1.2`, 2)), device).link!.verdict).toEqual({ state: 'ok', reasons: [] });
  });

  it('an interface the rule takes for no link (a VLAN, a device’s excluded port) is an event without a link report', () => {
    const names: TrapDevice = { ...device, ifName: (i) => ({ 1: 'Vl100', 2: 'Gi0/2/5', 3: 'Gi0/0/1' })[i] };
    const rule = interfaceRule({ devices: { gw1: { exclude: ['Gi0/2/'] } } });
    const down = (ifIndex: number) => translateTrap(v2('1.3.6.1.6.3.1.1.5.3', int(`${IF}.1.${ifIndex}`, ifIndex)), names, rule);
    expect(down(1)).toMatchObject({ event: 'linkDown', object: 'Vl100', ifIndex: 1 });
    expect(down(1).link).toBeUndefined();
    expect(down(2)).toMatchObject({ event: 'linkDown', object: 'Gi0/2/5', ifIndex: 2 });
    expect(down(2).link).toBeUndefined();
    expect(down(3).link).toMatchObject({ id: 'gw1/Gi0/0/1', verdict: { state: 'down' } });
  });

  it('a v2c notification without snmpTrapOID.0 is malformed', () => {
    expect(() => translateTrap({ version: '2c', pdu: 'trap', source: '10.1.1.1', varbinds: [int(`${IF}.1.1`, 1)] }, device)).toThrow(
      TrapFormatError,
    );
  });
});

describe('eventMetric', () => {
  it('is an annotation: title and text, inventory tags, the object as a tag', () => {
    const trap = v2('1.3.6.1.6.3.1.1.5.3', int(`${IF}.1.2`, 2), int(`${IF}.8.2`, 2));
    const metric = eventMetric(translateTrap(trap, device), trap, device, 1_700_000_000_000);
    expect(metric).toEqual({
      measurement: 'snmp_events',
      tags: { device: 'gw1', site: 'chi-pop2', region: 'central', role: 'voice-gw', event: 'linkDown', kind: 'interface', object: 'Gi0/1' },
      time: 1_700_000_000_000,
      fields: {
        title: 'linkDown gw1 Gi0/1',
        text: 'linkDown Gi0/1 on gw1',
        state: 'down',
        trap_oid: '1.3.6.1.6.3.1.1.5.3',
        source: '10.1.1.1',
        version: '2c',
        inform: false,
        varbinds: '[{"oid":"1.3.6.1.2.1.2.2.1.1.2","type":"integer","value":2},{"oid":"1.3.6.1.2.1.2.2.1.8.2","type":"integer","value":2}]',
        if_index: 2,
        link_state: 'down',
      },
    });
  });

  it('a device-wide event has no object tag (InfluxDB has no empty tag values)', () => {
    const trap = v2('1.3.6.1.6.3.1.1.5.1');
    expect(eventMetric(translateTrap(trap, device), trap, device, 1).tags).not.toHaveProperty('object');
  });

  it('an object name from the packet becomes a valid, short tag value', () => {
    const trap = v2('1.3.6.1.6.3.1.1.5.3', int(`${IF}.1.9`, 9), str(`${IF}.2.9`, `Serial\r\n0/9 ${'x'.repeat(200)}`));
    const tags = eventMetric(translateTrap(trap, device), trap, device, 1).tags;
    expect(tags.object).toBe(`Serial 0/9 ${'x'.repeat(128 - 'Serial\r\n0/9 '.length)}`);
    const slash = v2('1.3.6.1.6.3.1.1.5.3', int(`${IF}.1.9`, 9), str(`${IF}.2.9`, 'odd\\'));
    expect(eventMetric(translateTrap(slash, device), slash, device, 1).tags.object).toBe('odd');
  });

  it('bounds the stored varbinds and writes Counter64 values as text', () => {
    const big = Array.from({ length: 200 }, (_, i) => str(`1.3.6.1.4.1.99999.1.${i}`, 'x'.repeat(50)));
    expect(varbindsJson(big).length).toBe(4096);
    expect(varbindsJson([{ oid: '1.3', type: 'counter64', value: 2n ** 64n - 1n }])).toBe(
      '[{"oid":"1.3","type":"counter64","value":"18446744073709551615"}]',
    );
  });
});
