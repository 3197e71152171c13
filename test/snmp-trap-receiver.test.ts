// @vitest-environment node
// The snmp-trap input against Debian's real senders (snmptrap, snmpinform): a linkDown for a
// polled router's interface turns its link down within 1 s in /api/v1/links and on ws /live,
// linkUp brings it back, informs are acknowledged, v3 authPriv is accepted from the configured
// user and a wrong key is rejected and counted, and strangers are counted and dropped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLive } from '../collector/src/api/live-client.js';
import { waitFor } from '../collector/src/devstack/process.js';
import {
  COMMUNITY,
  TOKEN,
  V3,
  linkTrapArgs,
  links,
  promValue,
  snmpCommand,
  startTrapBench,
  v3Options,
  type TrapBench,
} from '../collector/src/inputs/snmp-trap/testing.js';

const ROUTER = '127.0.0.2';
const STRANGER = '127.0.0.9';
const interfaces = [
  { ifIndex: 1, ifName: 'Gi0/0', speedBps: 1e9 },
  { ifIndex: 2, ifName: 'Gi0/1', speedBps: 1e9 },
  { ifIndex: 3, ifName: 'Se0/0/0', speedBps: 1_544_000 },
];

let bench: TrapBench;
const v2c = (from: string) => ['-v', '2c', '-c', COMMUNITY, `--clientaddr=${from}`];
const v3 = (authKey: string) => v3Options(ROUTER, authKey);
/** snmpinform with one try and a 3 s timeout (a lost inform fails the command). */
const inform = (auth: string[], ...trap: string[]) => snmpCommand('snmpinform', [...auth, '-r', '0', '-t', '3', bench.trapTarget, ...trap]);
const link = async (id: string) => (await links(bench)).find((l) => l.id === `interface:${id}`);
const dropped = (reason: string) => promValue(bench, 'callboard_snmp_traps_dropped_total', { input: 'traps', reason });
const events = (event: string) => promValue(bench, 'callboard_snmp_trap_events_total', { input: 'traps', event });

beforeAll(async () => {
  bench = await startTrapBench({
    routerHost: ROUTER,
    interfaces,
    alerting: {
      evaluationInterval: '200ms',
      rules: [{ name: 'interface-down', kind: 'link', match: ['kind=interface'], resolveAfter: '0s' }],
    },
  });
});
afterAll(async () => {
  await bench?.stop();
});

