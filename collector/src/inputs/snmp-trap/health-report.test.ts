// HealthEngine.report, the hook the trap input uses: at once in both directions, source `trap`,
// and the next poll confirms (same state, its own reasons) or corrects (after the hold).
import { describe, expect, it } from 'vitest';
import { HealthEngine } from '../../health/engine.js';

const span = { kind: 'ds1', id: 'gw1/T1 0/0/0', group: 'chi-pop2' };
const poll = (alarms: string, time: number) => ({
  measurement: 'snmp_ds1',
  tags: { device: 'gw1', span: 'T1 0/0/0', site: 'chi-pop2' },
  fields: { alarms, oper_status: 1 },
  time,
});

describe('HealthEngine.report (trap-reported link states)', () => {
  it('takes a trap at once, worse or better, marks it source trap, and a poll confirms it', () => {
    const health = new HealthEngine({ holdMs: 30_000, staleAfterMs: 45_000 });
    const down = health.report(span, { state: 'down', reasons: ['LOS alarm', 'dsx1LineStatusChange trap'] }, 1000, 'trap');
    expect(down).toMatchObject({
      measurement: 'link_health',
      tags: { kind: 'ds1', link: 'gw1/T1 0/0/0', group: 'chi-pop2' },
      fields: { state: 'down', reasons: 'LOS alarm; dsx1LineStatusChange trap' },
    });
    expect(health.links()[0]).toMatchObject({ id: 'ds1:gw1/T1 0/0/0', state: 'down', source: 'trap' });
    // The same report again changes nothing.
    expect(health.report(span, { state: 'down', reasons: ['LOS alarm', 'dsx1LineStatusChange trap'] }, 1500, 'trap')).toBeUndefined();
    // The poll agrees: same state, the poll's reasons, no longer from the trap, `since` kept.
    const confirmed = health.observe([poll('LOS', 2000)]);
    expect(confirmed[0]?.fields).toMatchObject({ state: 'down', reasons: 'LOS alarm', since_ms: 1000 });
    expect(health.links()[0]).not.toHaveProperty('source');
    // A clearing trap is taken at once (no hold): the device says the alarm is gone.
    expect(health.report(span, { state: 'ok', reasons: [] }, 3000, 'trap')?.fields.state).toBe('ok');
  });

  it('a poll that disagrees with a trap corrects it after the hold', () => {
    const health = new HealthEngine({ holdMs: 5000, staleAfterMs: 45_000 });
    health.report(span, { state: 'down', reasons: ['LOS alarm', 'dsx1LineStatusChange trap'] }, 0, 'trap');
    expect(health.observe([poll('', 1000)])).toEqual([]);
    expect(health.observe([poll('', 6500)])[0]?.fields).toMatchObject({ state: 'ok' });
  });

  it('a link only ever reported by traps does not turn stale; a polled one does', () => {
    const health = new HealthEngine({ holdMs: 0, staleAfterMs: 10_000 });
    health.report({ kind: 'interface', id: 'gw1/Gi0/1', group: 'g' }, { state: 'down', reasons: ['linkDown trap'] }, 0, 'trap');
    health.observe([poll('', 0)]);
    expect(health.checkStale(60_000).map((m) => m.tags.link)).toEqual(['gw1/T1 0/0/0']);
  });
});
