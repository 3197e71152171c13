import express, { type Request, type Response } from 'express';
import type { MilestoneBook } from '../inputs/cdr/milestones.js';
import { isValidDay, Zone } from '../inputs/cdr/zone.js';

export interface MilestonesApiDependencies {
  /** The CDR input's milestone book (`findMilestoneBook(inputs)`); undefined when no cdr input is configured. */
  book: MilestoneBook | undefined;
  now?: () => number;
}

/** Longest range /days returns in one request. */
const MAX_DAYS = 366;

function badRequest(res: Response, message: string): void {
  res.status(400).json({ error: message, code: 'CALLBOARD_BAD_REQUEST' });
}

function dayParam(req: Request, name: string): string | undefined | Error {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isValidDay(value)) return new Error(`${name}: expected a day as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * GET /milestones?day=YYYY-MM-DD — targets, value so far, % and pace forecast for the day (default
 * today in the carrier's timezone), with the record day; GET /days?from=&to= — daily totals.
 * Mount under /api/v1 behind the token check.
 */
export function createMilestonesRouter(deps: MilestonesApiDependencies): express.Router {
  const router = express.Router();
  const now = deps.now ?? Date.now;

  router.get('/milestones', (req, res) => {
    const book = deps.book;
    if (!book) return void res.status(404).json({ error: 'no cdr input is configured', code: 'CALLBOARD_NO_CDR' });
    const day = dayParam(req, 'day');
    if (day instanceof Error) return badRequest(res, day.message);
    res.json(book.report(day ?? book.zone.dayOf(now()), now()));
  });

  router.get('/days', (req, res) => {
    const book = deps.book;
    if (!book) return void res.status(404).json({ error: 'no cdr input is configured', code: 'CALLBOARD_NO_CDR' });
    const today = book.zone.dayOf(now());
    const from = dayParam(req, 'from');
    const to = dayParam(req, 'to');
    if (from instanceof Error) return badRequest(res, from.message);
    if (to instanceof Error) return badRequest(res, to.message);
    const last = to ?? today;
    const first = from ?? Zone.addDays(last, -30);
    if (first > last) return badRequest(res, `from (${first}) is after to (${last})`);
    if (Zone.addDays(first, MAX_DAYS - 1) < last) return badRequest(res, `at most ${MAX_DAYS} days per request`);
    res.json({ timezone: book.zone.name, from: first, to: last, days: book.days(first, last) });
  });

  return router;
}
