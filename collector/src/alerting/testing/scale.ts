// Evaluation cost at carrier scale: `npx tsx collector/src/alerting/testing/scale.ts`.
// 600 sites of one core router and 100 IADs; every IAD down, half the routers down (their IADs inhibited).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AlertingHarness, device, removeHarnessDirs } from './harness.js';

const SITES = 600;
const IADS_PER_SITE = 100;
const h = new AlertingHarness({
  groupWait: '0s',
  groupBy: ['alertname', 'site'],
  rules: [
    { name: 'router-down', kind: 'threshold', measurement: 'snmp_device', where: ['role=core'], when: ['up < 1'] },
    { name: 'iad-down', kind: 'threshold', measurement: 'snmp_device', where: ['role=iad'], when: ['up < 1'] },
  ],
  inhibit: [{ source: ['alertname=router-down'], target: ['alertname=iad-down'], equal: ['site'] }],
});
const poll = (t: number) =>
  Array.from({ length: SITES }, (_, s) => [
    device(t, `core-${s}`, { site: `s${s}`, role: 'core' }, s >= SITES / 2),
    ...Array.from({ length: IADS_PER_SITE }, (_, i) => device(t, `iad-${s}-${i}`, { site: `s${s}`, role: 'iad' }, false)),
  ]).flat();
const timed = (f: () => void) => {
  const start = performance.now();
  f();
  return Math.round(performance.now() - start);
};
for (let step = 0; step < 8; step++) {
  const t = h.clock.advance(1000);
  const points = poll(t);
  const observe = timed(() => h.engine.observe(points));
  const tick = timed(() => h.engine.tick());
  process.stdout.write(`evaluation ${step}: observe ${points.length} points ${observe} ms, evaluate ${tick} ms\n`);
}
const alerts = h.engine.alerts();
const dir = join(h.stateDir, 'alerting');
const state = readdirSync(dir)
  .filter((f) => f === 'state.json' || f.startsWith('journal-'))
  .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
process.stdout.write(
  `${alerts.filter((a) => a.state === 'firing').length} firing, ${alerts.filter((a) => a.suppressedBy).length} inhibited; state (snapshot and journal) ${(state / 1e6).toFixed(1)} MB\n`,
);
removeHarnessDirs();
