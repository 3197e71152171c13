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
});
