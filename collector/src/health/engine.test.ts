import { describe, expect, it } from 'vitest';
import type { Metric } from '../pipeline/metric.js';
import { HealthEngine } from './engine.js';

const trunk = (name: string, state: string, time: number): Metric => ({
  measurement: 'trunk_status',
  tags: { switch: 'ss1', trunk: name },
  fields: { up: state === 'up' ? 1 : 0, state },
  time,
});

describe('HealthEngine', () => {
  it('turns trunk_status into link_health changes, rolls groups up to their worst member, and goes stale', () => {
    const engine = new HealthEngine({ holdMs: 10_000, staleAfterMs: 5000 });
    expect(engine.observe([trunk('a', 'up', 0), trunk('b', 'up', 0)]).map((m) => m.fields.state)).toEqual(['ok', 'ok']);
    expect(engine.observe([trunk('a', 'up', 1000), trunk('b', 'up', 1000)])).toEqual([]);
    const [change] = engine.observe([trunk('a', 'up', 2000), trunk('b', 'down', 2000)]);
    expect(change).toMatchObject({
      measurement: 'link_health',
      tags: { kind: 'sip-trunk', group: 'ss1', link: 'ss1/b' },
      fields: { state: 'down', severity: 3, reasons: 'gateway not answering OPTIONS', since_ms: 2000 },
      time: 2000,
    });
    expect(engine.links().map((l) => [l.id, l.state])).toEqual([
      ['sip-trunk:ss1/b', 'down'],
      ['sip-trunk:ss1/a', 'ok'],
    ]);
    expect(engine.rollups()).toEqual([{ group: 'ss1', state: 'down', links: 2, counts: { ok: 1, degraded: 0, down: 1, stale: 0 } }]);
    // b recovers but must hold 10 s; a stops reporting and goes stale after 5 s.
    engine.observe([trunk('b', 'up', 3000)]);
    expect(engine.checkStale(7000).map((m) => [m.tags.link, m.fields.state])).toEqual([['ss1/a', 'stale']]);
    expect(engine.observe([trunk('b', 'up', 13_000)]).map((m) => m.fields.state)).toEqual(['ok']);
    expect(engine.rollups()[0]!.state).toBe('stale');
  });

  it('ignores measurements no rule covers, and its own points', () => {
    const engine = new HealthEngine({ holdMs: 1, staleAfterMs: 1 });
    const changes = engine.observe([{ measurement: 'softswitch_calls', tags: {}, fields: { active: 1 }, time: 0 }]);
    expect(changes).toEqual([]);
    expect(engine.observe(engine.observe([trunk('a', 'down', 0)]))).toEqual([]);
  });

  it('judges DS1 spans with the configured error thresholds and groups them under their trunk group', () => {
    const span = (es: number, time: number): Metric => ({
      measurement: 'snmp_ds1',
      tags: { device: 'gw1', span: 'T1 0/0/0', site: 'nyc', trunk_group: 'pstn-tdm' },
      fields: { alarms: '', admin_status: 1, oper_status: 1, elapsed_s: 600, cur_es: es, cur_ses: 0 },
      time,
    });
    const strict = new HealthEngine({ holdMs: 1000, staleAfterMs: 60_000 });
    const lenient = new HealthEngine({ holdMs: 1000, staleAfterMs: 60_000, ds1: { erroredSecondsPct: 5, severelyErroredSecondsPct: 1 } });
    expect(strict.observe([span(12, 0)])).toMatchObject([
      { tags: { kind: 'ds1', group: 'pstn-tdm', link: 'gw1/T1 0/0/0' }, fields: { state: 'degraded', reasons: 'errored seconds 2 %' } },
    ]);
    expect(lenient.observe([span(12, 0)])).toMatchObject([{ fields: { state: 'ok' } }]);
  });

  it('takes the group of a link from its polls, also when a trap created the link under its site', () => {
    const engine = new HealthEngine({ holdMs: 1000, staleAfterMs: 60_000 });
    engine.report({ kind: 'ds1', id: 'gw1/T1 0/0/0', group: 'nyc' }, { state: 'down', reasons: ['LOS alarm'] }, 0, 'trap');
    expect(engine.links()[0]).toMatchObject({ id: 'ds1:gw1/T1 0/0/0', group: 'nyc' });
    const polled: Metric = {
      measurement: 'snmp_ds1',
      tags: { device: 'gw1', span: 'T1 0/0/0', site: 'nyc', trunk_group: 'pstn-tdm' },
      fields: { alarms: 'LOS', oper_status: 2 },
      time: 1000,
    };
    engine.observe([polled]);
    expect(engine.links()[0]).toMatchObject({ group: 'pstn-tdm', state: 'down' });
    expect(engine.rollups().map((g) => g.group)).toEqual(['pstn-tdm']);
  });

  const iface = (
    device: string,
    ifName: string,
    fields: Record<string, number>,
    time: number,
    tags: Record<string, string> = {},
  ): Metric => ({
    measurement: 'snmp_interface',
    tags: { device, ifName, ...tags },
    fields: { admin_status: 1, oper_status: 1, ...fields },
    time,
  });

  it('polled interfaces: links only for what the interface rule accepts; a poll corrects a trap after the hold', () => {
    const engine = new HealthEngine({ holdMs: 5000, staleAfterMs: 60_000 });
    const core = { site: 'nyc-pop1', region: 'east', role: 'core' };
    engine.observe([iface('rtr1', 'Gi0/1', {}, 0, core), iface('rtr1', 'Vl100', {}, 0, core), iface('rtr1', 'Null0', {}, 0, core)]);
    expect(engine.links().map((l) => l.id)).toEqual(['interface:rtr1/Gi0/1']);
    // The trap receiver names rtr1's Gi0/1 the same way: the trap's down is the polled link's.
    engine.report({ kind: 'interface', id: 'rtr1/Gi0/1', group: 'nyc-pop1' }, { state: 'down', reasons: ['linkDown trap'] }, 1000, 'trap');
    expect(engine.links()).toMatchObject([{ id: 'interface:rtr1/Gi0/1', state: 'down', source: 'trap', site: 'nyc-pop1', region: 'east' }]);
    expect(engine.observe([iface('rtr1', 'Gi0/1', {}, 2000, core)])).toEqual([]);
    expect(engine.observe([iface('rtr1', 'Gi0/1', {}, 7000, core)])).toMatchObject([{ fields: { state: 'ok', reasons: '' } }]);
    expect(engine.links()[0]).not.toHaveProperty('source');
    // A trap the poll confirms: the poll's own reason replaces the trap's.
    engine.report({ kind: 'interface', id: 'rtr1/Gi0/1', group: 'nyc-pop1' }, { state: 'down', reasons: ['linkDown trap'] }, 8000, 'trap');
    expect(engine.observe([iface('rtr1', 'Gi0/1', { oper_status: 2 }, 9000, core)])).toMatchObject([
      { fields: { state: 'down', reasons: 'oper down' } },
    ]);
  });

  it('tells silence in intervals once it has seen two polls', () => {
    const engine = new HealthEngine({ holdMs: 1000, staleAfterMs: 45_000 });
    engine.observe([iface('iad-1', 'wan', {}, 0, { role: 'iad' })]);
    engine.observe([iface('iad-1', 'wan', {}, 15_000, { role: 'iad' })]);
    expect(engine.checkStale(60_000)).toMatchObject([{ fields: { state: 'stale', reasons: 'no data for 3 intervals' } }]);
  });

  it('filters and pages the worst-first list, and rolls up by group, site, region or customer', () => {
    const engine = new HealthEngine({ holdMs: 1000, staleAfterMs: 60_000 });
    const iads = Array.from({ length: 30 }, (_, i) =>
      iface(`iad-${String(i).padStart(2, '0')}`, 'wan', i % 10 === 0 ? { oper_status: 2 } : i % 10 === 1 ? { in_util_pct: 95 } : {}, 0, {
        role: 'iad',
        customer: `cust-${i % 3}`,
        site: `site-${i % 5}`,
        region: i < 15 ? 'east' : 'west',
      }),
    );
    engine.observe(iads);
    expect(engine.size).toBe(30);
    const bad = engine.query({ states: new Set(['down', 'degraded']) });
    expect(bad.total).toBe(6);
    expect(bad.links.map((l) => [l.id, l.state, l.reasons])).toEqual([
      ['interface:iad-00/wan', 'down', ['oper down']],
      ['interface:iad-10/wan', 'down', ['oper down']],
      ['interface:iad-20/wan', 'down', ['oper down']],
      ['interface:iad-01/wan', 'degraded', ['utilisation 95 %']],
      ['interface:iad-11/wan', 'degraded', ['utilisation 95 %']],
      ['interface:iad-21/wan', 'degraded', ['utilisation 95 %']],
    ]);
    const all = engine.links().map((l) => l.id);
    const pages = [0, 7, 14, 21, 28].flatMap((offset) => engine.query({}, offset, 7).links.map((l) => l.id));
    expect(pages).toEqual(all);
    expect(engine.query({ regions: new Set(['west']), states: new Set(['down']) }).links.map((l) => l.id)).toEqual([
      'interface:iad-20/wan',
    ]);
    expect(engine.query({ groups: new Set(['site-0']) }).total).toBe(6);
    expect(engine.rollups('region')).toEqual([
      { group: 'east', state: 'down', links: 15, counts: { ok: 11, degraded: 2, down: 2, stale: 0 } },
      { group: 'west', state: 'down', links: 15, counts: { ok: 13, degraded: 1, down: 1, stale: 0 } },
    ]);
    expect(engine.rollups('customer', { regions: new Set(['west']) }).map((g) => [g.group, g.state, g.links])).toEqual([
      ['cust-2', 'down', 5],
      ['cust-0', 'degraded', 5],
      ['cust-1', 'ok', 5],
    ]);
    // An IAD link is grouped by its site: the group roll-up is the site roll-up.
    expect(engine.rollups('group')).toEqual(engine.rollups('site'));
  });

  it('a link polled less often than staleAfter is stale only after its own intervals; a trap on a stale link can go stale again', () => {
    const engine = new HealthEngine({ holdMs: 1000, staleAfterMs: 45_000 });
    const poll = (time: number) => engine.observe([iface('iad-1', 'wan', {}, time, { role: 'iad' })]);
    poll(0);
    poll(300_000);
    expect(engine.checkStale(600_000)).toEqual([]);
    expect(engine.checkStale(1_199_999)).toEqual([]);
    expect(engine.checkStale(1_200_000)).toMatchObject([{ fields: { state: 'stale', reasons: 'no data for 3 intervals' } }]);
    engine.report({ kind: 'interface', id: 'iad-1/wan', group: 'iad-1' }, { state: 'down', reasons: ['linkDown trap'] }, 1_300_000, 'trap');
    expect(engine.checkStale(1_300_000 + 899_999)).toEqual([]);
    expect(engine.checkStale(1_300_000 + 900_000)).toMatchObject([{ fields: { state: 'stale' } }]);
  });
});
