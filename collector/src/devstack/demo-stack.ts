// Everything the demo runs, started in order and stopped in reverse: a private InfluxDB, Kamailio
// with SIP trunks answered by SIPp (one trunk's gateway missing, so the wall has an alarm), SIPp
// callers, simulated routers and IADs (SNMP, real recordings), simulated CDR traffic, and the
// collector reading all of it. `npm start` and the dashboard tests use the same stack.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Collector } from '../app.js';
import { demoAlerting } from '../alerting/demo.js';
import { parseConfig } from '../config.js';
import { startCdrFeed, type CdrFeed } from './cdr-feed.js';
import { startInfluxd, type Influxd } from './influxd.js';
import { startKamailio, type Kamailio } from './kamailio.js';
import { freePort } from './ports.js';
import { startSimNetwork, type SimNetwork } from './sim-network.js';
import { startUac, startUas, type Uas, type UacRun } from './sipp.js';
import { circuitsFor } from '../traffic/erlang.js';

export const DEMO_DATABASE = 'callboard';
export const DEMO_SWITCH = 'ss1';
export const DEMO_CDR_SOURCE = 'pbx1';
/** The PBX's trunks as its CDRs name them. */
const DEMO_CDR_TRUNKS = ['SIP/trunk-a', 'SIP/trunk-b', 'SIP/trunk-c'] as const;
/**
 * Channels of the PBX's trunk group: one short of what Erlang B asks at 1 % for its busy hour, so the
 * advice shows a shortfall. The simulated business day carries about 0.28 E in its busy hour per 100
 * calls a day (150 s mean hold): 4.25 E at 1,500 calls a day.
 */
const demoCdrChannels = (callsPerDay: number) => Math.max(1, circuitsFor(callsPerDay * 0.0028, 0.01).circuits - 1);

export interface DemoStackOptions {
  /** Data of InfluxDB, the collector's state and the CDR files. */
  dir: string;
  apiPort: number;
  timezone: string;
  /** SIPp callers: new calls per second and hold time. */
  cps: number;
  holdMs: number;
  routers: number;
  iads: number;
  pendingIads: number;
  recordingsDir?: string;
  routerInterval: string;
  iadInterval: string;
  cdrCallsPerDay: number;
  cdrHistoryDays: number;
  log: Logger;
  /** Progress lines for a person watching. */
  say?: (line: string) => void;
}

export interface DemoStack {
  influxd: Influxd;
  kamailio: Kamailio;
  collector: Collector;
  network: SimNetwork;
  cdr: CdrFeed;
  token: string;
  apiUrl: string;
  liveUrl: string;
  trunkGroups: { name: string; capacity: number }[];
  targets: { calls_per_day: number; minutes_per_day: number };
  stop(): Promise<void>;
}

