// @vitest-environment node
// Link health of polled interfaces against the SNMP simulator, a real InfluxDB and Debian's
// snmptrap: a core router (if-mib, its VLAN and loopback are not links) and a customer IAD (iad
// profile, tagged customer/site/region from the inventory), polled every second. Switching an
// interface oper down shows `down` within one poll in /api/v1/links and in link_health, and `ok`
// again only after the hold; errors and utilisation over the thresholds show `degraded`; a
// linkDown trap the poll contradicts is corrected by the poll; an IAD that stops answering turns
// `stale`. A voice gateway's IP SLA path (cisco-ipsla profile) turns `degraded` on a low MOS and
// `down` on a timeout.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive } from '../collector/src/api/live-client.js';
import { Collector } from '../collector/src/app.js';
import { parseConfig } from '../collector/src/config.js';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { freePort } from '../collector/src/devstack/ports.js';
import { waitFor } from '../collector/src/devstack/process.js';
import type { GroupRollup, Link } from '../collector/src/health/engine.js';
import { SnmpSimulator } from '../collector/src/inputs/snmp/sim/agent.js';
import { COMMUNITY, linkTrapArgs, routerRecording, snmpCommand } from '../collector/src/inputs/snmp-trap/testing.js';
import { createLogger } from '../collector/src/lib/log.js';
import { queryRows } from './support/influx-query.js';

const TOKEN = 'link-health-token-4f9a';
const DB = 'callboard_link_health';
const ROUTER_HOST = '127.0.0.3';
const IAD_HOST = '127.0.0.4';
const HOLD_MS = 2000;
const STALE_MS = 4000;
const IF = '1.3.6.1.2.1.2.2.1';
const oid = (column: number, ifIndex: number) => `${IF}.${column}.${ifIndex}`;
const HC_IN_OCTETS = (ifIndex: number) => `1.3.6.1.2.1.31.1.1.1.6.${ifIndex}`;

const dir = mkdtempSync(join(tmpdir(), 'callboard-link-health-'));
const recording = (name: string, interfaces: Parameters<typeof routerRecording>[1]) => {
  const file = join(dir, `${name}.snmprec`);
  writeFileSync(file, routerRecording(name, interfaces));
  return file;
};
const router = new SnmpSimulator({
  files: [
    recording('rtr1', [
      { ifIndex: 1, ifName: 'Gi0/0', speedBps: 1e9, errorCounters: true },
      { ifIndex: 2, ifName: 'Gi0/1', speedBps: 1e9, errorCounters: true },
      { ifIndex: 3, ifName: 'Vl100', speedBps: 1e9 },
      { ifIndex: 4, ifName: 'Lo0', speedBps: 8e9 },
    ]),
  ],
  advance: false,
});
const GATEWAY_HOST = '127.0.0.5';
const SLA_RECORDING = 'voice-sla-gw';
const gateway = new SnmpSimulator({
  files: [join(import.meta.dirname, `../collector/src/devstack/snmp/${SLA_RECORDING}.snmprec`)],
  advance: false,
});
const SLA_MOS = (op: number) => `1.3.6.1.4.1.9.9.42.1.5.2.1.42.${op}`;
const SLA_SENSE = (op: number) => `1.3.6.1.4.1.9.9.42.1.2.10.1.2.${op}`;
const iad = new SnmpSimulator({
  files: [recording('iad-7', [{ ifIndex: 1, ifName: 'Dialer0', speedBps: 20e6, errorCounters: true }])],
  advance: false,
});

let influxd: Influxd;
let collector: Collector;
let trapPort = 0;

