// Blocking observed on recent calendar days, whatever the weekday: the busy hour (busy-hour.ts) is
// taken over business days only, but a NOC wants today's blocking on a Saturday too.
import { localParts, type QuarterCalls } from './busy-hour.js';

export interface BlockingOnDays {
  /** Local days (YYYY-MM-DD), oldest first. */
  days: string[];
  attempts: number;
  blocked: number;
  /** blocked / attempts; null without attempts (no blocking to state, not 0 %). */
  blocking: number | null;
}

export interface RecentBlocking {
  today: BlockingOnDays;
  /** The last `days` local calendar days, today included. */
  lastDays: BlockingOnDays;
}

/** Attempts and blocked calls of today and of the last `days` local days (quarters placed by local time, as the busy hour's are). */
export function recentBlocking(calls: readonly QuarterCalls[], timeZone: string, now: number, days: number): RecentBlocking {
  const today = localParts(now, timeZone).day;
  const window = lastLocalDays(today, days);
  const wanted = new Set(window);
  const sum = { today: { attempts: 0, blocked: 0 }, lastDays: { attempts: 0, blocked: 0 } };
  for (const q of calls) {
    const { day } = localParts(q.start, timeZone);
    if (!wanted.has(day)) continue;
    sum.lastDays.attempts += q.attempts;
    sum.lastDays.blocked += q.blocked;
    if (day === today) {
      sum.today.attempts += q.attempts;
      sum.today.blocked += q.blocked;
    }
  }
  return { today: onDays([today], sum.today), lastDays: onDays(window, sum.lastDays) };
}

function onDays(days: string[], { attempts, blocked }: { attempts: number; blocked: number }): BlockingOnDays {
  return { days, attempts, blocked, blocking: attempts > 0 ? blocked / attempts : null };
}

/** `count` calendar days ending with `day` (YYYY-MM-DD), oldest first: date arithmetic, so DST changes do not matter. */
function lastLocalDays(day: string, count: number): string[] {
  const [y, m, d] = day.split('-').map(Number);
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(y!, m! - 1, d! - (count - 1 - i))).toISOString().slice(0, 10));
}
