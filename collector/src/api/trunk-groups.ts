import { Router } from 'express';
import { seriesKey } from '../pipeline/metric.js';
import type { TrafficProfileSink } from '../outputs/traffic/profile.js';
import type { LiveStore } from '../outputs/live/store.js';
import { evaluateTrunkGroup } from '../traffic/advice.js';
import { recentBlocking } from '../traffic/recent-blocking.js';
import type { TrunkGroupConfig } from '../traffic/trunk-groups.js';

export interface TrunkGroupsDependencies {
  groups: readonly TrunkGroupConfig[];
  profile: TrafficProfileSink;
  store: LiveStore;
  timezone: string;
  /** Injectable clock (tests pin a weekday); default Date.now. */
  now?: () => number;
}

/** The traffic profile keeps this many days, so `?days=` goes no further back. */
const MAX_DAYS = 35;
const DEFAULT_DAYS = 7;

export const NO_BUSINESS_DAY =
  'no traffic on a complete business day (Mon-Fri, before today) in the last 35 days: the busy hour, and the advice and busy-hour blocking taken from it, are computed over complete business days only';

/** GET /api/v1/trunk-groups[?days=N]: each group's config, live occupancy, busy hour, Erlang B advice and the blocking observed. */
export function trunkGroupsRouter(deps: TrunkGroupsDependencies): Router {
  const router = Router();
  router.get('/trunk-groups', (req, res) => {
    const days = req.query.days === undefined ? DEFAULT_DAYS : Number(req.query.days);
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
      res.status(400).json({ error: `days: expected a whole number of days from 1 to ${MAX_DAYS}`, code: 'CALLBOARD_BAD_REQUEST' });
      return;
    }
    const now = (deps.now ?? Date.now)();
    const groups = deps.groups.map((group) => {
      const live = deps.store.get(
        seriesKey('trunk_group', { carrier: group.carrier ?? 'unspecified', direction: group.direction, trunk_group: group.name }),
      );
      const evaluation = evaluateTrunkGroup(group, deps.profile, deps.timezone, now);
      return {
        name: group.name,
        members: group.members,
        capacity: group.capacity,
        direction: group.direction,
        carrier: group.carrier ?? null,
        live: live ? { ...live.fields, time: live.time } : null,
        busyHour: evaluation?.busyHour ?? null,
        advice: evaluation?.advice ?? null,
        // Observed whatever the weekday; busyHourDays only where there is a busy hour.
        blocking: {
          ...recentBlocking(deps.profile.calls(group.name), deps.timezone, now, days),
          busyHourDays: evaluation ? { days: evaluation.busyHour.days, ...evaluation.blocking } : null,
        },
        reason: evaluation ? null : NO_BUSINESS_DAY,
      };
    });
    res.json({ generatedAt: now, timezone: deps.timezone, groups });
  });
  return router;
}
