import { describe, expect, it } from 'vitest';
import { Zone } from '../zone.js';
import { channelPeer, nonNegativeInt, nonNegativeIntAt, secondsToMs, secondsToMsAt, timestampAt } from './fields.js';

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

  it('reads fields in place, within the bounds given', () => {
    const line = '1795621534|4.0085|0027|2026-07-04 12:00:00|x';
    expect(timestampAt(line, 0, 10, new Zone('UTC'))).toBe(1_795_621_534_000);
    expect(secondsToMsAt(line, 11, 17)).toBe(4009);
    expect(nonNegativeIntAt(line, 18, 22)).toBe(27);
    expect(timestampAt(line, 23, 42, new Zone('UTC'))).toBe(Date.parse('2026-07-04T12:00:00Z'));
    expect(nonNegativeIntAt(line, 22, 22)).toBeUndefined();
    expect(secondsToMsAt(line, 43, 44)).toBeUndefined();
    expect(timestampAt(line, 10, 10, new Zone('UTC'))).toBeUndefined();
  });
});
