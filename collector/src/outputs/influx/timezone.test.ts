// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { isTimeZone, startOfLocalDay, startOfNextLocalDay } from './timezone.js';

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

describe('local days', () => {
  it('finds local midnight in New York, DST days included', () => {
    expect(startOfLocalDay(at('2026-11-25T16:00:00Z'), 'America/New_York')).toBe(at('2026-11-25T05:00:00Z'));
    expect(startOfLocalDay(at('2026-11-25T04:59:59Z'), 'America/New_York')).toBe(at('2026-11-24T05:00:00Z'));
    expect(startOfLocalDay(at('2026-07-01T04:00:00Z'), 'America/New_York')).toBe(at('2026-07-01T04:00:00Z'));
    // 8 March 2026: clocks go forward, a 23 h day
    const spring = startOfLocalDay(at('2026-03-08T12:00:00Z'), 'America/New_York');
    expect(spring).toBe(at('2026-03-08T05:00:00Z'));
    expect(startOfNextLocalDay(spring, 'America/New_York') - spring).toBe(23 * HOUR);
    // 1 November 2026: clocks go back, a 25 h day
    const fall = startOfLocalDay(at('2026-11-01T23:00:00Z'), 'America/New_York');
    expect(fall).toBe(at('2026-11-01T04:00:00Z'));
    expect(startOfNextLocalDay(fall, 'America/New_York') - fall).toBe(25 * HOUR);
  });

  it('handles zones with odd offsets and UTC', () => {
    expect(startOfLocalDay(at('2026-11-25T16:00:00Z'), 'Asia/Kolkata')).toBe(at('2026-11-24T18:30:00Z'));
    expect(startOfLocalDay(at('2026-11-25T16:00:00Z'), 'Pacific/Chatham')).toBe(at('2026-11-25T10:15:00Z'));
    expect(startOfLocalDay(at('2026-11-25T16:00:00Z'), 'UTC')).toBe(at('2026-11-25T00:00:00Z'));
    expect(startOfNextLocalDay(at('2026-11-25T00:00:00Z'), 'UTC')).toBe(at('2026-11-26T00:00:00Z'));
  });

  it('finds the start of a day whose midnight does not exist', () => {
    // Santiago, 6 September 2026: clocks jump from 24:00 to 01:00, the day starts at 01:00 -03
    expect(startOfLocalDay(at('2026-09-06T12:00:00Z'), 'America/Santiago')).toBe(at('2026-09-06T04:00:00Z'));
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
