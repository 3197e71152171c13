import { z } from 'zod';
import type { MeasurementSchema, Metric } from '../pipeline/metric.js';

export const trunkGroupConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, "_", "." or "-"'),
  /** SIP trunks as "<switch>/<trunk>" (the input's name and the trunk's name in dispatcher.list). */
  members: z.array(z.string().regex(/^[^/]+\/.+$/, 'expected "<switch>/<trunk>"')).min(1),
  /** Channels the group is provisioned with. */
  capacity: z.number().int().positive(),
  direction: z.enum(['inbound', 'outbound', 'both']).default('both'),
  carrier: z.string().optional(),
  /** Occupancy (% of capacity) from which the group shows degraded before it is full. */
  warnAt: z.number().min(0).max(100).default(90),
  /** Target blocking for Erlang B advice (busy hour). */
  gradeOfService: z.number().gt(0).lt(1).default(0.01),
  /** Business days averaged for the time-consistent busy hour. */
  busyHourDays: z.number().int().min(1).max(30).default(5),
});

export type TrunkGroupConfig = z.output<typeof trunkGroupConfigSchema>;

export const trunkGroupsSchema = z.array(trunkGroupConfigSchema).superRefine((groups, ctx) => {
  const owner = new Map<string, string>();
  groups.forEach((group, i) => {
    group.members.forEach((member, j) => {
      const other = owner.get(member);
      if (other) ctx.addIssue({ code: 'custom', path: [i, 'members', j], message: `"${member}" is already a member of trunk group "${other}"` });
      owner.set(member, group.name);
    });
  });
});

export const trunkGroup: MeasurementSchema = {
  measurement: 'trunk_group',
  description: 'A configured trunk group: its members summed at each poll of a member; occupancy against the provisioned channels.',
  tags: ['trunk_group', 'direction', 'carrier'],
  fields: {
    members: 'integer',
    members_up: 'integer',
    capacity: 'integer',
    warn_at: 'float',
    calls_active: 'integer',
    occupancy: 'float',
    calls_attempts: 'integer',
    calls_answered: 'integer',
    calls_failed: 'integer',
    minutes: 'float',
  },
  rollup: { calls_active: 'max', occupancy: 'max', members_up: 'min', calls_attempts: 'sum', calls_answered: 'sum', calls_failed: 'sum', minutes: 'sum' },
};

const COUNTS = ['calls_attempts', 'calls_answered', 'calls_failed', 'minutes'] as const;

/**
 * Tags each member trunk's points with its trunk group and emits the group's own point whenever a
 * member reports. Levels (calls in use, up) come from each member's latest point; counts are summed
 * over the members in the batch only, so an interval is never counted twice.
 */
export class TrunkGroups {
  readonly #groupOf = new Map<string, TrunkGroupConfig>();
  readonly #latest = new Map<string, { up: boolean; active: number }>();

  constructor(private readonly groups: readonly TrunkGroupConfig[]) {
    for (const group of groups) for (const member of group.members) this.#groupOf.set(member, group);
  }

  readonly process = (metrics: readonly Metric[]): readonly Metric[] => {
    if (this.groups.length === 0) return metrics;
    const touched = new Map<TrunkGroupConfig, { time: number; counts: Record<(typeof COUNTS)[number], number> }>();
    const out = metrics.map((metric) => {
      if (metric.measurement !== 'trunk_status') return metric;
      const member = `${metric.tags.switch}/${metric.tags.trunk}`;
      const group = this.#groupOf.get(member);
      if (!group) return metric;
      this.#latest.set(member, { up: metric.fields.up === 1, active: Number(metric.fields.calls_active ?? 0) });
      const sums = touched.get(group) ?? { time: metric.time, counts: { calls_attempts: 0, calls_answered: 0, calls_failed: 0, minutes: 0 } };
      for (const key of COUNTS) sums.counts[key] += Number(metric.fields[key] ?? 0);
      sums.time = Math.max(sums.time, metric.time);
      touched.set(group, sums);
      return { ...metric, tags: { ...metric.tags, trunk_group: group.name } };
    });
    for (const [group, { time, counts }] of touched) out.push(this.#groupPoint(group, time, counts));
    return out;
  };

  #groupPoint(group: TrunkGroupConfig, time: number, counts: Record<(typeof COUNTS)[number], number>): Metric {
    const members = group.members.map((m) => this.#latest.get(m)).filter((m) => m !== undefined);
    const active = members.reduce((sum, m) => sum + m.active, 0);
    return {
      measurement: trunkGroup.measurement,
      tags: { trunk_group: group.name, direction: group.direction, carrier: group.carrier ?? 'unspecified' },
      time,
      fields: {
        members: group.members.length,
        members_up: members.filter((m) => m.up).length,
        capacity: group.capacity,
        warn_at: group.warnAt,
        calls_active: active,
        occupancy: (100 * active) / group.capacity,
        ...counts,
      },
    };
  }
}
