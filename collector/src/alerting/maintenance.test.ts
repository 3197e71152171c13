import { describe, expect, it } from 'vitest';
import { alertingSchema } from './config.js';
import { MaintenanceWindows } from './maintenance.js';

function windows(maintenance: object[], timezone = 'America/New_York') {
  return new MaintenanceWindows(alertingSchema.parse({ maintenance }).maintenance, timezone);
}

describe('maintenance windows', () => {
  const sunday = windows([{ name: 'sun', match: ['region=east'], weekly: { days: ['sun'], start: '02:00', end: '04:00' } }]);
  const east = { region: 'east' };

  it('weekly: open on the local wall clock, closed outside, only for matching alerts', () => {
    expect(sunday.muting(east, Date.parse('2026-11-29T06:59:59Z'))).toBeUndefined(); // 01:59:59 EST
    expect(sunday.muting(east, Date.parse('2026-11-29T07:00:00Z'))).toBe('sun');
    expect(sunday.muting({ region: 'west' }, Date.parse('2026-11-29T07:30:00Z'))).toBeUndefined();
    expect(sunday.muting(east, Date.parse('2026-11-29T09:00:00Z'))).toBeUndefined(); // 04:00 EST: end is exclusive
    expect(sunday.muting(east, Date.parse('2026-11-30T07:30:00Z'))).toBeUndefined(); // Monday
  });

  it('keeps local time across DST: 02:00 EDT in summer is 06:00 UTC', () => {
    expect(sunday.muting(east, Date.parse('2026-07-05T06:30:00Z'))).toBe('sun');
    expect(sunday.muting(east, Date.parse('2026-07-05T08:30:00Z'))).toBeUndefined();
  });

  it('a window ending before it starts runs past midnight into the next day', () => {
    const night = windows([{ name: 'night', weekly: { days: ['sat'], start: '23:00', end: '01:00' } }], 'UTC');
    expect(night.muting({}, Date.parse('2026-11-28T23:30:00Z'))).toBe('night'); // Saturday
    expect(night.muting({}, Date.parse('2026-11-29T00:30:00Z'))).toBe('night'); // Sunday, still the Saturday window
    expect(night.muting({}, Date.parse('2026-11-29T23:30:00Z'))).toBeUndefined();
  });

  it('one-off windows and their own zone', () => {
    const w = windows([
      { name: 'upgrade', once: { start: '2026-12-06T01:00:00-05:00', end: '2026-12-06T03:00:00-05:00' } },
      { name: 'chicago', timezone: 'America/Chicago', weekly: { days: ['wed'], start: '02:00', end: '03:00' } },
    ]);
    expect(w.active(Date.parse('2026-12-06T06:00:00Z'))).toEqual(['upgrade']);
    expect(w.active(Date.parse('2026-12-06T08:00:00Z'))).toEqual([]);
    expect(w.active(Date.parse('2026-11-25T08:30:00Z'))).toEqual(['chicago']); // 02:30 CST
  });

  it('rejects windows that are not one of weekly or once', () => {
    expect(() => alertingSchema.parse({ maintenance: [{ name: 'x' }] })).toThrow(/exactly one of weekly or once/);
  });
});
