import { describe, expect, it } from 'vitest';
import { ds1SpanRule, sipTrunkRule, trunkGroupRule } from './rules.js';

const group = (fields: Record<string, number>) =>
  trunkGroupRule.evaluate({ members: 2, members_up: 2, capacity: 10, warn_at: 90, calls_active: 0, occupancy: 0, ...fields });

describe('trunk group rule', () => {
  it.each([
    [{}, 'ok', []],
    [{ calls_active: 9, occupancy: 90 }, 'degraded', ['occupancy 90 %']],
    [{ calls_active: 10, occupancy: 100 }, 'degraded', ['at capacity']],
    [{ members_up: 1 }, 'degraded', ['1 of 2 trunks down']],
    [{ members_up: 1, calls_active: 12, occupancy: 120 }, 'degraded', ['at capacity', '1 of 2 trunks down']],
    [{ members_up: 0 }, 'down', ['all 2 trunks down']],
  ])('%o → %s %o', (fields, state, reasons) => {
    expect(group(fields)).toEqual({ state, reasons });
  });

  it('groups trunk groups by carrier and SIP trunks by their trunk group', () => {
    expect(trunkGroupRule.group({ trunk_group: 'g', carrier: 'acme' })).toBe('acme');
    expect(sipTrunkRule.group({ switch: 'ss1', trunk: 'a', trunk_group: 'g' })).toBe('g');
    expect(sipTrunkRule.group({ switch: 'ss1', trunk: 'a' })).toBe('ss1');
  });
});

describe('DS1 span rule', () => {
  const rule = ds1SpanRule({ erroredSecondsPct: 1, severelyErroredSecondsPct: 0.1 });
  const span = (fields: Record<string, number | string>) =>
    rule.evaluate({ alarms: '', admin_status: 1, oper_status: 1, elapsed_s: 600, cur_es: 0, cur_ses: 0, ...fields });
  it.each([
    [{}, 'ok', []],
    [{ alarms: 'LOS', oper_status: 2 }, 'down', ['LOS alarm']],
    [{ alarms: 'LOS,LOF,sending AIS' }, 'down', ['LOS alarm', 'LOF alarm']],
    [{ alarms: 'AIS' }, 'down', ['AIS alarm']],
    [{ alarms: 'RAI' }, 'degraded', ['RAI alarm']],
    [{ alarms: 'loopback' }, 'degraded', ['loopback alarm']],
    [{ admin_status: 2, oper_status: 2 }, 'down', ['admin down']],
    [{ oper_status: 2 }, 'down', ['oper down']],
    [{ cur_es: 5 }, 'ok', []],
    [{ cur_es: 6 }, 'degraded', ['errored seconds 1 %']],
    [{ cur_es: 14 }, 'degraded', ['errored seconds 2.3 %']],
    [{ cur_es: 14, cur_ses: 1 }, 'degraded', ['errored seconds 2.3 %', 'severely errored seconds 0.2 %']],
    [{ alarms: 'RAI', cur_es: 90 }, 'degraded', ['RAI alarm', 'errored seconds 15 %']],
    // the first minute of an interval is not judged: 1 ES in 10 s is no 10 % error rate
    [{ elapsed_s: 10, cur_es: 1 }, 'ok', []],
  ])('%o → %s %o', (fields, state, reasons) => {
    expect(span(fields)).toEqual({ state, reasons });
  });

  it('names a span by device and span, grouped by trunk group, else site, else device', () => {
    expect(rule.linkId({ device: 'gw1', span: 'T1 0/0/0' })).toBe('gw1/T1 0/0/0');
    expect(rule.group({ device: 'gw1', span: 'x', site: 'nyc', trunk_group: 'pstn-tdm' })).toBe('pstn-tdm');
    expect(rule.group({ device: 'gw1', span: 'x', site: 'nyc' })).toBe('nyc');
    expect(rule.group({ device: 'gw1', span: 'x' })).toBe('gw1');
  });
});
