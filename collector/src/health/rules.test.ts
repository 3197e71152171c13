import { describe, expect, it } from 'vitest';
import { sipTrunkRule, trunkGroupRule } from './rules.js';

const group = (fields: Record<string, number>) => trunkGroupRule.evaluate({ members: 2, members_up: 2, capacity: 10, warn_at: 90, calls_active: 0, occupancy: 0, ...fields });

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
