// SNMPv3 replay protection with real packets: Net-SNMP's snmptrap / snmpinform send through a UDP
// relay that records each datagram, so the very bytes of an accepted trap or inform can be sent
// again. The receiver's clock is injected: the 150 s window passes without waiting for it.
import dgram from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../devstack/ports.js';
import { TrapReceiver, type RejectReason } from './receiver.js';
import { ReplayGuard, readUsmHeader, type UsmHeader } from './replay.js';
import { linkTrapArgs, snmpCommand } from './testing.js';
import type { ReceivedTrap } from './translate.js';

const USER = { user: 'noc', authKey: 'auth-key-5e1d77', privKey: 'priv-key-93ab0c' } as const;
const SENDER_ENGINE = '80001f8880aabbccdd0102';
const RECEIVER_ENGINE = '80001f8880c0ffee0001';
const v3 = ['-v', '3', '-l', 'authPriv', '-u', USER.user, '-a', 'SHA', '-A', USER.authKey, '-x', 'AES', '-X', USER.privKey];
/** A trap from the sender engine with the given engine boots and time (snmptrap -Z). */
const trapAt = (boots: number, time: number) => [...v3, '-e', SENDER_ENGINE, '-Z', `${boots},${time}`];

/** A UDP relay between a sender and the receiver: records what the sender sent and counts the answers it got. */
async function relay(receiverPort: number) {
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  const sent: Buffer[] = [];
  let client: dgram.RemoteInfo | undefined;
  const answers: Buffer[] = [];
  front.on('message', (msg, rinfo) => {
    client = rinfo;
    sent.push(msg);
    back.send(msg, receiverPort, '127.0.0.1');
  });
  back.on('message', (msg) => {
    answers.push(msg);
    if (client) front.send(msg, client.port, client.address);
  });
  await Promise.all([front, back].map((s) => new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve))));
  return {
    target: `127.0.0.1:${front.address().port}`,
    sent,
    answers,
    /** Sends recorded bytes to the receiver again, from the relay (the same source address). */
    replay: (msg: Buffer) => back.send(msg, receiverPort, '127.0.0.1'),
    close: () => [front, back].forEach((s) => s.close()),
  };
}

