// @vitest-environment node
// Cancelled calls counted once, end to end: SIPp callers who give up while the call rings and
// retransmit their CANCEL (its 200 "lost"), a slow gateway that takes a while to send its 487,
// Kamailio, and the collector's softswitch_calls in InfluxDB against SIPp's own counts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collector } from '../collector/src/app.js';
import { parseConfig } from '../collector/src/config.js';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { startKamailio, waitGatewayState, type Kamailio } from '../collector/src/devstack/kamailio.js';
import { waitFor } from '../collector/src/devstack/process.js';
import { messageTotal } from '../collector/src/devstack/sipp-counts.js';
import { runUac, startUas, type Uas } from '../collector/src/devstack/sipp.js';
import { createLogger } from '../collector/src/lib/log.js';
import { queryRows } from './support/influx-query.js';

const DB = 'callboard_cancel';

describe('cancelled calls: each counted once, however many CANCELs the caller sent', () => {
  let influxd: Influxd;
  let gateway: Uas;
  let kamailio: Kamailio;
  let collector: Collector;

  beforeAll(async () => {
    // The gateway's 487 comes 1.2 s after the CANCEL: the caller retransmits its CANCEL meanwhile (T1 = 500 ms).
    [influxd, gateway] = await Promise.all([startInfluxd(), startUas({ name: 'gw-ringing', scenario: 'ringing', holdMs: 1200 })]);
    kamailio = await startKamailio({ gateways: [{ name: 'trunk-r', port: gateway.port, duid: 'gw-r' }], pingIntervalS: 1 });
    const config = parseConfig({
      stateDir: mkdtempSync(join(tmpdir(), 'callboard-cancel-state-')),
      log: { level: 'warn' },
      api: { port: 0 },
      outputs: { influx: { url: influxd.url, database: DB, flushInterval: '200ms' } },
      inputs: [{ type: 'kamailio', name: 'ss1', url: kamailio.rpcUrl, interval: '1s', trunkCalls: 'trunk_calls' }],
    });
    collector = new Collector(config, createLogger({ level: 'warn' }));
    await collector.start();
    await waitGatewayState(kamailio, gateway.uri, 'AP', 15_000);
  });

  afterAll(async () => {
    await collector?.stop();
    await kamailio?.stop();
    await gateway?.stop();
    await influxd?.stop();
  });

  it('stores SIPp’s count of cancelled calls, not Kamailio’s count of CANCEL requests, and the identities still add up', async () => {
    const since = Date.now();
    const calls = 20;
    // ring 300 ms, then cancel
    const sipp = await runUac({ target: `127.0.0.1:${kamailio.sipPort}`, calls, rateCps: 10, holdMs: 300, scenario: 'cancel' });
    // every call reached the end of the scenario: CANCEL, 487, ACK
    expect(sipp).toMatchObject({ created: calls, successful: calls, failed: 0 });
    const cancelsSent = messageTotal(sipp.messages, 'CANCEL') + messageTotal(sipp.messages, 'CANCEL', 'retransmissions');
    expect(messageTotal(sipp.messages, 'CANCEL')).toBe(calls);
    expect(messageTotal(sipp.messages, '487')).toBe(calls);

    // Kamailio received every CANCEL SIPp sent, retransmissions included: more requests than calls.
    const stats = await kamailio.rpc<Record<string, string>>('stats.fetch', ['core:rcv_requests_cancel', 'script:cancelled_calls']);
    expect(Number(stats['core.rcv_requests_cancel'])).toBe(cancelsSent);
    expect(cancelsSent).toBeGreaterThan(calls);
    expect(Number(stats['script.cancelled_calls'])).toBe(calls);

    let last: Record<string, unknown> | undefined;
    const stored = await waitFor(
      async () => {
        last = (
          await queryRows(
            influxd.url,
            DB,
            `SELECT sum(attempts) AS attempts, sum(answered) AS answered, sum(failed) AS failed, sum(cancelled) AS cancelled, sum(user_failures) AS user_failures, last(early) AS early, last(active) AS active FROM raw.softswitch_calls WHERE switch='ss1' AND time >= ${since}ms`,
          )
        )[0];
        return last?.failed === calls && last.early === 0 ? last : undefined;
      },
      { timeoutMs: 15_000, what: () => `every call failed and none early in InfluxDB (last seen ${JSON.stringify(last)})` },
    );
    expect(stored).toMatchObject({
      attempts: calls,
      answered: 0,
      failed: calls,
      cancelled: sipp.successful,
      user_failures: calls,
      active: 0,
    });
    // answered = attempts − failed − unanswered, with cancelled among the failed
    expect(stored.answered).toBe((stored.attempts as number) - (stored.failed as number) - (stored.early as number));
    expect(stored.cancelled as number).toBeLessThanOrEqual(stored.failed as number);
  });
});
