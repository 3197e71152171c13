// @vitest-environment node
// Observed blocking per SIP trunk, end to end: a gateway whose circuits are all busy (SIPp answering
// every INVITE 503 with Reason Q.850 cause 34) beside a healthy one, Kamailio overflowing each
// refused call to the other trunk, the collector counting the refusals per trunk and per trunk group.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collector } from '../collector/src/app.js';
import { parseConfig } from '../collector/src/config.js';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { listGateways, waitGatewayState } from '../collector/src/devstack/kamailio.js';
import { waitFor } from '../collector/src/devstack/process.js';
import { messageTotal } from '../collector/src/devstack/sipp-counts.js';
import { runUac } from '../collector/src/devstack/sipp.js';
import { createLogger } from '../collector/src/lib/log.js';
import { queryRows } from './support/influx-query.js';
import { snapshotReader, startTwoTrunkSwitch, type TwoTrunkSwitch } from './support/switch.js';

const TOKEN = 'blocking-test-token-81d0';
const DB = 'callboard_blocking';
const TZ = 'America/New_York';

interface TrunkGroupsBody {
  groups: {
    name: string;
    busyHour: unknown;
    reason: string | null;
    blocking: { today: { attempts: number; blocked: number }; busyHourDays: { attempts: number; blocked: number } | null };
  }[];
}

