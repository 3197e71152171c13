import { describe, expect, it } from 'vitest';
import { channelPeer, nonNegativeInt, secondsToMs } from './fields.js';

describe('field readers', () => {
  it.each([
    ['4.008000', 4008],
    ['4', 4000],
    ['0.0005', 1],
    ['0.0004', 0],
    ['150.5', 150_500],
    ['1795621534', 1_795_621_534_000],
    ['1795621534.123', 1_795_621_534_123],
    ['', undefined],
    ['4.', undefined],
    ['.5', undefined],
    ['-1', undefined],
    ['4.0x', undefined],
    ['1e3', undefined],
    ['1234567890123', undefined],
  ])('secondsToMs(%j) = %j', (text, ms) => {
    expect(secondsToMs(text)).toBe(ms);
  });

  it('reads whole numbers and Asterisk channel peers', () => {
    expect(nonNegativeInt('0027')).toBe(27);
    expect(nonNegativeInt('2.5')).toBeUndefined();
    expect(channelPeer('SIP/211553-00000003')).toBe('SIP/211553');
    expect(channelPeer('PJSIP/trunk-a-0000001f')).toBe('PJSIP/trunk-a');
    expect(channelPeer('Local/ch1@TimeDelay-00000000;2')).toBeUndefined();
  });
});
