import { describe, expect, it } from 'vitest';
import { erlangAdvice, observedBlocking, timeConsistentBusyHour, type QuarterHour } from './busy-hour.js';
import { erlangB } from './erlang.js';

const ZONE = 'America/New_York';
/** Monday 2026-01-12, 12:00 EST: every day below is complete. */
const LATER = Date.parse('2026-01-12T17:00:00Z');

/** Quarter hours of one local day in New York (EST, UTC−5 in these January weeks), traffic from a function of the local quarter index. */
function day(isoDate: string, traffic: (quarter: number) => number): QuarterHour[] {
  const midnightUtc = Date.parse(`${isoDate}T05:00:00Z`);
  return Array.from({ length: 96 }, (_, q) => ({ start: midnightUtc + q * 900_000, erlangs: traffic(q) }));
}

describe('timeConsistentBusyHour', () => {
  // 2026-01-05 is a Monday. Business days peak at 10:15–11:15 local (quarters 41..44) with a
  // different height each day; the weekend has a larger evening peak that must be ignored; an
  // older Friday has a 14:00 peak that falls outside the last five business days.
  const weekday = (peak: number) => (q: number) => (q >= 41 && q <= 44 ? peak : q >= 36 && q <= 48 ? 20 : 5);
  const data = [
    ...day('2026-01-02', (q) => (q >= 56 && q <= 59 ? 500 : 5)),
    ...day('2026-01-03', (q) => (q >= 80 && q <= 83 ? 900 : 5)),
    ...day('2026-01-04', (q) => (q >= 80 && q <= 83 ? 900 : 5)),
    ...day('2026-01-05', weekday(40)),
    ...day('2026-01-06', weekday(50)),
    ...day('2026-01-07', weekday(60)),
    ...day('2026-01-08', weekday(70)),
    ...day('2026-01-09', weekday(80)),
  ];

  it('picks the hour with the highest mean over the last five business days, in local time', () => {
    const busy = timeConsistentBusyHour(data, ZONE, LATER, 5)!;
    expect(busy.start).toBe('10:15');
    expect(busy.erlangs).toBeCloseTo((40 + 50 + 60 + 70 + 80) / 5, 10);
    expect(busy.days).toEqual(['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09']);
  });

  it('with six days the older Friday counts, and its 14:00 peak (500 E) outweighs the morning', () => {
    const busy = timeConsistentBusyHour(data, ZONE, LATER, 6)!;
    expect(busy.days[0]).toBe('2026-01-02');
    expect(busy.start).toBe('14:00');
    expect(busy.erlangs).toBeCloseTo((500 + 5 * 5) / 6, 10);
  });

  it('has no busy hour without business-day data', () => {
    expect(
      timeConsistentBusyHour(
        day('2026-01-03', () => 9),
        ZONE,
        LATER,
      ),
    ).toBeUndefined();
  });

  it('averages complete days only: today (and anything later) is left out, however far it has got', () => {
    // Friday 2026-01-09, 10:30 EST: Friday's quarters are all there (80 E at 10:15) but the day is not over.
    const friday = timeConsistentBusyHour(data, ZONE, Date.parse('2026-01-09T15:30:00Z'), 5)!;
    // The last five complete business days: the older Friday (14:00, 500 E) and Mon–Thu.
    expect(friday.days).toEqual(['2026-01-02', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08']);
    expect(friday.start).toBe('14:00');
    expect(friday.erlangs).toBeCloseTo((500 + 4 * 5) / 5, 10);
    // A morning's partial day would have pulled the mean down: with it, 10:15 averaged a 0 for today.
    const morning = day('2026-01-12', (q) => (q < 36 ? 5 : 0));
    const monday = timeConsistentBusyHour([...data, ...morning], ZONE, LATER, 5)!;
    expect(monday.days).toEqual(['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09']);
    expect(monday.erlangs).toBeCloseTo((40 + 50 + 60 + 70 + 80) / 5, 10);
  });

  it('has no busy hour while today is the only business day, and says the same of days to come', () => {
    const monday = day('2026-01-05', (q) => (q === 40 ? 30 : 1));
    // Monday 23:59 EST: still today.
    expect(timeConsistentBusyHour(monday, ZONE, Date.parse('2026-01-06T04:59:00Z'))).toBeUndefined();
    // Tuesday 00:00 EST: Monday is complete.
    expect(timeConsistentBusyHour(monday, ZONE, Date.parse('2026-01-06T05:00:00Z'))).toMatchObject({
      start: '09:15',
      days: ['2026-01-05'],
    });
    // Seen from the Sunday before, Monday has not happened: nothing.
    expect(timeConsistentBusyHour(monday, ZONE, Date.parse('2026-01-04T17:00:00Z'))).toBeUndefined();
  });
});

describe('erlangAdvice', () => {
  it('gives circuits needed at the grade of service, the headroom, and the blocking of what is provisioned', () => {
    const advice = erlangAdvice(8.108, 12, 0.01);
    expect(advice).toMatchObject({ circuitsNeeded: 15, circuitsProvisioned: 12, headroom: -3 });
    expect(advice.blockingAtProvisioned).toBeCloseTo(erlangB(8.108, 12), 12);
    expect(advice.blockingAtProvisioned).toBeGreaterThan(0.01);
  });
});

describe('observedBlocking', () => {
  it('sums attempts and blocked calls on the busy-hour days, and separately in their busy hour', () => {
    // 2026-03-02 (Mon) and 03 in New York (UTC−5): 10:00 local = 15:00 UTC
    const at = (iso: string, attempts: number, blocked: number) => ({ start: Date.parse(iso), attempts, blocked });
    const calls = [
      at('2026-03-02T15:00:00Z', 10, 1),
      at('2026-03-02T15:45:00Z', 10, 2),
      at('2026-03-02T16:00:00Z', 10, 4), // 11:00: after the hour
      at('2026-03-03T14:45:00Z', 10, 8), // 09:45: before it
      at('2026-03-03T15:15:00Z', 20, 0),
      at('2026-03-04T15:00:00Z', 99, 99), // not one of the days
    ];
    const busyHour = { start: '10:00', erlangs: 5, days: ['2026-03-02', '2026-03-03'] };
    expect(observedBlocking(calls, busyHour, 'America/New_York')).toEqual({
      attempts: 60,
      blocked: 15,
      busyHourAttempts: 40,
      busyHourBlocked: 3,
      busyHourBlocking: 3 / 40,
    });
  });
});
