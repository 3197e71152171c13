// InfluxDB write throughput: the collector's InfluxDB output (schema check, line protocol, disk
// spool with fsync, replay from disk, HTTP) against influxd's own ceiling measured in the same run
// on the same influxd: a plain writer POSTing the same points, encoded beforehand, in batches of
// the same size, one request at a time, as fast as influxd takes them. Each run writes into a
// fresh database, so both pay for creating the same series.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { startInfluxd } from '../devstack/influxd.js';
import { softswitchCalls } from '../inputs/kamailio/measurements.js';
import { createLogger } from '../lib/log.js';
import { influxOutputSchema } from '../outputs/influx/config.js';
import { InfluxSink } from '../outputs/influx/index.js';
import { LineEncoder } from '../outputs/influx/line-protocol.js';
import type { Metric } from '../pipeline/metric.js';

export interface InfluxWriteRow {
  writer: string;
  round: number;
  points: number;
  seconds: number;
  pointsPerSecond: number;
  /** CPU of this Node process (user + system) per point, µs: the writer's own cost. */
  cpuUsPerPoint: number;
  /** 1-minute load average of the machine after the round (other work competes with influxd for the cores). */
  loadAverage: number;
}

export interface InfluxWriteOptions {
  points?: number;
  batchSize?: number;
  rounds?: number;
  log?: (line: string) => void;
}

/** A poll's worth at a time, as the inputs emit them. */
const EMIT_CHUNK = 1000;
const SWITCHES = 10;

function makePoints(n: number, start: number): Metric[] {
  return Array.from({ length: n }, (_, i) => ({
    measurement: 'softswitch_calls',
    tags: { switch: `ss${i % SWITCHES}` },
    fields: {
      active: 400 + (i % 97),
      early: i % 13,
      attempts: 20 + (i % 11),
      answered: 15 + (i % 7),
      failed: i % 3,
      cancelled: i % 5,
      user_failures: i % 2,
      minutes: (i % 1000) / 7,
      asr: 0.5 + (i % 50) / 100,
      ner: 0.9 + (i % 10) / 100,
      interval_ms: 1000,
      restarted: 0,
    },
    time: start + Math.floor(i / SWITCHES) * 1000,
  }));
}

function post(agent: http.Agent, url: URL, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-length': String(body.length) } }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 204 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`))));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function createDatabase(url: string, db: string): Promise<void> {
  const response = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q: `CREATE DATABASE ${db}` }) });
  if (!response.ok) throw new Error(`CREATE DATABASE ${db}: HTTP ${response.status}`);
  await response.arrayBuffer();
}

async function timed(points: number, run: () => Promise<void>): Promise<{ seconds: number; cpuUsPerPoint: number }> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuUsPerPoint: (used.user + used.system) / points };
}

export async function measureInfluxWrite(options: InfluxWriteOptions = {}): Promise<InfluxWriteRow[]> {
  const n = options.points ?? 300_000;
  const batchSize = options.batchSize ?? 5000;
  const rounds = options.rounds ?? 5;
  const say = options.log ?? (() => {});
  const influxd = await startInfluxd();
  const work = mkdtempSync(join(tmpdir(), 'callboard-bench-influx-'));
  const rows: InfluxWriteRow[] = [];
  try {
    const points = makePoints(n, Date.now() - 86_400_000);
    const encoder = new LineEncoder([softswitchCalls]);
    const row = (writer: string, round: number, r: { seconds: number; cpuUsPerPoint: number }): InfluxWriteRow => {
      const result = {
        writer,
        round,
        points: n,
        seconds: r.seconds,
        pointsPerSecond: n / r.seconds,
        cpuUsPerPoint: r.cpuUsPerPoint,
        loadAverage: loadavg()[0]!,
      };
      say(`  round ${round} ${writer}: ${Math.round(result.pointsPerSecond).toLocaleString('en')} points/s`);
      return result;
    };
    for (let round = 1; round <= rounds; round++) {
      // Peer: influxd's ceiling, with bodies encoded before the clock starts.
      const peerDb = `bench_plain_${round}`;
      await createDatabase(influxd.url, peerDb);
      const bodies: Buffer[] = [];
      for (let i = 0; i < n; i += batchSize)
        bodies.push(
          Buffer.from(
            points
              .slice(i, i + batchSize)
              .map((p) => encoder.encode(p))
              .join('\n'),
          ),
        );
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const url = new URL(`${influxd.url}/write?db=${peerDb}&precision=ms`);
      rows.push(
        row(
          'plain line-protocol writer (influxd ceiling)',
          round,
          await timed(n, async () => {
            for (const body of bodies) await post(agent, url, body);
          }),
        ),
      );
      agent.destroy();

      // The collector's output, spool on disk, points emitted a poll's worth at a time.
      // Same database layout as the plain writer's (CREATE DATABASE, default RP, no CQs): only the write paths differ.
      await createDatabase(influxd.url, `bench_sink_${round}`);
      const config = influxOutputSchema.parse({ url: influxd.url, database: `bench_sink_${round}`, batchSize, manageLayout: false });
      const sink = new InfluxSink(config, {
        schemas: [softswitchCalls],
        log: createLogger({ level: 'warn' }),
        registry: new Registry(),
        timezone: 'UTC',
        spoolDir: join(work, `spool-${round}`),
      });
      await sink.start();
      const peer = rows.at(-1)!;
      rows.push(
        row(
          'callboard InfluxDB output (spool on disk)',
          round,
          await timed(n, async () => {
            for (let i = 0; i < n; i += EMIT_CHUNK) {
              sink.write(points.slice(i, i + EMIT_CHUNK));
              await new Promise((resolve) => setImmediate(resolve));
            }
            await sink.flush({ delivered: true, timeoutMs: 600_000 });
          }),
        ),
      );
      await sink.stop();
      say(
        `  round ${round}: callboard ÷ plain = ${(rows.at(-1)!.pointsPerSecond / peer.pointsPerSecond).toFixed(2)} (load average ${loadavg()[0]!.toFixed(1)})`,
      );
    }
  } finally {
    await influxd.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Per writer: best and median round; the collector's share of the ceiling as the median of the
 * per-round ratios (each round pairs two runs a few seconds apart, so load from other work on the
 * machine mostly cancels out), and as best ÷ best.
 */
export function influxRatioRows(rows: readonly InfluxWriteRow[]): Record<string, string | number>[] {
  const of = (prefix: string) => rows.filter((r) => r.writer.startsWith(prefix));
  const plain = of('plain');
  const ours = of('callboard');
  const paired = median(ours.map((r, i) => r.pointsPerSecond / plain[i]!.pointsPerSecond));
  const best = (w: InfluxWriteRow[]) => Math.max(...w.map((r) => r.pointsPerSecond));
  return [plain, ours].map((w) => ({
    writer: w[0]!.writer,
    'best points/s': Math.round(best(w)),
    'median points/s': Math.round(median(w.map((r) => r.pointsPerSecond))),
    'node CPU µs/point': median(w.map((r) => r.cpuUsPerPoint)),
    'share (median of rounds)': w === plain ? 1 : paired,
    'share (best ÷ best)': best(w) / best(plain),
  }));
}
