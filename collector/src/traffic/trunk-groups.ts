import { z } from 'zod';
import { ds1SpanRule } from '../health/rules.js';
import type { MeasurementSchema, Metric } from '../pipeline/metric.js';

export const trunkGroupConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, "_", "." or "-"'),
  /**
   * SIP trunks as "<switch>/<trunk>" (the Kamailio input's name and the trunk's name in dispatcher.list);
   * T1/E1 spans as "<device>/<span>" (the SNMP device and the span's ifName, e.g. "gw-tdm-1/T1 0/0/0").
   */
  members: z.array(z.string().regex(/^[^/]+\/.+$/, 'expected "<switch>/<trunk>" or "<device>/<span>"')).min(1),
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
      if (other)
        ctx.addIssue({ code: 'custom', path: [i, 'members', j], message: `"${member}" is already a member of trunk group "${other}"` });
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
    calls_blocked: 'integer',
    minutes: 'float',
  },
  rollup: {
    calls_active: 'max',
    occupancy: 'max',
    members_up: 'min',
    calls_attempts: 'sum',
    calls_answered: 'sum',
    calls_failed: 'sum',
    calls_blocked: 'sum',
    minutes: 'sum',
  },
};

const COUNTS = ['calls_attempts', 'calls_answered', 'calls_failed', 'calls_blocked', 'minutes'] as const;
type Counts = Partial<Record<(typeof COUNTS)[number], number>>;

/** What a member trunk last said: up or not (unknown until its status is seen), channels in use, a span's call counters. */
interface MemberLevel {
  up?: boolean;
  active: number;
  totalCalls?: number;
  timeInUseS?: number;
}

const ds1Rule = ds1SpanRule();

/** Increase of a counter since the last poll; nothing on the first poll or when it went back (a reset or a restart). */
function increase(before: number | undefined, now: unknown): number | undefined {
  return typeof now === 'number' && before !== undefined && now >= before ? now - before : undefined;
}

/**
 * The measurements whose points belong to a member trunk, how the member is named in `members`,
 * what the point says about it, and the counts it adds to the group's interval. SIP trunks:
 * "<kamailio input>/<trunk>"; TDM spans: "<snmp device>/<span>" (the span's ifName, e.g.
 * "gw-tdm-1/T1 0/0/0"), whose attempts and minutes are the increase of cpmDS1TotalCalls and
 * cpmDS1TotalTimeInUse since the last poll.
 */
const MEMBER_SOURCES: Readonly<
  Record<string, { member(tags: Readonly<Record<string, string>>): string; update(level: MemberLevel, metric: Metric): Counts }>
> = {
  trunk_status: {
    member: (tags) => `${tags.switch}/${tags.trunk}`,
    update(level, metric) {
      level.up = metric.fields.up === 1;
      level.active = Number(metric.fields.calls_active ?? 0);
      return Object.fromEntries(COUNTS.map((key) => [key, Number(metric.fields[key] ?? 0)]));
    },
  },
  snmp_ds1: {
    member: (tags) => `${tags.device}/${tags.span}`,
    update(level, metric) {
      level.up = ds1Rule.evaluate(metric.fields).state !== 'down';
      return {};
    },
  },
  snmp_ds0: {
    member: (tags) => `${tags.device}/${tags.span}`,
    update(level, metric) {
      const { active, total_calls: calls, time_in_use_s: seconds } = metric.fields;
      level.active = Number(active ?? 0);
      const attempts = increase(level.totalCalls, calls);
      const inUse = increase(level.timeInUseS, seconds);
      level.totalCalls = typeof calls === 'number' ? calls : undefined;
      level.timeInUseS = typeof seconds === 'number' ? seconds : undefined;
      return { ...(attempts !== undefined ? { calls_attempts: attempts } : {}), ...(inUse !== undefined ? { minutes: inUse / 60 } : {}) };
    },
  },
};

/**
 * Tags each member trunk's points with its trunk group and emits the group's own point whenever a
 * member reports. Levels (calls in use, up) come from each member's latest point; counts are summed
 * over the members in the batch only, so an interval is never counted twice.
 */
export class TrunkGroups {
  readonly #groupOf = new Map<string, TrunkGroupConfig>();
  readonly #latest = new Map<string, MemberLevel>();
  /** Per group, the members that can be seen up or down; CDR trunks cannot (a CDR says a call happened, not that the trunk is up). */
  readonly #statusMembers = new Map<TrunkGroupConfig, readonly string[]>();

  /** `cdrSources`: names of the CDR inputs, whose "<cdr input>/<trunk>" members count traffic only (outputs/traffic/profile.ts). */
  constructor(
    private readonly groups: readonly TrunkGroupConfig[],
    { cdrSources = [] }: { cdrSources?: Iterable<string> } = {},
  ) {
    const cdr = new Set(cdrSources);
    for (const group of groups) {
      for (const member of group.members) this.#groupOf.set(member, group);
      this.#statusMembers.set(
        group,
        group.members.filter((member) => !cdr.has(member.slice(0, member.indexOf('/')))),
      );
    }
  }

  readonly process = (metrics: readonly Metric[]): readonly Metric[] => {
    if (this.groups.length === 0) return metrics;
    const touched = new Map<TrunkGroupConfig, { time: number; counts: Record<(typeof COUNTS)[number], number> }>();
    const out = metrics.map((metric) => {
      const source = MEMBER_SOURCES[metric.measurement];
      if (!source) return metric;
      const member = source.member(metric.tags);
      const group = this.#groupOf.get(member);
      if (!group) return metric;
      let level = this.#latest.get(member);
      if (!level) this.#latest.set(member, (level = { active: 0 }));
      const counts = source.update(level, metric);
      const sums = touched.get(group) ?? {
        time: metric.time,
        counts: { calls_attempts: 0, calls_answered: 0, calls_failed: 0, calls_blocked: 0, minutes: 0 },
      };
      for (const key of COUNTS) sums.counts[key] += counts[key] ?? 0;
      sums.time = Math.max(sums.time, metric.time);
      touched.set(group, sums);
      return { ...metric, tags: { ...metric.tags, trunk_group: group.name } };
    });
    for (const [group, { time, counts }] of touched) out.push(this.#groupPoint(group, time, counts));
    return out;
  };

  #groupPoint(group: TrunkGroupConfig, time: number, counts: Record<(typeof COUNTS)[number], number>): Metric {
    const statusMembers = this.#statusMembers.get(group)!;
    // A member not seen yet is not up: it counts in `members`, not in `members_up`.
    const members = statusMembers.map((m) => this.#latest.get(m)).filter((m) => m !== undefined);
    const active = members.reduce((sum, m) => sum + m.active, 0);
    return {
      measurement: trunkGroup.measurement,
      tags: { trunk_group: group.name, direction: group.direction, carrier: group.carrier ?? 'unspecified' },
      time,
      fields: {
        members: statusMembers.length,
        members_up: members.filter((m) => m.up !== false).length,
        capacity: group.capacity,
        warn_at: group.warnAt,
        calls_active: active,
        occupancy: (100 * active) / group.capacity,
        ...counts,
      },
    };
  }
}
