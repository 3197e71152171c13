import { describe, expect, it } from 'vitest';
import { isValidDay, Zone } from './zone.js';

const ny = new Zone('America/New_York');

describe('Zone', () => {
  it.each([
    ['2026-03-08', 23],
    ['2026-11-01', 25],
    ['2026-07-04', 24],
    ['2024-03-10', 23],
  ])('%s in New York is %i hours long', (day, hours) => {
    const { start, end } = ny.dayRange(day);
    expect((end - start) / 3_600_000).toBe(hours);
  });

  it('reads local times across the DST changes', () => {
    expect(ny.parseLocal('2026-07-04 12:00:00')).toBe(Date.parse('2026-07-04T16:00:00Z'));
    expect(ny.parseLocal('2026-01-15 23:59:59')).toBe(Date.parse('2026-01-16T04:59:59Z'));
    // Spring forward: 02:30 does not exist and is read as 03:30 EDT.
    expect(ny.parseLocal('2026-03-08 02:30:00')).toBe(Date.parse('2026-03-08T07:30:00Z'));
    // Fall back: 01:30 happens twice; the earlier (EDT) instant is taken.
    expect(ny.parseLocal('2026-11-01 01:30:00')).toBe(Date.parse('2026-11-01T05:30:00Z'));
    expect(ny.parseLocal('2026-11-01 03:00:00.250')).toBe(Date.parse('2026-11-01T08:00:00.250Z'));
  });

  it.each([
    ['2026-07-04 12:00:00.5', 500],
    ['2026-07-04 12:00:00.250', 250],
    ['2026-07-04 12:00:00.2505', 251],
    ['2026-07-04 12:00:00.2504999', 250],
    ['2026-07-04 12:00:00.999', 999],
    ['2026-07-04T12:00:00.000001', 0],
  ])('reads the fraction of %s as %i ms exactly (half up on the fourth decimal)', (text, ms) => {
    expect(ny.parseLocal(text)).toBe(Date.parse('2026-07-04T16:00:00Z') + ms);
  });

  it.each([
    // The repeated hour: "01:10" after a start at 01:50 EDT (05:50Z) is 01:10 EST (06:10Z), not 01:10 EDT.
    { text: '2026-11-01 01:10:00', notBefore: Date.parse('2026-11-01T05:50:00Z'), instant: '2026-11-01T06:10:00.000Z' },
    { text: '2026-11-01 01:59:59', notBefore: Date.parse('2026-11-01T06:00:00Z'), instant: '2026-11-01T06:59:59.000Z' },
    // Not before the bound anyway: the earlier reading stands.
    { text: '2026-11-01 01:10:00', notBefore: Date.parse('2026-11-01T05:00:00Z'), instant: '2026-11-01T05:10:00.000Z' },
    // Outside a repeated hour nothing comes round again: the time stays before the bound (the caller rejects it).
    { text: '2026-11-01 00:30:00', notBefore: Date.parse('2026-11-01T05:50:00Z'), instant: '2026-11-01T04:30:00.000Z' },
    { text: '2026-11-01 02:10:00', notBefore: Date.parse('2026-11-01T08:00:00Z'), instant: '2026-11-01T07:10:00.000Z' },
    { text: '2026-03-08 01:59:00', notBefore: Date.parse('2026-03-08T07:30:00Z'), instant: '2026-03-08T06:59:00.000Z' },
    // Even in the repeated hour, when the later reading still precedes the bound.
    { text: '2026-11-01 01:10:00', notBefore: Date.parse('2026-11-01T06:20:00Z'), instant: '2026-11-01T05:10:00.000Z' },
  ])('$text not before $notBefore → $instant', ({ text, notBefore, instant }) => {
    expect(new Date(new Zone('America/New_York').parseLocal(text, notBefore)!).toISOString()).toBe(instant);
    expect(new Date(ny.parseLocal(text, notBefore)!).toISOString()).toBe(instant);
  });

  it('reads a time in place, in another hour than the line before, from a longer text', () => {
    const line = 'x,2026-07-04 12:00:01,2026-07-04 13:30:00,2026-07-04 12:59:59';
    expect(ny.parseLocalAt(line, 2, 21)).toBe(Date.parse('2026-07-04T16:00:01Z'));
    expect(ny.parseLocalAt(line, 22, 41)).toBe(Date.parse('2026-07-04T17:30:00Z'));
    expect(ny.parseLocalAt(line, 42, 61)).toBe(Date.parse('2026-07-04T16:59:59Z'));
  });

  it('rejects what is not a local time', () => {
    for (const text of ['', '2026-13-01 00:00:00', '2026-01-01 24:00:00', '2026-01-01T00:61:00', 'yesterday at noon', '2026-01-01 00:00:00Z', '2026-01-01 00:00:00.', '2026-01-01 00:00:00.5x', '2026/01/01 00:00:00', '2026-01-01_00:00:00', '2026-01-00 00:00:00']) {
      expect(ny.parseLocal(text), text).toBeUndefined();
    }
  });

  it('puts instants on their local day, hour and minute', () => {
    expect(ny.dayOf(Date.parse('2026-11-02T04:59:59Z'))).toBe('2026-11-01');
    expect(ny.dayOf(Date.parse('2026-11-02T05:00:00Z'))).toBe('2026-11-02');
    expect(ny.dayOf(Date.parse('2026-11-01T03:59:59Z'))).toBe('2026-10-31');
    expect(ny.hourStart(Date.parse('2026-11-01T06:20:00Z'))).toBe(Date.parse('2026-11-01T06:00:00Z'));
    expect(ny.minuteOfDay(Date.parse('2026-07-04T16:45:00Z'))).toBe(12 * 60 + 45);
    expect(new Zone('Asia/Kolkata').hourStart(Date.parse('2026-07-04T16:45:00Z'))).toBe(Date.parse('2026-07-04T16:30:00Z'));
  });

  it('does day arithmetic', () => {
    expect(Zone.addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(Zone.weekday('2026-11-25')).toBe(3);
    expect(isValidDay('2026-02-29')).toBe(false);
    expect(isValidDay('2028-02-29')).toBe(true);
  });
});
