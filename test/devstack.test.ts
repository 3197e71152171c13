// @vitest-environment node
// The devstack against the real services it starts: influxd 1.6.7, Kamailio 5.6.3 and
// SIPp 3.6.1 gateways and callers, all on random loopback ports. Every number asserted
// here comes from an independent side: SIPp's own statistics, Kamailio's evapi events,
// Kamailio's dialog counters.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundSocketsOfGroup } from '../collector/src/devstack/bound-sockets.js';
import { tapEvapi, type CallEvent, type EvapiTap } from '../collector/src/devstack/evapi-tap.js';
import { pingInfluxd, startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { listGateways, startKamailio, waitGatewayState, type Kamailio } from '../collector/src/devstack/kamailio.js';
import { liveGroupMembers } from '../collector/src/devstack/process-groups.js';
import { runningServiceNames } from '../collector/src/devstack/service-registry.js';
import { runUac, startUas, type Uas } from '../collector/src/devstack/sipp.js';

async function influxQuery(url: string, q: string, db?: string): Promise<unknown> {
  const params = new URLSearchParams({ q, ...(db ? { db } : {}) });
  const response = await fetch(`${url}/query?${params}`, { method: 'POST' });
  expect(response.status).toBe(200);
  return response.json();
}

function expectLoopbackOnly(pgid: number): void {
  const sockets = boundSocketsOfGroup(pgid);
  expect(sockets.length).toBeGreaterThan(0);
  expect(sockets.filter((s) => s.address !== '127.0.0.1')).toEqual([]);
}

type DialogStats = Record<'processed' | 'failed' | 'active' | 'early' | 'expired', number>;

async function dialogStats(k: Kamailio): Promise<DialogStats> {
  // stats.fetch answers strings: {"dialog.active_dialogs":"0",...}
  const raw = await k.rpc<Record<string, string>>('stats.fetch', ['dialog:']);
  const n = (name: string): number => Number(raw[`dialog.${name}_dialogs`]);
  return { processed: n('processed'), failed: n('failed'), active: n('active'), early: n('early'), expired: n('expired') };
}

describe('devstack influxd', () => {
  let influxd: Influxd | undefined;
  afterAll(async () => {
    await influxd?.stop();
  });

  it('starts on loopback, keeps its data and port across a restart and a SIGKILL', async () => {
    influxd = await startInfluxd();
    expect(influxd.url).toBe(`http://127.0.0.1:${influxd.port}`);
    expect(await pingInfluxd(influxd.url)).toBe(true);
    expectLoopbackOnly(influxd.handle.pid);
    expect(boundSocketsOfGroup(influxd.handle.pid).map((s) => s.port).sort()).toEqual([influxd.port, influxd.rpcPort].sort());

    await influxQuery(influxd.url, 'CREATE DATABASE devstack');
    const write = await fetch(`${influxd.url}/write?db=devstack&precision=s`, { method: 'POST', body: 'probe,host=rtr1 v=42i 1700000000' });
    expect(write.status).toBe(204);
    const probeValues = async (): Promise<unknown[]> => {
      const body = (await influxQuery(influxd!.url, 'SELECT v FROM probe', 'devstack')) as {
        results: Array<{ series?: Array<{ values: unknown[][] }> }>;
      };
      return (body.results[0]?.series?.[0]?.values ?? []).map((row) => row[1]);
    };
    expect(await probeValues()).toEqual([42]);

    const firstPid = influxd.handle.pid;
    await influxd.restart();
    expect(influxd.handle.pid).not.toBe(firstPid);
    expect(liveGroupMembers(firstPid)).toEqual([]);
    expect(await probeValues()).toEqual([42]);

    await influxd.kill9();
    expect(influxd.handle.exitStatus).toBe('SIGKILL');
    await influxd.restart(); // data came back from the WAL
    expect(await probeValues()).toEqual([42]);

    const { dir, handle } = influxd;
    await influxd.stop();
    influxd = undefined;
    expect(liveGroupMembers(handle.pid)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('devstack Kamailio + SIPp', () => {
  let kamailio: Kamailio | undefined;
  let gwA: Uas | undefined;
  let gwB: Uas | undefined;
  let tap: EvapiTap | undefined;

  beforeAll(async () => {
    [gwA, gwB] = await Promise.all([startUas({ name: 'gw-a' }), startUas({ name: 'gw-b' })]);
    kamailio = await startKamailio({
      gateways: [
        { name: 'trunk-a', port: gwA.port, duid: 'gw-a' },
        { name: 'trunk-b', port: gwB.port, duid: 'gw-b' },
      ],
      pingIntervalS: 2,
    });
    tap = await tapEvapi(kamailio.evapiPort);
    // gateways start "active" before any probe answered; calls before that could hit a dead one
    await Promise.all([waitGatewayState(kamailio, gwA.uri, 'AP', 15_000), waitGatewayState(kamailio, gwB.uri, 'AP', 15_000)]);
  });

  afterAll(async () => {
    await tap?.close();
    const handles = [kamailio?.handle, gwA?.handle, gwB?.handle];
    await Promise.allSettled([kamailio?.stop(), gwA?.stop(), gwB?.stop()]);
    for (const handle of handles) if (handle) expect(liveGroupMembers(handle.pid)).toEqual([]);
    expect(runningServiceNames().filter((n) => /kamailio|sipp/.test(n))).toEqual([]);
  });

  it('40 calls at 20 cps, 4 to busy numbers: SIPp, evapi and the dialog counters agree', async () => {
    const k = kamailio!;
    const started = Date.now() / 1000;
    const sipp = await runUac({ target: `127.0.0.1:${k.sipPort}`, calls: 40, busyEvery: 10, rateCps: 20, holdMs: 1000 });

    // SIPp's own view: a 486 is an unexpected message for the UAC scenario, hence exit code 1
    expect(sipp).toMatchObject({ created: 40, successful: 36, failed: 4, failedByReason: { UnexpectedMessage: 4 }, exitCode: 1 });

    await tap!.waitForCounts({ call_attempt: 40, call_answered: 36, call_ended: 36, call_failed: 4 }, 10_000);
    await sleep(500); // anything extra (a duplicate event) would arrive now
    const events = tap!.events;
    const of = (name: CallEvent['event']) => events.filter((e) => e.event === name);
    expect(tap!.malformed).toEqual([]);
    expect([of('call_attempt').length, of('call_answered').length, of('call_ended').length, of('call_failed').length]).toEqual([40, 36, 36, 4]);

    // one attempt per call; every call either answered-and-ended or failed, never both
    const attempts = new Set(of('call_attempt').map((e) => e.callid));
    const answered = new Map(of('call_answered').map((e) => [e.callid, e]));
    const ended = new Map(of('call_ended').map((e) => [e.callid, e]));
    const failed = new Map(of('call_failed').map((e) => [e.callid, e]));
    expect(attempts.size).toBe(40);
    expect([...ended.keys()].sort()).toEqual([...answered.keys()].sort());
    expect([...answered.keys(), ...failed.keys()].sort()).toEqual([...attempts].sort());

    // SIPp's Call-ID is "<call number>-<pid>@<ip>": the busy calls are numbers 10, 20, 30, 40
    expect([...failed.keys()].map((id) => Number(id.split('-')[0])).sort((a, b) => a - b)).toEqual([10, 20, 30, 40]);
    expect([...failed.values()].map((e) => e.code)).toEqual([486, 486, 486, 486]);

    const gateways = [gwA!.uri, gwB!.uri];
    const finished = Date.now() / 1000;
    for (const e of events) {
      expect(Object.keys(e)).toEqual(
        e.event === 'call_attempt' ? ['event', 'ts', 'callid'] : e.event === 'call_failed' ? ['event', 'ts', 'callid', 'code'] : ['event', 'ts', 'callid', 'gw'],
      );
      expect(e.ts).toBeGreaterThanOrEqual(started - 1);
      expect(e.ts).toBeLessThanOrEqual(finished + 1);
    }
    for (const [callid, answer] of answered) {
      const end = ended.get(callid)!;
      expect(gateways).toContain(answer.gw);
      expect(end.gw).toBe(answer.gw);
      expect(end.ts - answer.ts).toBeGreaterThan(0.9); // hold time 1 s
    }
    // round robin over the two gateways
    expect(new Set([...answered.values()].map((e) => e.gw)).size).toBe(2);

    expect(await dialogStats(k)).toEqual({ processed: 40, failed: 4, active: 0, early: 0, expired: 0 });
  });

  it('binds nothing outside 127.0.0.1', () => {
    for (const service of [kamailio!, gwA!, gwB!]) expectLoopbackOnly(service.handle.pid);
    const kamailioPorts = boundSocketsOfGroup(kamailio!.handle.pid).map((s) => `${s.proto}:${s.port}`);
    expect(new Set(kamailioPorts)).toEqual(new Set([`udp:${kamailio!.sipPort}`, `tcp:${kamailio!.httpPort}`, `tcp:${kamailio!.evapiPort}`]));
  });

  it('a gateway whose UAS stops turns IP in dispatcher.list; the other stays AP', async () => {
    await gwB!.stop();
    await waitGatewayState(kamailio!, gwB!.uri, 'IP', 15_000);
    const flags = Object.fromEntries((await listGateways(kamailio!)).map((t) => [t.name, t.flags]));
    expect(flags).toEqual({ 'trunk-a': 'AP', 'trunk-b': 'IP' });
  });

  it('with every gateway down, a call gets a stateful 503 that dialog:failed and the counters see', async () => {
    await gwA!.stop();
    await waitGatewayState(kamailio!, gwA!.uri, 'IP', 15_000);
    const before = await dialogStats(kamailio!);
    const failedBefore = tap!.count('call_failed');

    const sipp = await runUac({ target: `127.0.0.1:${kamailio!.sipPort}`, calls: 1, rateCps: 1, holdMs: 100 });
    expect(sipp).toMatchObject({ created: 1, successful: 0, failed: 1, exitCode: 1 });

    await tap!.waitForCounts({ call_failed: failedBefore + 1 }, 5000);
    const attempt = tap!.events.filter((e) => e.event === 'call_attempt').at(-1)!;
    const failure = tap!.events.filter((e) => e.event === 'call_failed').at(-1)!;
    expect(failure).toMatchObject({ callid: attempt.callid, code: 503 });
    expect(await dialogStats(kamailio!)).toEqual({ ...before, processed: before.processed + 1, failed: before.failed + 1 });
  });

  it('kill9 then restart: same ports, answering again', async () => {
    const k = kamailio!;
    const oldPid = k.handle.pid;
    await k.kill9();
    expect(liveGroupMembers(oldPid)).toEqual([]);
    await expect(k.rpc('core.version')).rejects.toThrow();

    await k.restart();
    expect(k.handle.pid).not.toBe(oldPid);
    expect(await k.rpc<string>('core.version')).toMatch(/^kamailio 5\.6\.3/);
    const reconnected = await tapEvapi(k.evapiPort);
    await reconnected.close();
    expect(await dialogStats(k)).toEqual({ processed: 0, failed: 0, active: 0, early: 0, expired: 0 });
  });
});