describe('SNMPv3 replay protection (real snmptrap / snmpinform packets)', () => {
  let receiver: TrapReceiver;
  let proxy: Awaited<ReturnType<typeof relay>>;
  let skewMs = 0;
  const traps: ReceivedTrap[] = [];
  const rejects: { reason: RejectReason; detail: string }[] = [];
  const reasons = () => rejects.map((r) => r.reason);

  beforeEach(async () => {
    skewMs = 0;
    traps.length = 0;
    rejects.length = 0;
    const port = await freePort('udp');
    receiver = new TrapReceiver(
      {
        host: '127.0.0.1',
        port,
        communities: [],
        users: [
          { user: USER.user, level: 'authPriv', authProtocol: 'sha', authKey: USER.authKey, privProtocol: 'aes', privKey: USER.privKey },
        ],
        receiveBufferBytes: 1 << 20,
        engineId: RECEIVER_ENGINE,
        clock: () => performance.now() + skewMs,
      },
      {
        onTrap: (trap) => traps.push(trap) > 0,
        onReject: (reason, _source, detail) => void rejects.push({ reason, detail }),
        onDatagram() {},
        onSocketError: (error) => {
          throw error;
        },
      },
    );
    await receiver.start();
    proxy = await relay(port);
  });
  afterEach(async () => {
    proxy.close();
    await receiver.stop();
  });

  const sendTrap = async (args: string[]) => {
    const result = await snmpCommand('snmptrap', [...args, proxy.target, ...linkTrapArgs('linkDown', 1)]);
    expect(result.code, result.stderr).toBe(0);
  };
  /** Waits until the receiver has handled n datagrams' worth of outcomes (accepted or refused). */
  const outcomes = (n: number) => expect.poll(() => traps.length + rejects.length).toBe(n);

  it('a captured trap sent again is refused as a replay; once the window has passed, as not timely', async () => {
    await sendTrap(trapAt(5, 1000));
    await outcomes(1);
    const captured = proxy.sent.at(-1)!;
    expect(readUsmHeader(captured)).toMatchObject({ engineId: SENDER_ENGINE, boots: 5, time: 1000, user: USER.user });

    proxy.replay(captured);
    await outcomes(2);
    expect(reasons()).toEqual(['replayed']);

    skewMs = 200_000; // the sender's engine is now at about 1200 s
    proxy.replay(captured);
    await outcomes(3);
    expect(reasons()).toEqual(['replayed', 'not_in_time_window']);
    expect(rejects[1]!.detail).toContain(`engine ${SENDER_ENGINE} boots 5 time 1000`);
    expect(traps).toHaveLength(1);
  });

  it('RFC 3414 timeliness of a sender engine: older boots refused, a late time within 150 s taken, beyond it refused', async () => {
    await sendTrap(trapAt(5, 1000));
    await sendTrap(trapAt(5, 900)); // 100 s behind the latest: within the window (UDP may reorder)
    await outcomes(2);
    expect(traps).toHaveLength(2);
    await sendTrap(trapAt(5, 840)); // 160 s behind
    await sendTrap(trapAt(4, 5000)); // an earlier boot, whatever its time
    await outcomes(4);
    expect(reasons()).toEqual(['not_in_time_window', 'not_in_time_window']);

    skewMs = 200_000; // the engine is now at about 1200 s
    await sendTrap(trapAt(5, 1000)); // more than 150 s behind
    await sendTrap(trapAt(5, 1100)); // newer than anything seen: the engine moves forward (7b1), timely
    await sendTrap(trapAt(6, 3)); // the sender rebooted
    await sendTrap(trapAt(5, 1400)); // then its old boots again
    await outcomes(8);
    expect(traps).toHaveLength(4);
    expect(reasons()).toEqual(['not_in_time_window', 'not_in_time_window', 'not_in_time_window', 'not_in_time_window']);
  });

  it('informs: acknowledged once, the replayed inform refused and not acknowledged; our engine time follows the clock', async () => {
    const inform = (extra: string[] = []) =>
      snmpCommand('snmpinform', [...v3, ...extra, '-r', '0', '-t', '2', proxy.target, ...linkTrapArgs('linkUp', 1)]);
    const first = await inform();
    expect(first.code, first.stderr).toBe(0);
    expect(traps).toMatchObject([{ version: '3', pdu: 'inform' }]);
    // Discovery (a report) and the inform's acknowledgement.
    expect(proxy.answers).toHaveLength(2);
    const captured = proxy.sent.at(-1)!;

    proxy.replay(captured);
    await outcomes(2);
    skewMs = 200_000;
    proxy.replay(captured);
    await outcomes(3);
    expect(reasons()).toEqual(['replayed', 'not_in_time_window']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // No acknowledgement: the duplicate got nothing, the untimely one a report of our time (unauthenticated, no user).
    expect(proxy.answers).toHaveLength(3);
    expect(readUsmHeader(proxy.answers[2]!)).toMatchObject({ engineId: RECEIVER_ENGINE, user: '', flags: 0 });
    expect(proxy.answers[2]!.includes(Buffer.from('2b060106030f01010200', 'hex'))).toBe(true); // usmStatsNotInTimeWindows.0

    // 200 s later by our clock, a new inform still goes through: discovery tells the sender our current time.
    const later = await inform();
    expect(later.code, later.stderr).toBe(0);
    expect(traps).toHaveLength(2);

    // A sender configured with our engine ID skips discovery and starts at boots 0, time 0: our report gives it our time.
    const configured = await inform(['-e', RECEIVER_ENGINE]);
    expect(configured.code, configured.stderr).toBe(0);
    expect(traps).toHaveLength(3);
    expect(reasons()).toEqual(['replayed', 'not_in_time_window']);

    // An inform keyed to another engine than ours (no discovery) proves nothing about when it was made.
    const foreign = await inform(['-e', SENDER_ENGINE, '-Z', '1,100', '-t', '1']);
    expect(foreign.code).not.toBe(0);
    expect(reasons().at(-1)).toBe('unknown_engine_id');
    expect(traps).toHaveLength(3);
  });
});

describe('ReplayGuard', () => {
  const local = '80001f8880000000000000000001';
  const at = (boots: number, time: number, mac: string, engineId = 'aa00000000'): UsmHeader => ({
    msgId: 1,
    flags: 3,
    engineId,
    boots,
    time,
    user: 'u',
    mac,
  });
  const guard = (limits = { maxEngines: 10, maxRecentPerEngine: 10 }) =>
    new ReplayGuard({ localEngineId: local, localBoots: 7, startedAtMs: 0, ...limits });

  it('our own engine: only our boots, our time ± 150 s, each message once', () => {
    const g = guard();
    expect(g.localTime(42_999)).toBe(42);
    expect(g.check(at(7, 40, 'm1', local), true, 42_000)).toBe('ok');
    g.accept(at(7, 40, 'm1', local), 42_000);
    expect(g.check(at(7, 40, 'm1', local), true, 43_000)).toBe('replayed');
    expect(g.check(at(7, 40, 'm2', local), true, 43_000)).toBe('ok');
    expect(g.check(at(6, 40, 'm3', local), true, 43_000)).toBe('not_in_time_window');
    expect(g.check(at(7, 193, 'm3', local), true, 43_000)).toBe('ok');
    expect(g.check(at(7, 194, 'm3', local), true, 43_000)).toBe('not_in_time_window');
    expect(g.check(at(7, 40, 'm1', local), true, 191_000)).toBe('not_in_time_window');
    expect(g.check(at(2147483647, 0, 'm1'), false, 0)).toBe('not_in_time_window');
  });

  it('bounded: beyond the per-engine cap the oldest record goes and messages that old are refused; engines are forgotten least recent first', () => {
    const g = guard({ maxEngines: 2, maxRecentPerEngine: 3 });
    for (let t = 100; t < 105; t++) g.accept(at(1, t, `m${t}`), 0);
    // m100 and m101 were dropped from the record: a message from those seconds can no longer be told from a replay.
    expect(g.check(at(1, 101, 'm101'), false, 0)).toBe('not_in_time_window');
    expect(g.check(at(1, 102, 'other'), false, 0)).toBe('ok');
    expect(g.check(at(1, 102, 'm102'), false, 0)).toBe('replayed');
    // Out of the window records go on their own.
    g.accept(at(1, 400, 'm400'), 300_000);
    expect(g.check(at(1, 104, 'm104'), false, 300_000)).toBe('not_in_time_window');

    g.accept(at(1, 1, 'x', 'bb00000000'), 0);
    g.accept(at(1, 1, 'y', 'cc00000000'), 0);
    expect(g.size).toBe(2);
    // The first engine was the least recently accepted: forgotten, its next message is taken as the first one seen.
    expect(g.check(at(1, 0, 'm0'), false, 0)).toBe('ok');
    expect(g.check(at(1, 1, 'x', 'bb00000000'), false, 0)).toBe('replayed');
  });

  it('a notion is per engine and user: another user cannot move it', () => {
    const g = guard();
    g.accept({ ...at(9, 5000, 'a'), user: 'other' }, 0);
    expect(g.check(at(1, 10, 'b'), false, 0)).toBe('ok');
  });
});
