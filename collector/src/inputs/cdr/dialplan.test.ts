import { describe, expect, it } from 'vitest';
import { DialPlan, dialPlanSchema, national, PrefixSet } from './dialplan.js';

const plan = new DialPlan(
  dialPlanSchema.parse({ ownPrefixes: ['212555'], localPrefixes: ['212', '646', '718555'], homeAreaCode: '212', rules: [{ class: 'premium', match: '^1?900' }] }),
  ['SIP/pstn-a', 'pstn-b'],
);

describe('DialPlan (NANP)', () => {
  it.each([
    // src, dst, class, direction
    ['2125550100', '6465551234', 'local', 'outbound'],
    ['2125550100', '7185551234', 'local', 'outbound'],
    ['2125550100', '7184441234', 'long_distance', 'outbound'],
    ['2125550100', '13125551234', 'long_distance', 'outbound'],
    ['2125550100', '+13125551234', 'long_distance', 'outbound'],
    ['2125550100', '5551234', 'local', 'outbound'],
    ['2125550100', '01144207946000', 'international', 'outbound'],
    ['2125550100', '+442079460000', 'international', 'outbound'],
    ['2125550100', '18005551234', 'toll_free', 'outbound'],
    ['2125550100', '8885551234', 'toll_free', 'outbound'],
    ['2125550100', '911', 'emergency', 'outbound'],
    ['2125550100', '19005551234', 'premium', 'outbound'],
    ['2125550100', '2125550199', 'on_net', 'internal'],
    ['3125551234', '2125550199', 'inbound', 'inbound'],
    ['3125551234', '6465551234', 'local', 'transit'],
    ['2125550100', '*72', 'other', 'outbound'],
    ['sip:2125550100@10.0.0.1', 'sip:6465551234@10.0.0.2', 'local', 'outbound'],
  ])('%s → %s is %s, %s', (src, dst, cls, direction) => {
    expect(plan.classify({ src, dst })).toMatchObject({ class: cls, direction });
  });

  it('takes the trunk side from the configured trunk list', () => {
    // Out over a PSTN trunk: off-net on the far side even to one of our own numbers, so classed by the dialled number.
    expect(plan.classify({ src: '2125550100', dst: '2125550199', inTrunk: 'SIP/phone1', outTrunk: 'SIP/pstn-a' })).toEqual({ class: 'local', direction: 'outbound', trunk: 'SIP/pstn-a' });
    // A call that arrives on a trunk is off-net on that side, whatever the number says.
    expect(plan.classify({ src: '2125550100', dst: '2125550199', inTrunk: 'pstn-b' })).toEqual({ class: 'inbound', direction: 'inbound', trunk: 'pstn-b' });
    expect(plan.classify({ src: '2125550100', dst: '2125550199', inTrunk: 'SIP/phone1' }).trunk).toBe('none');
  });

  it('caps the number of trunk tag values when no trunk list is configured', () => {
    const open = new DialPlan(dialPlanSchema.parse({}), [], 2);
    const trunks = ['a', 'b', 'c', 'a'].map((t) => open.classify({ src: '1', dst: '2', outTrunk: t }).trunk);
    expect(trunks).toEqual(['a', 'b', 'other', 'a']);
  });

  it('lists its classes (tag values are bounded)', () => {
    expect(plan.classes).toEqual(['local', 'long_distance', 'international', 'toll_free', 'emergency', 'on_net', 'inbound', 'other', 'premium']);
  });

  it('normalises numbers to national form', () => {
    expect(national('+1 (212) 555-0100')).toBe('2125550100');
    expect(national('12125550100')).toBe('2125550100');
    expect(national('+44 20 7946 0000')).toBe('+442079460000');
  });
});

describe('PrefixSet', () => {
  const set = new PrefixSet(['212', '718555', '011', '9']);
  it.each([
    ['2125550100', true],
    ['7185551234', true],
    ['7184441234', false],
    ['01144207946000', true],
    ['1144207946000', false],
    ['911', true],
    ['21', false],
    ['+2125550100', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(set.matches(text)).toBe(expected);
  });

  it('matches nothing when empty', () => {
    expect(new PrefixSet([]).matches('2125550100')).toBe(false);
  });
});