/** Stops what was started so far, newest first, when a later step fails. */
class Started {
  readonly #stops: (() => Promise<unknown> | void)[] = [];
  add(stop: () => Promise<unknown> | void): void {
    this.#stops.push(stop);
  }
  async stopAll(): Promise<void> {
    for (const stop of this.#stops.splice(0).reverse())
      await Promise.resolve()
        .then(stop)
        .catch(() => undefined);
  }
}

export async function startDemoStack(o: DemoStackOptions): Promise<DemoStack> {
  const say = o.say ?? (() => undefined);
  const started = new Started();
  try {
    say('InfluxDB …');
    const influxd = await startInfluxd({ dir: join(o.dir, 'influx') });
    started.add(() => influxd.stop());

    say('SIP trunks (SIPp) and Kamailio …');
    const [trunkA, trunkB] = (await Promise.all([startUas({ name: 'trunk-a' }), startUas({ name: 'trunk-b' })])) as [Uas, Uas];
    started.add(() => Promise.allSettled([trunkA.stop(), trunkB.stop()]));
    // trunk-c's gateway is not there: OPTIONS go unanswered, the trunk and its group show down.
    const deadGatewayPort = await freePort('udp');
    const kamailio = await startKamailio({
      gateways: [
        { name: 'trunk-a', port: trunkA.port, duid: 'gw-a' },
        { name: 'trunk-b', port: trunkB.port, duid: 'gw-b' },
        { name: 'trunk-c', port: deadGatewayPort, duid: 'gw-c' },
      ],
    });
    started.add(() => kamailio.stop());

    say('simulated routers and IADs (SNMP) …');
    const network = await startSimNetwork({
      ...(o.recordingsDir ? { recordingsDir: o.recordingsDir } : {}),
      routers: o.routers,
      iads: o.iads,
      pendingIads: o.pendingIads,
      routerInterval: o.routerInterval,
      iadInterval: o.iadInterval,
    });
    started.add(() => network.stop());

    say(`CDR traffic (${o.cdrHistoryDays} days of history, ${o.cdrCallsPerDay} calls a day) …`);
    const cdrDir = join(o.dir, 'cdr');
    const cdr = startCdrFeed({ dir: cdrDir, callsPerDay: o.cdrCallsPerDay, historyDays: o.cdrHistoryDays, timezone: o.timezone });
    started.add(() => cdr.stop());
    if (cdr.rewritten) {
      // The feed resumes its file from one start to the next; written anew, the input's checkpoint of the old one must go.
      rmSync(join(o.dir, 'state', `cdr-${DEMO_CDR_SOURCE}.json`), { force: true });
      // The traffic profile counts each CDR once against that checkpoint (a batch read again after a crash is
      // recognised); with the checkpoint gone the whole file is read again, so the profile's counts of it go too.
      rmSync(join(o.dir, 'state', 'traffic-profile.json'), { force: true });
    }

    const token = process.env.CALLBOARD_API_TOKEN ?? randomBytes(18).toString('base64url');
    process.env.CALLBOARD_API_TOKEN = token;
    const offered = o.cps * (o.holdMs / 1000);
    const trunkGroups = [
      // Sized a little above the offered load, so occupancy sits around 80 %.
      {
        name: 'pstn-east',
        members: [`${DEMO_SWITCH}/trunk-a`, `${DEMO_SWITCH}/trunk-b`],
        capacity: Math.max(4, Math.ceil(offered * 1.25)),
        direction: 'both',
        carrier: 'acme',
        warnAt: 90,
      },
      { name: 'pstn-west', members: [`${DEMO_SWITCH}/trunk-c`], capacity: 23, direction: 'outbound', carrier: 'globex', warnAt: 90 },
      // The PBX's trunks, known from its CDRs only: the weeks of CDR history give its Erlang B advice a
      // business-day busy hour from the start, on any day of the week.
      {
        name: `${DEMO_CDR_SOURCE}-pstn`,
        members: DEMO_CDR_TRUNKS.map((trunk) => `${DEMO_CDR_SOURCE}/${trunk}`),
        capacity: demoCdrChannels(o.cdrCallsPerDay),
        direction: 'both',
        carrier: 'acme',
        warnAt: 90,
      },
    ];
    const targets = { calls_per_day: o.cdrCallsPerDay, minutes_per_day: Math.round(o.cdrCallsPerDay * 1.5) };
    mkdirSync(join(o.dir, 'state'), { recursive: true });
    const config = parseConfig({
      timezone: o.timezone,
      stateDir: join(o.dir, 'state'),
      api: { port: o.apiPort, token: { env: 'CALLBOARD_API_TOKEN' } },
      // Raw points are kept a little longer than the CDR history, so the whole history is stored.
      outputs: { influx: { url: influxd.url, database: DEMO_DATABASE, retention: { raw: `${Math.max(30, o.cdrHistoryDays + 2)}d` } } },
      trunkGroups,
      // The recordings' unused ports (admin up, no cable) are not links: the wall shows the real alarms only.
      health: { interfaces: { devices: network.interfaceExclusions } },
      alerting: demoAlerting,
      inputs: [
        { type: 'kamailio', name: DEMO_SWITCH, url: kamailio.rpcUrl, evapi: { port: kamailio.evapiPort }, trunkCalls: 'trunk_calls' },
        ...network.inputs,
        {
          type: 'cdr',
          name: DEMO_CDR_SOURCE,
          paths: [cdr.file],
          format: 'asterisk',
          sourceTimezone: o.timezone,
          dialPlan: { ownPrefixes: ['212555'], localPrefixes: ['212', '646', '718', '917', '347'], homeAreaCode: '212' },
          trunks: [...DEMO_CDR_TRUNKS],
          keepDays: Math.min(62, o.cdrHistoryDays + 2),
          milestones: targets,
          reconcileWith: DEMO_SWITCH,
        },
      ],
    });
    say('collector …');
    const collector = new Collector(config, o.log);
    await collector.start();
    started.add(() => collector.stop());

    // Give the OPTIONS probes time to mark the trunks, so the first calls are not sent to trunk-c.
    await new Promise((r) => setTimeout(r, 2500));
    const traffic: UacRun = await startUac({
      target: `127.0.0.1:${kamailio.sipPort}`,
      calls: 10_000_000,
      rateCps: o.cps,
      holdMs: o.holdMs,
      busyEvery: 8,
    });
    // Not the soft stop: that waits for every call in progress to end.
    started.add(() => traffic.handle.stop());

    const apiUrl = collector.api.url;
    return {
      influxd,
      kamailio,
      collector,
      network,
      cdr,
      token,
      apiUrl,
      liveUrl: `${apiUrl.replace(/^http/, 'ws')}/live`,
      trunkGroups: trunkGroups.map((g) => ({ name: g.name, capacity: g.capacity })),
      targets,
      stop: () => started.stopAll(),
    };
  } catch (error) {
    await started.stopAll();
    throw error;
  }
}
