import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectLive } from '../api/live-client.js';
import { Collector } from '../app.js';
import { parseConfig } from '../config.js';
import { startKamailio } from '../devstack/kamailio.js';
import { runUac, startUas } from '../devstack/sipp.js';
import { createLogger } from '../lib/log.js';
import { answerTimes, percentile } from './sipp-trace.js';

export interface LatencyRow {
  mode: string;
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const TOKEN = 'bench-token-live-latency';
const TOPIC = 'softswitch_calls,switch=ss1';

/**
 * Delay from each 200 OK (as the answering SIPp logged it) to the first /live frame whose active
 * count includes that call. Calls are only placed during a ramp shorter than the hold time, so the
 * active count rises monotonically and the k-th answer is the first frame with active >= k.
 * Collectors in different modes watch the same switch in the same run.
 */
export async function measureLiveLatency(options: { calls: number; cps: number }): Promise<LatencyRow[]> {
  const holdMs = (options.calls / options.cps) * 1000 + 5000;
  const uas = await startUas({ name: 'bench-gw', traceMsg: true });
  const kamailio = await startKamailio({ gateways: [{ name: 'trunk-a', port: uas.port, duid: 'gw-a' }], pingIntervalS: 1 });
  process.env.CALLBOARD_BENCH_TOKEN = TOKEN;
  const modes = [
    { mode: 'evapi events, 4 pushes/s', evapi: true, rate: 4 },
    { mode: 'evapi events, 5 pushes/s (default)', evapi: true, rate: 5 },
    { mode: 'evapi events, 20 pushes/s', evapi: true, rate: 20 },
    { mode: 'polling alone (1 s), 5 pushes/s', evapi: false, rate: 5 },
  ];
  const collectors = modes.map((m) => {
    const config = parseConfig({
      stateDir: mkdtempSync(join(tmpdir(), 'callboard-bench-')),
      api: { port: 0, token: { env: 'CALLBOARD_BENCH_TOKEN' }, maxUpdatesPerSecond: m.rate },
      inputs: [{ type: 'kamailio', name: 'ss1', url: kamailio.rpcUrl, interval: '1s', ...(m.evapi ? { evapi: { port: kamailio.evapiPort } } : {}) }],
    });
    return new Collector(config, createLogger({ level: 'error' }));
  });
  try {
    for (const c of collectors) await c.start();
    await new Promise((r) => setTimeout(r, 3000)); // trunk probed up, evapi connected
    const clients = await Promise.all(collectors.map((c) => connectLive(c.api.url, TOKEN, 'softswitch_calls')));
    await runUac({ target: `127.0.0.1:${kamailio.sipPort}`, calls: options.calls, rateCps: options.cps, holdMs, timeoutMs: holdMs + 60_000 });
    const answered = answerTimes(readFileSync(uas.messageLog!, 'utf8'));
    return modes.map((m, i) => {
      const frames = clients[i]!.frames;
      const delays: number[] = [];
      answered.forEach((answeredAt, k) => {
        const frame = frames.find((f) => {
          const s = f.message.series;
          return !Array.isArray(s) && s?.topic === TOPIC && (s.fields.active as number) >= k + 1;
        });
        if (frame) delays.push(frame.receivedAt - answeredAt);
      });
      clients[i]!.close();
      delays.sort((a, b) => a - b);
      return { mode: m.mode, samples: delays.length, p50: percentile(delays, 50), p90: percentile(delays, 90), p99: percentile(delays, 99), max: delays.at(-1) ?? NaN };
    });
  } finally {
    for (const c of collectors) await c.stop();
    await kamailio.stop();
    await uas.stop();
  }
}
