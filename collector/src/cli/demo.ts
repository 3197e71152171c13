import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Collector } from '../app.js';
import { parseConfig } from '../config.js';
import { startInfluxd } from '../devstack/influxd.js';
import { startKamailio } from '../devstack/kamailio.js';
import { startUac, startUas } from '../devstack/sipp.js';
import { createLogger } from '../lib/log.js';
import { previewPanels } from '../preview/panels.js';
import { startPreviewServer } from '../preview/server.js';

export interface DemoOptions {
  dir: string;
  apiPort: string;
  previewPort: string;
  cps: string;
  holdS: string;
}

/**
 * `callboard demo` (what `npm start` runs): a private InfluxDB, a Kamailio softswitch with two SIP
 * trunks answered by SIPp, SIPp callers at a gentle rate, and the collector, all on 127.0.0.1.
 * Ctrl-C stops everything it started.
 */
export async function demoCommand(options: DemoOptions): Promise<void> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const log = createLogger({ level: process.env.CALLBOARD_LOG_LEVEL ?? 'warn' });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const cps = Number(options.cps);
  const holdMs = Number(options.holdS) * 1000;
  if (!(cps > 0 && cps <= 200) || !(holdMs > 0)) throw new Error('--cps must be in (0, 200] and --hold-s > 0');

  say('Starting InfluxDB, SIP trunks (SIPp) and Kamailio …');
  const influxd = await startInfluxd({ dir: join(dir, 'influx') });
  const [trunkA, trunkB] = await Promise.all([startUas({ name: 'trunk-a' }), startUas({ name: 'trunk-b' })]);
  const kamailio = await startKamailio({
    gateways: [
      { name: 'trunk-a', port: trunkA.port, duid: 'gw-a' },
      { name: 'trunk-b', port: trunkB.port, duid: 'gw-b' },
    ],
  });

  const token = process.env.CALLBOARD_API_TOKEN ?? randomBytes(18).toString('base64url');
  process.env.CALLBOARD_API_TOKEN = token;
  const config = parseConfig({
    stateDir: join(dir, 'state'),
    api: { port: Number(options.apiPort), token: { env: 'CALLBOARD_API_TOKEN' } },
    outputs: { influx: { url: influxd.url, database: 'callboard' } },
    inputs: [{ type: 'kamailio', name: 'ss1', url: kamailio.rpcUrl, evapi: { port: kamailio.evapiPort }, trunkCalls: 'trunk_calls' }],
  });
  const collector = new Collector(config, log);
  await collector.start();
  // Give the OPTIONS probes time to mark both trunks up, so the first calls are not refused.
  await new Promise((r) => setTimeout(r, 2500));
  const traffic = await startUac({ target: `127.0.0.1:${kamailio.sipPort}`, calls: 10_000_000, rateCps: cps, holdMs, busyEvery: 8 });

  const api = collector.api.url;
  const preview = await startPreviewServer({
    port: Number(options.previewPort),
    influx: { url: influxd.url, database: 'callboard' },
    panels: previewPanels({ live: { url: `${api.replace('http', 'ws')}/live`, token }, staleAfterSeconds: 10 }),
  });
  say('');
  say('Callboard demo is running (Ctrl-C stops everything):');
  say(`  panel      ${preview.url}/?view=calls   (also ?view=links, ?view=milestone; &theme=light)`);
  say(`  API        ${api}/api/v1/snapshot   (Authorization: Bearer ${token})`);
  say(`  live ws    ${api.replace('http', 'ws')}/live`);
  say(`  metrics    ${api}/metrics`);
  say(`  InfluxDB   ${influxd.url}  database "callboard"`);
  say(`  traffic    ${cps} calls/s, ${holdMs / 1000} s hold, every 8th call busy, through Kamailio ${kamailio.rpcUrl}`);
  say(`  try        curl -s -H 'Authorization: Bearer ${token}' ${api}/api/v1/snapshot`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('\nStopping …');
    await preview.close();
    await traffic.handle.stop(); // not the soft stop: that waits for every call in progress to end
    await collector.stop();
    await Promise.allSettled([kamailio.stop(), trunkA.stop(), trunkB.stop()]);
    await influxd.stop();
    say('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