describe('snmp-trap input with real snmptrap / snmpinform', () => {
  it('linkDown (v2c) turns the link down within 1 s in /api/v1/links and on ws /live; linkUp brings it back', async () => {
    const live = await connectLive(bench.api, TOKEN, 'link_health');
    try {
      const sentAt = Date.now();
      const sent = await snmpCommand('snmptrap', [...v2c(ROUTER), bench.trapTarget, ...linkTrapArgs('linkDown', 2)]);
      expect(sent.code, sent.stderr).toBe(0);
      const down = await waitFor(async () => ((await link('rtr1/Gi0/1'))?.state === 'down' ? link('rtr1/Gi0/1') : undefined), {
        timeoutMs: 1000,
        what: 'rtr1/Gi0/1 down in /api/v1/links',
      });
      expect(down).toMatchObject({ kind: 'interface', group: 'nyc-pop1', state: 'down', source: 'trap' });
      expect(down!.reasons).toEqual(['oper down', 'linkDown trap']);
      const topic = 'link_health,group=nyc-pop1,kind=interface,link=rtr1/Gi0/1';
      await waitFor(() => live.values(topic, 'state').includes('down'), { timeoutMs: 1000, what: 'the down state on ws /live' });
      const frame = live.frames.find((f) =>
        ([] as { topic: string; fields: Record<string, unknown> }[])
          .concat(f.message.series ?? [])
          .some((s) => s.topic === topic && s.fields.state === 'down'),
      )!;
      expect(frame.receivedAt - sentAt).toBeLessThan(1000);
      // The other interfaces are untouched: polled, and ok.
      expect(await link('rtr1/Gi0/0')).toMatchObject({ state: 'ok', reasons: [] });
      expect(await link('rtr1/Gi0/0')).not.toHaveProperty('source');

      const up = await snmpCommand('snmptrap', [...v2c(ROUTER), bench.trapTarget, ...linkTrapArgs('linkUp', 2)]);
      expect(up.code, up.stderr).toBe(0);
      await waitFor(async () => (await link('rtr1/Gi0/1'))?.state === 'ok', { timeoutMs: 1000, what: 'rtr1/Gi0/1 ok again' });
      await waitFor(() => live.values(topic, 'state').at(-1) === 'ok', { timeoutMs: 1000, what: 'the ok state on ws /live' });
    } finally {
      live.close();
    }
  });

  it('a trap-reported link state triggers a link alert rule, and the clearing trap resolves it', async () => {
    type Alert = { labels: Record<string, string>; state: string };
    const alert = async () =>
      ((await bench.get('/api/v1/alerts')) as { alerts: Alert[] }).alerts.find((a) => a.labels.link === 'rtr1/Se0/0/0');
    await snmpCommand('snmptrap', [...v2c(ROUTER), bench.trapTarget, ...linkTrapArgs('linkDown', 3)]);
    const firing = await waitFor(async () => ((await alert())?.state === 'firing' ? alert() : undefined), {
      timeoutMs: 3000,
      what: 'the interface-down alert firing',
    });
    expect(firing!.labels).toMatchObject({ alertname: 'interface-down', kind: 'interface', group: 'nyc-pop1' });
    await snmpCommand('snmptrap', [...v2c(ROUTER), bench.trapTarget, ...linkTrapArgs('linkUp', 3)]);
    await waitFor(async () => (await alert())?.state !== 'firing', { timeoutMs: 3000, what: 'the alert no longer firing' });
  });

  it('writes an annotation-friendly snmp_events point per notification', async () => {
    await snmpCommand('snmptrap', [...v2c(ROUTER), bench.trapTarget, ...linkTrapArgs('linkDown', 3)]);
    const event = await waitFor(
      () => bench.collector.store.all(new Set(['snmp_events'])).find((s) => s.tags.event === 'linkDown' && s.tags.object === 'Se0/0/0'),
      { timeoutMs: 2000, what: 'the snmp_events series of the linkDown' },
    );
    expect(event.tags).toMatchObject({ device: 'rtr1', site: 'nyc-pop1', region: 'east', role: 'core', kind: 'interface' });
    expect(event.fields).toMatchObject({
      title: 'linkDown rtr1 Se0/0/0',
      text: 'linkDown Se0/0/0 on rtr1',
      state: 'down',
      link_state: 'down',
      trap_oid: '1.3.6.1.6.3.1.1.5.3',
      source: ROUTER,
      version: '2c',
      inform: false,
      if_index: 3,
    });
    expect(JSON.parse(String(event.fields.varbinds))).toContainEqual({ oid: '1.3.6.1.2.1.2.2.1.8.3', type: 'integer', value: 2 });
    await snmpCommand('snmptrap', [...v2c(ROUTER), bench.trapTarget, ...linkTrapArgs('linkUp', 3)]);
  });

  it('acknowledges a v2c inform (snmpinform exits 0) and applies it', async () => {
    const before = await events('linkDown');
    const result = await inform(v2c(ROUTER), ...linkTrapArgs('linkDown', 1));
    expect(result.code, result.stderr).toBe(0);
    await waitFor(async () => (await link('rtr1/Gi0/0'))?.state === 'down', { timeoutMs: 1000, what: 'the inform applied' });
    expect(await events('linkDown')).toBe(before + 1);
    expect(await promValue(bench, 'callboard_snmp_traps_received_total', { input: 'traps', version: '2c' })).toBeGreaterThan(0);
    await snmpCommand('snmptrap', [...v2c(ROUTER), bench.trapTarget, ...linkTrapArgs('linkUp', 1)]);
  });

  it('accepts v3 authPriv traps and informs from the configured user; rejects and counts a wrong key', async () => {
    const trap = await snmpCommand('snmptrap', [...v3(V3.authKey), bench.trapTarget, ...linkTrapArgs('linkDown', 2)]);
    expect(trap.code, trap.stderr).toBe(0);
    await waitFor(async () => (await link('rtr1/Gi0/1'))?.state === 'down', { timeoutMs: 1000, what: 'the v3 linkDown applied' });
    expect(await promValue(bench, 'callboard_snmp_traps_received_total', { input: 'traps', version: '3' })).toBe(1);

    const acked = await inform(v3(V3.authKey), ...linkTrapArgs('linkUp', 2));
    expect(acked.code, acked.stderr).toBe(0);
    await waitFor(async () => (await link('rtr1/Gi0/1'))?.state === 'ok', { timeoutMs: 1000, what: 'the v3 inform applied' });

    const authFailedBefore = await dropped('auth_failed');
    const wrong = await snmpCommand('snmptrap', [...v3('not-the-key-0000'), bench.trapTarget, ...linkTrapArgs('linkDown', 2)]);
    expect(wrong.code).toBe(0); // a trap is fire-and-forget: the sender cannot know
    await waitFor(async () => (await dropped('auth_failed')) === authFailedBefore + 1, { timeoutMs: 2000, what: 'the wrong key counted' });
    expect((await link('rtr1/Gi0/1'))?.state).toBe('ok');
    // An inform with a wrong key is not acknowledged: the sender sees the failure.
    const wrongInform = await inform(v3('not-the-key-0000'), ...linkTrapArgs('linkDown', 2));
    expect(wrongInform.code).not.toBe(0);
    expect((await link('rtr1/Gi0/1'))?.state).toBe('ok');
  });

  it('counts and drops a wrong community and traps from addresses outside the inventory', async () => {
    const unauthorizedBefore = await dropped('unauthorized');
    await snmpCommand('snmptrap', [
      '-v',
      '2c',
      '-c',
      'guess-public',
      `--clientaddr=${ROUTER}`,
      bench.trapTarget,
      ...linkTrapArgs('linkDown', 1),
    ]);
    await waitFor(async () => (await dropped('unauthorized')) === unauthorizedBefore + 1, {
      timeoutMs: 2000,
      what: 'the wrong community counted',
    });

    const unknownBefore = await dropped('unknown_source');
    await snmpCommand('snmptrap', [...v2c(STRANGER), bench.trapTarget, ...linkTrapArgs('linkDown', 1)]);
    await waitFor(async () => (await dropped('unknown_source')) === unknownBefore + 1, { timeoutMs: 2000, what: 'the stranger counted' });
    expect((await link('rtr1/Gi0/0'))?.state).toBe('ok');
    expect((await links(bench)).filter((l) => l.id.startsWith(STRANGER))).toEqual([]);
  });

  it('SNMPv1 traps: generic linkDown maps to IF-MIB linkDown; an enterprise trap is kept with its raw varbinds', async () => {
    const v1 = ['-v', '1', '-c', COMMUNITY, `--clientaddr=${ROUTER}`, bench.trapTarget];
    const sent = await snmpCommand('snmptrap', [...v1, '1.3.6.1.4.1.9', ROUTER, '2', '0', '', '1.3.6.1.2.1.2.2.1.1.3', 'i', '3']);
    expect(sent.code, sent.stderr).toBe(0);
    await waitFor(async () => (await link('rtr1/Se0/0/0'))?.state === 'down', { timeoutMs: 1000, what: 'the v1 linkDown applied' });
    await snmpCommand('snmptrap', [...v1, '1.3.6.1.4.1.9', ROUTER, '3', '0', '', '1.3.6.1.2.1.2.2.1.1.3', 'i', '3']);
    await waitFor(async () => (await link('rtr1/Se0/0/0'))?.state === 'ok', { timeoutMs: 1000, what: 'the v1 linkUp applied' });

    await snmpCommand('snmptrap', [...v1, '1.3.6.1.4.1.99999', ROUTER, '6', '17', '', '1.3.6.1.4.1.99999.1.1', 's', 'fan tray 2 removed']);
    const unknown = await waitFor(() => bench.collector.store.all(new Set(['snmp_events'])).find((s) => s.tags.event === 'unknown'), {
      timeoutMs: 2000,
      what: 'the unknown trap kept',
    });
    expect(unknown.fields).toMatchObject({ trap_oid: '1.3.6.1.4.1.99999.0.17', version: '1' });
    expect(JSON.parse(String(unknown.fields.varbinds))).toEqual([
      { oid: '1.3.6.1.4.1.99999.1.1', type: 'octets', value: 'fan tray 2 removed' },
    ]);
  });
});
