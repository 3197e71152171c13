// The link health model at carrier scale: 60,000 IAD WAN links (and a few core routers) through
// the real engine and the real HTTP API. Not a test: prints figures beside a peer measured in the
// same run (a bare Map update of the same points: the least any per-link bookkeeping costs).
//   node --expose-gc --import tsx collector/src/health/bench.ts [links]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Collector } from '../app.js';
import { parseConfig } from '../config.js';
import { createLogger } from '../lib/log.js';
import type { Metric } from '../pipeline/metric.js';
import { HealthEngine } from './engine.js';

export interface LinkHealthScale {
  links: number;
  /** One poll cycle's snmp_interface points through observe(), median of the cycles. */
  observeMs: number;
  /** The peer: the same points into a Map of numbers. */
  peerMs: number;
  /** A periodic stale check that scans every link, and one that knows it need not. */
  checkStaleMs: number;
  checkStaleSkipMs: number;
  /** links(): every link copied, worst first. */
  allLinksMs: number;
  /** Heap the engine keeps for its links, per link (after GC). */
  bytesPerLink: number;
  heapDeltaMb: number;
  api: { path: string; ms: number; bytes: number }[];
}

const REGIONS = ['east', 'west', 'central', 'south'];

/** Each IAD's inventory tags, one object per target with shared strings, as the SNMP input holds them (not the engine's memory). */
function inventoryTags(count: number): Record<string, string>[] {
  const customers = Array.from({ length: 5000 }, (_, i) => `cust-${i}`);
  const sites = Array.from({ length: 400 }, (_, i) => `site-${i}`);
  return Array.from({ length: count }, (_, i) => ({
    device: `iad-${i}`,
    customer: customers[i % 5000]!,
    site: sites[i % 400]!,
    region: REGIONS[i % 4]!,
    role: 'iad',
  }));
}

/** What the SNMP input emits for each IAD per poll (pollMetrics: the target's tags plus ifName). */
function iadPoints(inventory: readonly Record<string, string>[], time: number, down: (i: number) => boolean): Metric[] {
  return inventory.map((tags, i): Metric => ({
    measurement: 'snmp_interface',
    tags: { ...tags, ifName: 'wan' },
    time,
    fields: down(i)
      ? { oper_status: 2, admin_status: 1, speed_bps: 20e6 }
      : { oper_status: 1, admin_status: 1, speed_bps: 20e6, in_bps: 1e6, out_bps: 2e5, in_errors_ps: 0, in_util_pct: 5, out_util_pct: 1 },
  }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

export async function measureLinkHealthScale(links = 60_000, cycles = 7): Promise<LinkHealthScale> {
  const dir = mkdtempSync(join(tmpdir(), 'callboard-health-bench-'));
  const collector = new Collector(
    parseConfig({ stateDir: dir, log: { level: 'warn' }, api: { port: 0 }, health: { hold: '30s', staleAfter: '180s' } }),
    createLogger({ level: 'warn' }),
  );
  const engine: HealthEngine = collector.health;
  await collector.start();
  try {
    const inventory = inventoryTags(links);
    gc();
    const before = process.memoryUsage().heapUsed;
    // Poll times as the input stamps them (epoch ms: heap numbers, not small integers).
    const t0 = Date.now();
    const observeMs: number[] = [];
    const peerMs: number[] = [];
    const peer = new Map<string, number>();
    for (let c = 0; c < cycles; c++) {
      // Each cycle one IAD in 1,000 changes state: a realistic churn of changes to store and push.
      const points = iadPoints(inventory, t0 + c * 60_000, (i) => i % 1000 === c);
      let t = performance.now();
      engine.observe(points);
      observeMs.push(performance.now() - t);
      t = performance.now();
      for (const p of points) peer.set(`${p.tags.device}/${p.tags.ifName}`, Number(p.fields.oper_status));
      peerMs.push(performance.now() - t);
    }
    peer.clear();
    gc();
    const heapDelta = process.memoryUsage().heapUsed - before;
    // The first check after the cycles scans every link; the next knows no link can be stale yet and skips.
    let t = performance.now();
    engine.checkStale(t0 + cycles * 60_000);
    const checkStaleMs = performance.now() - t;
    t = performance.now();
    engine.checkStale(t0 + cycles * 60_000 + 1000);
    const checkStaleSkipMs = performance.now() - t;

    // What a `link` alert rule reads on every evaluation (1 s by default): every link, copied.
    engine.links(); // the first call after new links sorts them by group and id
    const linksTimes: number[] = [];
    for (let k = 0; k < 5; k++) {
      t = performance.now();
      engine.links();
      linksTimes.push(performance.now() - t);
    }
    const allLinksMs = median(linksTimes);

    const api: LinkHealthScale['api'] = [];
    for (const path of [
      '/api/v1/links',
      '/api/v1/links?state=down,degraded',
      '/api/v1/links?region=east&by=site',
      '/api/v1/links?limit=100000',
    ]) {
      const times: number[] = [];
      let bytes = 0;
      for (let k = 0; k < 5; k++) {
        // A change between requests, so that the worst-first order is rebuilt as it would be after a poll.
        engine.observe(iadPoints(inventory.slice(0, 1), t0 + cycles * 60_000 + k, () => k % 2 === 0));
        t = performance.now();
        const body = await (await fetch(`${collector.api.url}${path}`)).text();
        times.push(performance.now() - t);
        bytes = body.length;
      }
      api.push({ path, ms: median(times), bytes });
    }
    return {
      links: engine.size,
      observeMs: median(observeMs.slice(1)),
      peerMs: median(peerMs.slice(1)),
      checkStaleMs,
      checkStaleSkipMs,
      allLinksMs,
      bytesPerLink: Math.round(heapDelta / engine.size),
      heapDeltaMb: Math.round(heapDelta / 1e5) / 10,
      api,
    };
  } finally {
    await collector.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureLinkHealthScale(Number(process.argv[2] ?? 60_000));
  if (!(globalThis as { gc?: unknown }).gc) process.stdout.write('(run with --expose-gc for exact heap figures)\n');
  process.stdout.write(
    `${result.links} links: observe one poll cycle ${result.observeMs.toFixed(1)} ms (peer Map update ${result.peerMs.toFixed(1)} ms, ratio ${(result.observeMs / result.peerMs).toFixed(1)}), ` +
      `checkStale ${result.checkStaleMs.toFixed(1)} ms (scan) / ${result.checkStaleSkipMs.toFixed(3)} ms (nothing due), links() ${result.allLinksMs.toFixed(1)} ms; heap ${result.heapDeltaMb} MB (${result.bytesPerLink} B/link)\n`,
  );
  for (const a of result.api) process.stdout.write(`  GET ${a.path}: ${a.ms.toFixed(1)} ms, ${(a.bytes / 1e6).toFixed(2)} MB\n`);
  process.exit(0);
}