const get = async <T>(path: string): Promise<T> =>
  (await (await fetch(`${collector.api.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as T;
type Body = { total: number; links: Link[]; groups: GroupRollup[] };
/** `rtr1/Gi0/1` is the interface link of that name; other kinds are written out (`ipsla:vgw2/5`). */
const kindOf = (id: string) => /^([a-z-]+):/.exec(id)?.[1] ?? 'interface';
const bare = (id: string) => id.slice(id.startsWith(`${kindOf(id)}:`) ? kindOf(id).length + 1 : 0);
const link = async (id: string) => (await get<Body>('/api/v1/links')).links.find((l) => l.id === `${kindOf(id)}:${bare(id)}`);
const healthRows = (id: string, since: number) =>
  queryRows(
    influxd.url,
    DB,
    `SELECT state, reasons, "group" FROM raw.link_health WHERE kind = '${kindOf(id)}' AND link = '${bare(id)}' AND time >= ${since}ms`,
  );
/** Waits for the link to reach `state` in the API; returns it. */
const until = (id: string, state: string, timeoutMs: number, what = `${id} ${state}`) =>
  waitFor(
    async () => {
      const l = await link(id);
      return l?.state === state ? l : undefined;
    },
    { timeoutMs, what },
  );

/** A counter that grows at `perSecond` from now on (the simulator's counters stand still otherwise). */
function ramp(sim: SnmpSimulator, community: string, counters: readonly { oid: string; perSecond: number }[]): () => void {
  const start = Date.now();
  const tick = () => {
    const seconds = (Date.now() - start) / 1000;
    for (const c of counters) sim.values.set(community, c.oid, BigInt(Math.floor(c.perSecond * seconds)));
  };
  tick();
  const timer = setInterval(tick, 50);
  return () => {
    clearInterval(timer);
    for (const c of counters) sim.values.clear(community, c.oid);
  };
}

beforeAll(async () => {
  influxd = await startInfluxd();
  const routerPort = await router.start(ROUTER_HOST, 0);
  const iadPort = await iad.start(IAD_HOST, 0);
  const gatewayPort = await gateway.start(GATEWAY_HOST, 0);
  trapPort = await freePort('udp');
  process.env.CALLBOARD_LINK_HEALTH_TOKEN = TOKEN;
  process.env.CALLBOARD_LINK_HEALTH_TRAPS = COMMUNITY;
  process.env.CALLBOARD_LINK_HEALTH_RTR = 'rtr1';
  process.env.CALLBOARD_LINK_HEALTH_IAD = 'iad-7';
  process.env.CALLBOARD_LINK_HEALTH_GW = SLA_RECORDING;
  const config = parseConfig({
    stateDir: join(dir, 'state'),
    log: { level: 'warn' },
    api: { port: 0, token: { env: 'CALLBOARD_LINK_HEALTH_TOKEN' } },
    health: { hold: `${HOLD_MS}ms`, staleAfter: `${STALE_MS}ms`, interfaces: { errorsPct: 1, utilisationPct: 90 } },
    outputs: { influx: { url: influxd.url, database: DB, flushInterval: '200ms' } },
    inputs: [
      {
        type: 'snmp',
        name: 'net',
        interval: '1s',
        credentials: {
          rtr: { version: '2c', community: { env: 'CALLBOARD_LINK_HEALTH_RTR' } },
          iad: { version: '2c', community: { env: 'CALLBOARD_LINK_HEALTH_IAD' } },
          gw: { version: '2c', community: { env: 'CALLBOARD_LINK_HEALTH_GW' } },
        },
        targets: [
          {
            device: 'rtr1',
            address: `${ROUTER_HOST}:${routerPort}`,
            credentials: 'rtr',
            site: 'nyc-pop1',
            region: 'east',
            role: 'core',
            profiles: 'if-mib',
          },
          {
            device: 'iad-7',
            address: `${IAD_HOST}:${iadPort}`,
            credentials: 'iad',
            customer: 'acme-dental',
            site: 'bk-042',
            region: 'east',
            role: 'iad',
            wan_if_index: 1,
            timeout: '300ms',
            retries: 0,
          },
          {
            device: 'vgw2',
            address: `${GATEWAY_HOST}:${gatewayPort}`,
            credentials: 'gw',
            site: 'atl-pop1',
            region: 'central',
            role: 'voice-gateway',
            profiles: 'cisco-ipsla',
          },
        ],
      },
      { type: 'snmp-trap', name: 'traps', listen: { port: trapPort }, communities: [{ env: 'CALLBOARD_LINK_HEALTH_TRAPS' }] },
    ],
  });
  collector = new Collector(config, createLogger({ level: 'warn' }));
  await collector.start();
  // Two polls: the second has rates, so errors and utilisation are judged too.
  await waitFor(
    async () => {
      const { links } = await get<Body>('/api/v1/links?kind=interface');
      return (
        links.length === 3 &&
        (await link('ipsla:vgw2/5'))?.state === 'ok' &&
        links.every((l) => l.state === 'ok') &&
        collector.store.all(new Set(['snmp_interface'])).every((s) => 'in_bps' in s.fields)
      );
    },
    { timeoutMs: 20_000, what: 'three interface links and IP SLA 5 ok after two polls' },
  );
}, 40_000);

afterAll(async () => {
  await collector?.stop();
  await router.stop();
  await iad.stop();
  await gateway.stop();
  await influxd?.stop();
});

describe('link health of polled interfaces', () => {
  it('links: the router interfaces that carry traffic and the IAD WAN link, tagged from the inventory', async () => {
    const { links } = await get<Body>('/api/v1/links?kind=interface');
    expect(links.map((l) => [l.id, l.group])).toEqual([
      ['interface:iad-7/wan', 'bk-042'],
      ['interface:rtr1/Gi0/0', 'nyc-pop1'],
      ['interface:rtr1/Gi0/1', 'nyc-pop1'],
    ]);
    expect(links[0]).toMatchObject({ customer: 'acme-dental', site: 'bk-042', region: 'east' });
    const byRegion = await get<Body>('/api/v1/links?by=region&kind=interface');
    expect(byRegion.groups).toEqual([{ group: 'east', state: 'ok', links: 3, counts: { ok: 3, degraded: 0, down: 0, stale: 0 } }]);
  });

  it('oper down: `down` within one poll in the API, on ws /live and in InfluxDB, `ok` again only after the hold', async () => {
    const live = await connectLive(collector.api.url, TOKEN, 'link_health');
    const topic = 'link_health,group=nyc-pop1,kind=interface,link=rtr1/Gi0/1';
    const since = Date.now();
    router.values.set('rtr1', oid(8, 2), 2);
    // One 1 s poll interval, plus the poll itself on a busy machine.
    const down = await until('rtr1/Gi0/1', 'down', 3000, 'Gi0/1 down within one poll');
    expect(down.reasons).toEqual(['oper down']);
    const filtered = await get<Body>('/api/v1/links?state=down,degraded&group=nyc-pop1');
    expect(filtered.total).toBe(1);
    expect(filtered.links.map((l) => l.id)).toEqual(['interface:rtr1/Gi0/1']);
    expect(filtered.groups).toEqual([{ group: 'nyc-pop1', state: 'down', links: 2, counts: { ok: 1, degraded: 0, down: 1, stale: 0 } }]);

    router.values.clear('rtr1', oid(8, 2));
    const upAt = Date.now();
    await until('rtr1/Gi0/1', 'ok', HOLD_MS + 5000, 'Gi0/1 ok after the hold');
    expect(Date.now() - upAt).toBeGreaterThanOrEqual(HOLD_MS - 200);
    try {
      await waitFor(() => live.values(topic, 'state').at(-1) === 'ok', { timeoutMs: 2000, what: 'down then ok on ws /live' });
      // After the snapshot the client got on connecting: the two changes, nothing between.
      const states = live.values(topic, 'state');
      expect(states.slice(states.indexOf('down'))).toEqual(['down', 'ok']);
    } finally {
      live.close();
    }
    const rows = await waitFor(
      async () => ((await healthRows('rtr1/Gi0/1', since)).length === 2 ? healthRows('rtr1/Gi0/1', since) : undefined),
      {
        timeoutMs: 5000,
        what: 'both link_health changes in InfluxDB',
      },
    );
    expect(rows.map((r) => [r.state, r.reasons, r.group])).toEqual([
      ['down', 'oper down', 'nyc-pop1'],
      ['ok', '', 'nyc-pop1'],
    ]);
  });

  it('errors over the threshold and utilisation over the threshold: `degraded` with the measured value', async () => {
    // 50 errored per 1000 good packets: 4.8 %; 95 % of 1 Gbit/s.
    const stopErrors = ramp(router, 'rtr1', [
      { oid: oid(11, 1), perSecond: 1000 },
      { oid: oid(14, 1), perSecond: 50 },
    ]);
    const stopTraffic = ramp(router, 'rtr1', [{ oid: HC_IN_OCTETS(2), perSecond: (0.95 * 1e9) / 8 }]);
    try {
      const errored = await until('rtr1/Gi0/0', 'degraded', 5000);
      const share = Number(/^errors (\d+(?:\.\d)?) %$/.exec(errored.reasons[0] ?? '')?.[1]);
      expect(errored.reasons).toHaveLength(1);
      expect(share).toBeGreaterThan(4.3);
      expect(share).toBeLessThan(5.3);
      // Degraded from the first poll over 90 %; the first interval may hold only part of the ramp,
      // and a busy machine delays the simulator's ticks: the value settles around 95 % from there.
      const utilisation = (l: Link | undefined) => Number(/^utilisation (\d+) %$/.exec(l?.reasons[0] ?? '')?.[1]);
      const busy = await until('rtr1/Gi0/1', 'degraded', 5000);
      expect(utilisation(busy)).toBeGreaterThanOrEqual(90);
      expect(utilisation(busy)).toBeLessThanOrEqual(100);
      await waitFor(async () => Math.abs(utilisation(await link('rtr1/Gi0/1')) - 95) <= 3, {
        timeoutMs: 8000,
        what: 'utilisation about 95 %',
      });
    } finally {
      stopErrors();
      stopTraffic();
    }
    await until('rtr1/Gi0/0', 'ok', HOLD_MS + 5000);
    await until('rtr1/Gi0/1', 'ok', HOLD_MS + 5000);
  });

  it('a linkDown trap the poll contradicts: `down` at once (source trap), corrected to ok by the poll after the hold', async () => {
    const sent = await snmpCommand('snmptrap', [
      '-v',
      '2c',
      '-c',
      COMMUNITY,
      `--clientaddr=${ROUTER_HOST}`,
      `127.0.0.1:${trapPort}`,
      ...linkTrapArgs('linkDown', 1),
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    const down = await until('rtr1/Gi0/0', 'down', 1500, 'Gi0/0 down from the trap');
    expect(down).toMatchObject({ source: 'trap', reasons: ['oper down', 'linkDown trap'], group: 'nyc-pop1' });
    const downAt = Date.now();
    const corrected = await until('rtr1/Gi0/0', 'ok', HOLD_MS + 5000, 'the poll to correct the trap');
    expect(Date.now() - downAt).toBeGreaterThanOrEqual(HOLD_MS - 200);
    expect(corrected).not.toHaveProperty('source');
  });

  it('an IAD that stops answering turns `stale`, distinct from ok, in the API and InfluxDB', async () => {
    const since = Date.now();
    await iad.stop();
    const stale = await until('iad-7/wan', 'stale', STALE_MS + 5000);
    expect(stale.reasons[0]).toMatch(/^no data for \d+ intervals?$/);
    const byRegion = await get<Body>('/api/v1/links?by=region&region=east');
    expect(byRegion.groups).toEqual([{ group: 'east', state: 'stale', links: 3, counts: { ok: 2, degraded: 0, down: 0, stale: 1 } }]);
    const rows = await waitFor(async () => ((await healthRows('iad-7/wan', since)).length ? healthRows('iad-7/wan', since) : undefined), {
      timeoutMs: 5000,
      what: 'the stale change in InfluxDB',
    });
    expect(rows.map((r) => [r.state, r.group])).toEqual([['stale', 'bk-042']]);
  });

  it('IP SLA: MOS below the threshold → `degraded` (`MOS 3.4 < 3.6`), a timeout → `down`, `ok` again after the hold', async () => {
    const since = Date.now();
    gateway.values.set(SLA_RECORDING, SLA_MOS(5), 340); // MOS in hundredths
    const degraded = await until('ipsla:vgw2/5', 'degraded', 3000, 'IP SLA 5 degraded within one poll');
    expect(degraded).toMatchObject({ group: 'atl-pop1', region: 'central', reasons: ['MOS 3.4 < 3.6'] });
    gateway.values.set(SLA_RECORDING, SLA_SENSE(5), 4); // rttMonLatestRttOperSense timeout
    expect((await until('ipsla:vgw2/5', 'down', 3000, 'IP SLA 5 down within one poll')).reasons).toEqual(['timeout']);
    gateway.values.clear(SLA_RECORDING);
    const clearedAt = Date.now();
    await until('ipsla:vgw2/5', 'ok', HOLD_MS + 5000, 'IP SLA 5 ok after the hold');
    expect(Date.now() - clearedAt).toBeGreaterThanOrEqual(HOLD_MS - 200);
    const rows = await waitFor(
      async () => ((await healthRows('ipsla:vgw2/5', since)).length === 3 ? healthRows('ipsla:vgw2/5', since) : undefined),
      { timeoutMs: 5000, what: 'the three IP SLA changes in InfluxDB' },
    );
    expect(rows.map((r) => [r.state, r.reasons])).toEqual([
      ['degraded', 'MOS 3.4 < 3.6'],
      ['down', 'timeout'],
      ['ok', ''],
    ]);
  });

  it('refuses a bad query naming the parameter', async () => {
    const response = await fetch(`${collector.api.url}/api/v1/links?state=broken`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'state: unknown state "broken" (expected ok, degraded, down or stale)',
      code: 'CALLBOARD_BAD_REQUEST',
    });
  });
});
