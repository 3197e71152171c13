// Cost of a `link` rule and of saving the state at carrier scale:
// `npx tsx collector/src/alerting/testing/scale-links.ts [--full-scan]`.
// 60,000 links (SIP-trunk links of the health model, 100 per group); each second 10 random links change:
// 5 that are up go down, 5 that are down come back (the health model's hold delays their recovery 30 s).
// Phase 1: all links up at first. Phase 2: a mass outage, 59,000 down (59,000 firing alerts).
// Then a restart (a new engine on the same state dir, as after kill -9) and its first evaluation.
// Bytes written are the process's write() bytes (/proc/self/io wchar) during each evaluation.
import { readFileSync } from 'node:fs';
import { AlertingHarness, removeHarnessDirs, trunk } from './harness.js';

const LINKS = 60_000;
const PER_GROUP = 100;
const CHANGES = 10;
const fullScan = process.argv.includes('--full-scan');
const h = new AlertingHarness(
  {
    groupWait: '0s',
    groupBy: ['alertname', 'group'],
    rules: [{ name: 'trunk-down', kind: 'link', match: ['kind=sip-trunk'], resolveAfter: '5s' }],
  },
  { linkFeed: !fullScan },
);
const name = (i: number) => `t${i}`;
const group = (i: number) => `g${Math.floor(i / PER_GROUP)}`;
/** Indices of the links now up and down, for picking at random. */
let ups: number[] = [];
let downs: number[] = [];
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const wchar = () => Number(/wchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function tick(): { ms: number; bytes: number } {
  const bytes = wchar();
  const start = performance.now();
  h.engine.tick();
  return { ms: performance.now() - start, bytes: wchar() - bytes };
}

function phase(label: string, seconds: number): void {
  const times: number[] = [];
  const written: number[] = [];
  for (let s = 0; s < seconds; s++) {
    const t = h.clock.advance(1000);
    const goDown = take(ups, CHANGES / 2);
    const comeBack = take(downs, CHANGES / 2);
    ups.push(...comeBack);
    downs.push(...goDown);
    const metrics = [...goDown.map((i) => trunk(t, name(i), group(i), false)), ...comeBack.map((i) => trunk(t, name(i), group(i), true))];
    h.feed(metrics);
    const { ms, bytes } = tick();
    times.push(ms);
    written.push(bytes);
  }
  const firing = h.engine.alerts().filter((a) => a.state === 'firing').length;
  process.stdout.write(
    `${label}: evaluation median ${median(times).toFixed(2)} ms (max ${Math.max(...times).toFixed(1)}), bytes written median ${median(written)} (max ${Math.max(...written)}, total ${written.reduce((a, b) => a + b, 0)}); ${firing} firing\n`,
  );
}

/** Removes `n` random elements of `from` and returns them. */
function take(from: number[], n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n && from.length; k++) {
    const j = Math.floor(random() * from.length);
    out.push(from[j]!);
    from[j] = from[from.length - 1]!;
    from.pop();
  }
  return out;
}

/** All links at once: those below `downTo` down, the others up. */
function all(t: number, downTo: number) {
  ups = [];
  downs = [];
  return Array.from({ length: LINKS }, (_, i) => {
    (i < downTo ? downs : ups).push(i);
    return trunk(t, name(i), group(i), i >= downTo);
  });
}
process.stdout.write(`${fullScan ? 'full scan' : 'change feed'}, ${LINKS} links\n`);
h.feed(all(h.clock.advance(1000), 0));
process.stdout.write(`first evaluation (all up): ${tick().ms.toFixed(0)} ms\n`);
phase('all up, 10 links change per second', 30);
h.feed(all(h.clock.advance(1000), 59_000));
const outage = tick();
process.stdout.write(`mass outage evaluation: ${outage.ms.toFixed(0)} ms, ${outage.bytes} bytes written\n`);
phase('59,000 down, 10 links change per second', 40);
const restartStart = performance.now();
h.restart();
const restartMs = performance.now() - restartStart;
const first = tick();
process.stdout.write(`restart: engine ready in ${restartMs.toFixed(0)} ms, first evaluation ${first.ms.toFixed(0)} ms\n`);
phase('after restart, 10 links change per second', 10);
removeHarnessDirs();
