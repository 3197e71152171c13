import { Router } from 'express';
import { seriesKey } from '../pipeline/metric.js';
import type { TrafficProfileSink } from '../outputs/traffic/profile.js';
import type { LiveStore } from '../outputs/live/store.js';
import { evaluateTrunkGroup } from '../traffic/advice.js';
import type { TrunkGroupConfig } from '../traffic/trunk-groups.js';

export interface TrunkGroupsDependencies {
  groups: readonly TrunkGroupConfig[];
  profile: TrafficProfileSink;
  store: LiveStore;
  timezone: string;
}

/** GET /api/v1/trunk-groups: each group's config, live occupancy, busy hour, Erlang B advice and the blocking observed. */
export function trunkGroupsRouter(deps: TrunkGroupsDependencies): Router {
  const router = Router();
  router.get('/trunk-groups', (_req, res) => {
    const groups = deps.groups.map((group) => {
      const live = deps.store.get(
        seriesKey('trunk_group', { carrier: group.carrier ?? 'unspecified', direction: group.direction, trunk_group: group.name }),
      );
      const evaluation = evaluateTrunkGroup(group, deps.profile, deps.timezone);
      return {
        name: group.name,
        members: group.members,
        capacity: group.capacity,
        direction: group.direction,
        carrier: group.carrier ?? null,
        live: live ? { ...live.fields, time: live.time } : null,
        busyHour: evaluation?.busyHour ?? null,
        advice: evaluation?.advice ?? null,
        blocking: evaluation?.blocking ?? null,
      };
    });
    res.json({ generatedAt: Date.now(), timezone: deps.timezone, groups });
  });
  return router;
}