describe('observed blocking per SIP trunk: 503 / Q.850 cause 34', () => {
  let influxd: Influxd;
  let softswitch: TwoTrunkSwitch;
  let collector: Collector;
  let api = '';
  const { trunkState } = snapshotReader(() => api, TOKEN);
  const perTrunk = async (since: number) => {
    const sums = async (trunk: string) =>
      (
        await queryRows(
          influxd.url,
          DB,
          `SELECT sum(calls_attempts) AS attempts, sum(calls_answered) AS answered, sum(calls_failed) AS failed, sum(calls_blocked) AS blocked, min(up) AS up FROM raw.trunk_status WHERE switch='ss1' AND trunk='${trunk}' AND time >= ${since}ms`,
        )
      )[0];
    return { 'trunk-a': await sums('trunk-a'), 'trunk-b': await sums('trunk-b') };
  };

  /** Samples trunk-b's dispatcher flags every 50 ms until stopped; resolves with the flags seen. */
  const watchGateway = () => {
    const seen = new Set<string>();
    let watching = true;
    const loop = (async () => {
      while (watching) {
        const b = (await listGateways(softswitch.kamailio)).find((g) => g.uri === softswitch.gatewayB.uri);
        seen.add(b?.flags ?? 'not listed');
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    return {
      stop: async () => {
        watching = false;
        await loop;
        return seen;
      },
    };
  };

  beforeAll(async () => {
    influxd = await startInfluxd();
    // trunk-b's circuits are all busy
    softswitch = await startTwoTrunkSwitch(1, { scenario: 'congested', traceCounts: true });
    process.env.CALLBOARD_BLOCKING_TOKEN = TOKEN;
    const config = parseConfig({
      stateDir: mkdtempSync(join(tmpdir(), 'callboard-blocking-state-')),
      log: { level: 'warn' },
      timezone: TZ,
      api: { port: 0, token: { env: 'CALLBOARD_BLOCKING_TOKEN' } },
      trunkGroups: [{ name: 'pstn-west', members: ['ss1/trunk-a', 'ss1/trunk-b'], capacity: 30, carrier: 'acme' }],
      outputs: { influx: { url: influxd.url, database: DB, flushInterval: '200ms' } },
      inputs: [{ type: 'kamailio', name: 'ss1', url: softswitch.kamailio.rpcUrl, interval: '1s', trunkCalls: 'trunk_calls' }],
    });
    collector = new Collector(config, createLogger({ level: 'warn' }));
    await collector.start();
    api = collector.api.url;
    await waitFor(async () => (await trunkState('trunk-a')) === 'up' && (await trunkState('trunk-b')) === 'up', {
      timeoutMs: 30_000,
      what: 'both trunks up',
    });
  });

  afterAll(async () => {
    await collector?.stop();
    await softswitch?.stop();
    await influxd?.stop();
  });

  it('counts every 503 the busy gateway sent, per trunk and in the trunk group, without taking the gateway out of service', async () => {
    const { kamailio, gatewayB } = softswitch;
    const since = Date.now();
    // Watch the busy gateway's dispatcher state all through the run: a flap would show here.
    const watch = watchGateway();
    const calls = 40;
    const sipp = await runUac({ target: `127.0.0.1:${kamailio.sipPort}`, calls, rateCps: 10, holdMs: 1000 });
    const finishedAt = Date.now();
    const statesSeen = await watch.stop();
    // Every call refused by trunk-b overflowed to trunk-a and was answered there.
    expect(sipp).toMatchObject({ created: calls, successful: calls, failed: 0 });
    // A(ctive) all along, never I(nactive); the second letter (probing or not) is the prober's business
    expect([...statesSeen].filter((flags) => !flags.startsWith('A'))).toEqual([]);

    // SIPp's own count of the 503s it sent, from a counts row written after the last call.
    const counts = await waitFor(
      () => {
        const c = gatewayB.messageCounts();
        return c.time > finishedAt + 200 ? c : undefined;
      },
      { timeoutMs: 5000, what: 'a SIPp counts row written after the run' },
    );
    const sent503 = messageTotal(counts, '503');
    const invitesToB = messageTotal(counts, 'INVITE');
    // round robin: about every other call tried trunk-b first
    expect(sent503).toBeGreaterThanOrEqual(calls / 4);
    expect(sent503).toBe(invitesToB);

    let last: unknown;
    const trunks = await waitFor(
      async () => {
        const t = (last = await perTrunk(since));
        return t['trunk-b']?.blocked === sent503 && t['trunk-a']?.answered === calls ? t : undefined;
      },
      { timeoutMs: 15_000, what: () => `trunk-b blocked = SIPp's ${sent503} 503s in InfluxDB (last seen ${JSON.stringify(last)})` },
    );
    expect(trunks['trunk-b']).toMatchObject({ attempts: invitesToB, answered: 0, failed: sent503, blocked: sent503, up: 1 });
    expect(trunks['trunk-a']).toMatchObject({ attempts: calls, answered: calls, failed: 0, blocked: 0, up: 1 });

    // The trunk group: every attempt on a member, and the refused ones among them.
    const group = await waitFor(
      async () => {
        const rows = await queryRows(
          influxd.url,
          DB,
          `SELECT sum(calls_attempts) AS attempts, sum(calls_blocked) AS blocked FROM raw.trunk_group WHERE trunk_group='pstn-west' AND time >= ${since}ms`,
        );
        return rows[0]?.blocked === sent503 ? rows[0] : undefined;
      },
      { timeoutMs: 5000, what: 'the trunk group blocked count in InfluxDB' },
    );
    expect(group).toMatchObject({ attempts: calls + sent503, blocked: sent503 });

    // /api/v1/trunk-groups reports today's blocking whatever the weekday; the busy hour (complete
    // business days only, today excluded) is null for this collector started today, and the answer says why.
    const body = (await (
      await fetch(`${api}/api/v1/trunk-groups`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as TrunkGroupsBody;
    const west = body.groups.find((g) => g.name === 'pstn-west')!;
    expect(west.blocking.today).toMatchObject({ attempts: calls + sent503, blocked: sent503 });
    expect(west.busyHour).toBeNull();
    expect(west.blocking.busyHourDays).toBeNull();
    expect(west.reason).toMatch(/^no traffic on a complete business day/);
  });

  it('still takes a gateway out of service on a 503 without cause 34, and counts that refusal as blocked', async () => {
    const { kamailio, gatewayB } = softswitch;
    const since = Date.now();
    const before = messageTotal(gatewayB.messageCounts(), '503');
    const watch = watchGateway();
    // Two calls: round robin sends one of them to trunk-b first, which answers a plain 503.
    const sipp = await runUac({
      target: `127.0.0.1:${kamailio.sipPort}`,
      calls: 2,
      rateCps: 2,
      holdMs: 200,
      callees: ['overload1', 'overload2'],
    });
    expect(sipp).toMatchObject({ created: 2, successful: 2 });
    // marked inactive, until the next OPTIONS probe (answered 200, every second) brings it back
    await waitGatewayState(kamailio, gatewayB.uri, 'AP', 10_000);
    const finishedAt = Date.now();
    expect([...(await watch.stop())]).toContain('IP');
    const counts = await waitFor(
      () => {
        const c = gatewayB.messageCounts();
        return c.time > finishedAt ? c : undefined;
      },
      { timeoutMs: 5000, what: 'a SIPp counts row written after the run' },
    );
    const plain503 = messageTotal(counts, '503') - before;
    expect(plain503).toBe(1);
    await waitFor(async () => (await perTrunk(since))['trunk-b']?.blocked === plain503, {
      timeoutMs: 10_000,
      what: 'the plain 503 counted as blocked on trunk-b',
    });
  });
});
