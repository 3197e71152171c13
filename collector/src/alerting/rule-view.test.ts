import { afterAll, describe, expect, it } from 'vitest';
import type { Metric } from '../pipeline/metric.js';
import { AlertingHarness, removeHarnessDirs, trunk } from './testing/harness.js';

afterAll(removeHarnessDirs);

/** mulberry32: the same "random" link changes on every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const LINKS = 60;
const config = {
  groupWait: '5s',
  repeatInterval: '2m',
  groupBy: ['alertname', 'group'],
  rules: [
    { name: 'trunk-down', kind: 'link', match: ['kind=sip-trunk'], for: '3s', resolveAfter: '7s' },
    { name: 'trunk-bad', kind: 'link', match: ['group=~"g[01]"'], states: ['down', 'degraded', 'stale'], resolveAfter: '0s' },
    { name: 'trunk-slow', kind: 'link', match: ['group=g2'], states: ['degraded'], for: '20s', resolveAfter: '40s' },
  ],
};

/** What an evaluation decided, in an order that does not depend on the order the instances were visited in. */
function outcome(h: AlertingHarness) {
  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    alerts: h.engine.alerts().sort((a, b) => byText(a.fingerprint, b.fingerprint)),
    groups: h.engine
      .groups()
      .map((g) => ({ ...g, alerts: [...g.alerts].sort(byText) }))
      .sort((a, b) => byText(a.key, b.key)),
    points: h.points.map((p) => JSON.stringify(p)).sort(byText),
  };
}

describe('link rules fed by the health model’s changes', () => {
  it('decide exactly what a full reading of every link decides, on 20 minutes of seeded random link changes', async () => {
    const incremental = new AlertingHarness(config);
    const reference = new AlertingHarness(config, { linkFeed: false });
    let fullReadings = 0;
    const links = incremental.health.links.bind(incremental.health);
    incremental.health.links = () => (fullReadings++, links());

    const random = seeded(20261125);
    const pick = (n: number) => Math.floor(random() * n);
    const group = Array.from({ length: LINKS }, (_, i) => `g${i % 4}`);
    const silent = new Set<number>();
    const last: string[] = Array.from({ length: LINKS }, () => 'up');
    const states = ['up', 'down', 'probing'] as const;
    const point = (t: number, i: number, state: string): Metric => ({
      ...trunk(t, `t${i}`, group[i]!, state === 'up'),
      fields: { up: state === 'up' ? 1 : 0, state },
    });
    const counts = { firing: 0, resolved: 0, pending: 0 };
    for (let second = 0; second < 1200; second++) {
      const t = incremental.clock.advance(1000);
      reference.clock.advance(1000);
      const metrics: Metric[] = [];
      if (second === 0) for (let i = 0; i < LINKS; i++) metrics.push(point(t, i, 'up'));
      for (let k = pick(6); k > 0; k--) {
        const i = pick(LINKS);
        if (random() < 0.05) group[i] = `g${pick(4)}`; // the link moves to another group (labels change)
        if (random() < 0.05)
          silent.add(i); // stops reporting: stale later
        else silent.delete(i);
        metrics.push(point(t, i, (last[i] = states[pick(3)]!)));
      }
      // Links still reporting repeat their state now and then; silent ones go stale.
      if (second % 10 === 0) for (let i = 0; i < LINKS; i++) if (!silent.has(i)) metrics.push(point(t, i, last[i]!));
      // A burst of more changes than the feed keeps: the next evaluation reads every link again.
      if (second === 700)
        for (let n = 0; n < 1500; n++) {
          group[n % LINKS] = `g${Math.floor(n / LINKS) % 4}`; // a change of group each
          metrics.push(point(t, n % LINKS, last[n % LINKS]!));
        }
      const trap = random() < 0.02 ? pick(LINKS) : undefined;
      for (const h of [incremental, reference]) {
        h.feed(metrics);
        if (trap !== undefined) {
          const change = h.health.report(
            { kind: 'sip-trunk', id: `ss1/t${trap}`, group: group[trap]! },
            { state: 'down', reasons: ['trap'] },
            t,
            'trap',
          );
          if (change) h.engine.observe([change]);
        }
        h.engine.observe(h.health.checkStale(t));
        h.engine.tick();
      }
      const got = outcome(incremental);
      expect(got).toEqual(outcome(reference));
      for (const a of got.alerts) if (a.state in counts) counts[a.state as keyof typeof counts]++;
    }
    // The run went through every transition, and each of the 3 rules read all links only at the start and after the burst.
    expect(counts.pending).toBeGreaterThan(100);
    expect(counts.firing).toBeGreaterThan(1000);
    expect(counts.resolved).toBeGreaterThan(100);
    expect(incremental.points.filter((p) => p.tags.state === 'resolved').length).toBeGreaterThan(10);
    expect(fullReadings).toBe(6);
  });
});
