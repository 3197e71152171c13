import { describe, expect, it } from 'vitest';
import type { Metric } from '../pipeline/metric.js';
import { trunkGroupRule } from '../health/rules.js';
import { TrunkGroups, trunkGroupsSchema } from './trunk-groups.js';

const trunk = (name: string, up: number, active: number, attempts: number, time = 1000): Metric => ({
  measurement: 'trunk_status',
  tags: { switch: 'ss1', trunk: name },
  fields: {
    up,
    state: up ? 'up' : 'down',
    calls_active: active,
    calls_attempts: attempts,
    calls_answered: attempts,
    calls_failed: 0,
    calls_blocked: name === 'b' ? 1 : 0,
    minutes: active / 60,
  },
  time,
});

const healthOf = (fields: Metric['fields']) => trunkGroupRule.evaluate(fields);

describe('TrunkGroups', () => {
  const groups = trunkGroupsSchema.parse([{ name: 'pstn-east', members: ['ss1/a', 'ss1/b'], capacity: 10, carrier: 'acme' }]);

  it('tags members, sums the batch’s counts once, and takes levels from each member’s latest point', () => {
    const tg = new TrunkGroups(groups);
    const first = tg.process([trunk('a', 1, 4, 3), trunk('b', 1, 5, 2), trunk('c', 1, 9, 9)]);
    expect(first.filter((m) => m.measurement === 'trunk_status').map((m) => m.tags.trunk_group)).toEqual([
      'pstn-east',
      'pstn-east',
      undefined,
    ]);
    const group = first.find((m) => m.measurement === 'trunk_group')!;
    expect(group).toMatchObject({
      tags: { trunk_group: 'pstn-east', direction: 'both', carrier: 'acme' },
      fields: {
        members: 2,
        members_up: 2,
        capacity: 10,
        calls_active: 9,
        occupancy: 90,
        calls_attempts: 5,
        calls_answered: 5,
        calls_failed: 0,
        calls_blocked: 1,
      },
    });
    // Only b reports next: a's level is kept, its counts are not added again.
    const second = tg.process([trunk('b', 0, 0, 1, 2000)]).find((m) => m.measurement === 'trunk_group')!;
    expect(second.fields).toMatchObject({ members_up: 1, calls_active: 4, calls_attempts: 1, occupancy: 40 });
    expect(second.time).toBe(2000);
  });

  it('counts T1 spans as members: up unless an alarm takes them down, channels in use from their DS0s', () => {
    const tg = new TrunkGroups(trunkGroupsSchema.parse([{ name: 'pstn-tdm', members: ['gw1/T1 0/0/0', 'gw1/T1 0/0/1'], capacity: 46 }]));
    const ds1 = (span: string, alarms: string): Metric => ({
      measurement: 'snmp_ds1',
      tags: { device: 'gw1', span },
      fields: { alarms, oper_status: alarms === 'LOS' ? 2 : 1 },
      time: 1000,
    });
    const ds0 = (span: string, active: number): Metric => ({
      measurement: 'snmp_ds0',
      tags: { device: 'gw1', span },
      fields: { active, channels: 23 },
      time: 1000,
    });
    const out = tg.process([ds1('T1 0/0/0', ''), ds1('T1 0/0/1', 'LOS'), ds0('T1 0/0/0', 12), ds0('T1 0/0/1', 0), ds1('T1 0/1/0', '')]);
    expect(out.filter((m) => m.measurement !== 'trunk_group').map((m) => m.tags.trunk_group)).toEqual([
      'pstn-tdm',
      'pstn-tdm',
      'pstn-tdm',
      'pstn-tdm',
      undefined,
    ]);
    expect(out.find((m) => m.measurement === 'trunk_group')!.fields).toMatchObject({
      members: 2,
      members_up: 1,
      calls_active: 12,
      occupancy: (100 * 12) / 46,
    });
    // a RAI (yellow) alarm degrades the span but leaves it in service
    expect(tg.process([ds1('T1 0/0/1', 'RAI')]).find((m) => m.measurement === 'trunk_group')!.fields).toMatchObject({ members_up: 2 });
  });

  it("adds a span's calls and minutes in use since its last poll, never across a counter reset", () => {
    const tg = new TrunkGroups(trunkGroupsSchema.parse([{ name: 'pstn-tdm', members: ['gw1/T1 0/0/0'], capacity: 23 }]));
    const ds0 = (calls: number, seconds: number, time: number): Metric => ({
      measurement: 'snmp_ds0',
      tags: { device: 'gw1', span: 'T1 0/0/0' },
      fields: { active: 5, total_calls: calls, time_in_use_s: seconds },
      time,
    });
    const group = (m: Metric) => tg.process([m]).find((x) => x.measurement === 'trunk_group')!.fields;
    expect(group(ds0(100, 6000, 0))).toMatchObject({ calls_attempts: 0, minutes: 0, calls_active: 5 });
    expect(group(ds0(104, 6900, 15_000))).toMatchObject({ calls_attempts: 4, minutes: 15 });
    // the gateway restarted: its counters start again, this interval counts nothing
    expect(group(ds0(2, 60, 30_000))).toMatchObject({ calls_attempts: 0, minutes: 0 });
    expect(group(ds0(3, 120, 45_000))).toMatchObject({ calls_attempts: 1, minutes: 1 });
  });

  it('counts only members with a status source: CDR trunks are neither down nor in the count; a switch trunk not seen yet is not up', () => {
    const mixed = trunkGroupsSchema.parse([
      { name: 'pstn-mixed', members: ['ss1/a', 'ss1/b', 'pbx1/SIP/trunk-a', 'pbx1/SIP/trunk-b'], capacity: 10 },
    ]);
    const tg = new TrunkGroups(mixed, { cdrSources: ['pbx1'] });
    const group = (metrics: Metric[]) => tg.process(metrics).find((m) => m.measurement === 'trunk_group')!.fields;
    // only a has reported: b (a switch trunk) is not up yet, the CDR trunks are not counted at all
    expect(group([trunk('a', 1, 2, 0)])).toMatchObject({ members: 2, members_up: 1 });
    expect(group([trunk('b', 1, 1, 0)])).toMatchObject({ members: 2, members_up: 2, calls_active: 3 });
    expect(healthOf(group([trunk('b', 1, 1, 0)]))).toEqual({ state: 'ok', reasons: [] });
    expect(healthOf(group([trunk('b', 0, 0, 0)]))).toEqual({ state: 'degraded', reasons: ['1 of 2 trunks down'] });
    // without the CDR input's name, its trunks would look like switch trunks never seen (the old "2 of 4 trunks down" forever)
    const unaware = new TrunkGroups(mixed);
    expect(unaware.process([trunk('a', 1, 0, 0), trunk('b', 1, 0, 0)]).find((m) => m.measurement === 'trunk_group')!.fields).toMatchObject({
      members: 4,
      members_up: 2,
    });
  });

  it('rejects a trunk in two groups, naming where', () => {
    const result = trunkGroupsSchema.safeParse([
      { name: 'g1', members: ['ss1/a'], capacity: 1 },
      { name: 'g2', members: ['ss1/b', 'ss1/a'], capacity: 1 },
    ]);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: [1, 'members', 1], message: '"ss1/a" is already a member of trunk group "g1"' });
  });
});
