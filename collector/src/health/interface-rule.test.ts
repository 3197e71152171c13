import { describe, expect, it } from 'vitest';
import { healthConfigSchema } from './config.js';
import { DEFAULT_INTERFACE_OPTIONS, evaluateInterface, interfaceRule } from './interface-rule.js';

const up = {
  admin_status: 1,
  oper_status: 1,
  in_pps: 1000,
  out_pps: 1000,
  in_errors_ps: 0,
  out_errors_ps: 0,
  in_util_pct: 10,
  out_util_pct: 10,
};

describe('interface rule', () => {
  const judge = (fields: Record<string, number>, options = {}) =>
    evaluateInterface({ ...up, ...fields }, { ...DEFAULT_INTERFACE_OPTIONS, ...options });
  it.each([
    [{}, 'ok', []],
    [{ oper_status: 2 }, 'down', ['oper down']],
    [{ oper_status: 7 }, 'down', ['oper lowerLayerDown']],
    [{ oper_status: 6 }, 'down', ['oper notPresent']],
    [{ oper_status: 3 }, 'degraded', ['oper testing']],
    // dormant: a dial backup waiting for traffic is judged like an up interface
    [{ oper_status: 5 }, 'ok', []],
    // admin down wins over oper down: shut on purpose, shown but not alarmed
    [{ admin_status: 2, oper_status: 2 }, 'ok', ['admin down']],
    // 23.55 errored of 1000 + 23.55 packets: 2.3 %
    [{ in_errors_ps: 23.55 }, 'degraded', ['errors 2.3 %']],
    [{ out_errors_ps: 10, out_pps: 990 }, 'degraded', ['errors 1 %']],
    [{ in_errors_ps: 9, in_pps: 991 }, 'ok', []],
    [{ in_util_pct: 94.2 }, 'degraded', ['utilisation 94 %']],
    [{ out_util_pct: 90 }, 'degraded', ['utilisation 90 %']],
    [{ in_errors_ps: 50, out_util_pct: 99.6 }, 'degraded', ['errors 4.8 %', 'utilisation 100 %']],
    // errors without any other packet: every packet errored
    [{ in_errors_ps: 20, in_pps: 0, out_pps: 0 }, 'degraded', ['errors 100 %']],
    // an almost idle interface (below minPacketsPerSecond, 10): 2 errors in 5 packets are no 40 % link …
    [{ in_errors_ps: 2, in_pps: 3, out_pps: 0 }, 'ok', []],
    [{ in_errors_ps: 1, in_pps: 0, out_pps: 0 }, 'ok', []],
    // … but judged by errors per second (10/s), as an IAD is
    [{ in_errors_ps: 9.5, in_pps: 0.2 }, 'ok', []],
    // the busy direction's 3 % is the share shown, not the idle one's 4 errors in 9 packets
    [{ out_errors_ps: 4, out_pps: 5, in_errors_ps: 3, in_pps: 97 }, 'degraded', ['errors 3 %']],
    // from 10 packets a second the share counts: 1 error in 10
    [{ in_errors_ps: 1, in_pps: 9 }, 'degraded', ['errors 10 %']],
    // an idle interface is fine
    [{ in_pps: 0, out_pps: 0, in_util_pct: 0, out_util_pct: 0 }, 'ok', []],
  ])('%o → %s %o', (fields, state, reasons) => {
    expect(judge(fields)).toEqual({ state, reasons });
  });

  it('judges errors per second where packets are not counted (the IAD profile), and leaves out what a poll lacks', () => {
    const iad = { admin_status: 1, oper_status: 1, in_bps: 1e6, in_util_pct: 5 };
    expect(evaluateInterface({ ...iad, in_errors_ps: 12.34 }, DEFAULT_INTERFACE_OPTIONS)).toEqual({
      state: 'degraded',
      reasons: ['errors 12/s'],
    });
    expect(evaluateInterface({ ...iad, in_errors_ps: 2.5 }, DEFAULT_INTERFACE_OPTIONS)).toEqual({ state: 'ok', reasons: [] });
    expect(evaluateInterface({ ...iad, in_errors_ps: 2.5 }, { ...DEFAULT_INTERFACE_OPTIONS, errorsPerSecond: 2 })).toEqual({
      state: 'degraded',
      reasons: ['errors 2.5/s'],
    });
    // the first poll (no rates yet): status only
    expect(evaluateInterface({ admin_status: 1, oper_status: 1 }, DEFAULT_INTERFACE_OPTIONS)).toEqual({ state: 'ok', reasons: [] });
  });

  it('uses the configured thresholds and admin-down convention', () => {
    expect(judge({ in_util_pct: 94 }, { utilisationPct: 95 })).toEqual({ state: 'ok', reasons: [] });
    expect(judge({ in_errors_ps: 5 }, { errorsPct: 0.1 })).toEqual({ state: 'degraded', reasons: ['errors 0.5 %'] });
    expect(judge({ admin_status: 2, oper_status: 2 }, { adminDown: 'down' })).toEqual({ state: 'down', reasons: ['admin down'] });
    // minPacketsPerSecond 0: every share counts, however few the packets
    expect(judge({ in_errors_ps: 1, in_pps: 0 }, { minPacketsPerSecond: 0 })).toEqual({ state: 'degraded', reasons: ['errors 100 %'] });
    expect(judge({ in_errors_ps: 5, in_pps: 95 }, { minPacketsPerSecond: 200 })).toEqual({ state: 'ok', reasons: [] });
    expect(judge({ in_errors_ps: 5, in_pps: 95 }, { minPacketsPerSecond: 200, errorsPerSecond: 5 })).toEqual({
      state: 'degraded',
      reasons: ['errors 5/s'],
    });
  });

  it('names a link as the trap receiver does, grouped by site, else region, else device', () => {
    const rule = interfaceRule();
    expect(rule.linkId({ device: 'rtr1', ifName: 'Gi0/1' })).toBe('rtr1/Gi0/1');
    expect(rule.group({ device: 'rtr1', site: 'nyc-pop1', region: 'east' })).toBe('nyc-pop1');
    expect(rule.group({ device: 'rtr1', region: 'east' })).toBe('east');
    expect(rule.group({ device: 'rtr1' })).toBe('rtr1');
  });

  it('takes every interface of an IAD, and of a router only the ones that are links', () => {
    const rule = interfaceRule();
    const router = (ifName: string) => rule.accepts!({ device: 'core1', role: 'core', ifName });
    for (const name of ['Gi0/0/0', 'GigabitEthernet0/1.100', 'Te0/1/0', 'Se0/0/0:0', 'Multilink1', 'POS0/1/0', 'eth0', 'Po1'])
      expect(router(name), name).toBe(true);
    for (const name of [
      'Vl100',
      'Vlan20',
      'Lo0',
      'Loopback10',
      'Nu0',
      'Null0',
      'NVI0',
      'Vi1',
      'Virtual-Access2',
      'Virtual-Template1',
      'Tu0',
      'Tunnel100',
      'lo',
      'BDI10',
      'EOBC0/0',
      'docker0',
      'veth12ab',
      'As0/1/17',
      'VoiceOverIpPeer410',
      'VoiceEncapPeer20',
      'FXO-2:1',
      'Foreign Exchange Station 0/1/0',
      'T1 0/0/0',
      'E1 0/1/1',
      'DS1-7:3',
    ])
      expect(router(name), name).toBe(false);
    // A T1's D channel is the PRI's signalling: a link (the span itself is a ds1 link).
    expect(router('Se0/0/0:23')).toBe(true);
    // Access-switch ports are not links; an IAD's WAN is.
    expect(rule.accepts!({ device: 'sw1', role: 'access', ifName: 'Fa0/1' })).toBe(false);
    expect(rule.accepts!({ device: 'iad-1', role: 'iad', ifName: 'wan' })).toBe(true);
    // An IAD's interface is a link whatever it is called.
    expect(rule.accepts!({ device: 'iad-1', role: 'iad', ifName: 'Vlan1' })).toBe(true);
  });

  it('include narrows a router to the named interfaces; roles are configurable', () => {
    const rule = interfaceRule({ include: ['Gi0/0/\\d+$', 'Se'], allInterfacesRoles: ['iad', 'cpe'] });
    expect(rule.accepts!({ device: 'pe1', role: 'edge', ifName: 'Gi0/0/1' })).toBe(true);
    expect(rule.accepts!({ device: 'pe1', role: 'edge', ifName: 'Gi0/0/1.20' })).toBe(false);
    expect(rule.accepts!({ device: 'pe1', role: 'edge', ifName: 'Serial0/1/0' })).toBe(true);
    expect(rule.accepts!({ device: 'pe1', role: 'edge', ifName: 'Te0/1/0' })).toBe(false);
    expect(rule.accepts!({ device: 'c1', role: 'cpe', ifName: 'Lo0' })).toBe(true);
  });

  it('per-device patterns narrow one device: its unused ports are not links, other devices keep theirs', () => {
    const rule = interfaceRule({
      devices: { 'edge1-lax': { exclude: ['Gi0/2/'] }, 'agg1-chi': { include: ['Te'], exclude: ['Te0/0/3(\\.|$)'] } },
    });
    const accepts = (device: string, ifName: string, role = 'edge') => rule.accepts!({ device, role, ifName });
    expect(accepts('edge1-lax', 'Gi0/2/7')).toBe(false);
    expect(accepts('edge1-lax', 'Gi0/0/0')).toBe(true);
    expect(accepts('edge2-lax', 'Gi0/2/7')).toBe(true);
    // the global exclude still applies to a listed device
    expect(accepts('edge1-lax', 'Vl1')).toBe(false);
    expect(accepts('agg1-chi', 'Te0/0/1')).toBe(true);
    expect(accepts('agg1-chi', 'Te0/0/3')).toBe(false);
    expect(accepts('agg1-chi', 'Te0/0/3.100')).toBe(false);
    expect(accepts('agg1-chi', 'Te0/0/30')).toBe(true);
    expect(accepts('agg1-chi', 'Gi0/0/1')).toBe(false);
    // naming a device narrows it whatever its role
    expect(rule.accepts!({ device: 'edge1-lax', role: 'iad', ifName: 'Gi0/2/0' })).toBe(false);
  });

  it('config: defaults, and a bad pattern or threshold named by its path', () => {
    const parsed = healthConfigSchema.parse({});
    expect(parsed.interfaces).toMatchObject({
      errorsPct: 1,
      utilisationPct: 90,
      adminDown: 'ok',
      allInterfacesRoles: ['iad'],
      noInterfacesRoles: ['access'],
      include: [],
      minPacketsPerSecond: 10,
      devices: {},
    });
    expect(parsed.ipsla).toEqual({ mosBelow: 3.6, lossPct: 1, lossDownPct: 100, rttMs: 300, jitterMs: 30 });
    const problems = (input: unknown) => healthConfigSchema.safeParse(input).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(problems({ interfaces: { exclude: ['Vl', '(unclosed'] } })).toEqual([
      ['interfaces.exclude.1', expect.stringMatching(/^not a regular expression: .*unclosed|Unterminated group/)],
    ]);
    expect(problems({ interfaces: { utilisationPct: 140 } })?.[0]?.[0]).toBe('interfaces.utilisationPct');
    expect(problems({ interfaces: { adminDown: 'alarm' } })?.[0]?.[0]).toBe('interfaces.adminDown');
    expect(problems({ ipsla: { lossPct: 5, lossDownPct: 2 } })).toEqual([['ipsla.lossDownPct', 'lossDownPct must be at least lossPct']]);
    expect(problems({ ipsla: { mos: 3 } })?.[0]?.[1]).toMatch(/unrecognized key/i);
  });
});
