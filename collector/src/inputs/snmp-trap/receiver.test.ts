import { describe, expect, it } from 'vitest';
import { freePort } from '../../devstack/ports.js';
import { TrapReceiver, classify, type RejectReason } from './receiver.js';
import { snmpCommand } from './testing.js';
import type { ReceivedTrap } from './translate.js';

describe('TrapReceiver', () => {
  it('decodes a v2c trap from snmptrap; an exception thrown while handling it is contained and counted', async () => {
    const port = await freePort('udp');
    const traps: ReceivedTrap[] = [];
    const rejects: [RejectReason, string | undefined, string][] = [];
    let fail = false;
    const receiver = new TrapReceiver(
      { host: '127.0.0.1', port, communities: ['c0mmunity'], users: [], receiveBufferBytes: 1 << 20 },
      {
        onTrap: (trap) => {
          if (fail) throw new Error('handler bug');
          traps.push(trap);
          return true;
        },
        onReject: (...args) => void rejects.push(args),
        onDatagram() {},
        onSocketError: (error) => {
          throw error;
        },
      },
    );
    await receiver.start();
    try {
      const send = () =>
        snmpCommand('snmptrap', [
          '-v',
          '2c',
          '-c',
          'c0mmunity',
          `127.0.0.1:${port}`,
          '',
          '1.3.6.1.6.3.1.1.5.3',
          '1.3.6.1.2.1.2.2.1.1.4',
          'i',
          '4',
        ]);
      expect((await send()).code).toBe(0);
      await expect.poll(() => traps.length).toBe(1);
      expect(traps[0]).toMatchObject({ version: '2c', pdu: 'trap', source: '127.0.0.1' });
      expect(traps[0]!.varbinds.slice(1)).toEqual([
        { oid: '1.3.6.1.6.3.1.1.4.1.0', type: 'oid', value: '1.3.6.1.6.3.1.1.5.3' },
        { oid: '1.3.6.1.2.1.2.2.1.1.4', type: 'integer', value: 4 },
      ]);
      fail = true;
      expect((await send()).code).toBe(0);
      await expect.poll(() => rejects.length).toBe(1);
      expect(rejects[0]).toEqual(['malformed', '127.0.0.1', 'handler bug']);
    } finally {
      await receiver.stop();
    }
  });

  it('refuses to start on a port already taken, naming it', async () => {
    const port = await freePort('udp');
    const handlers = { onTrap: () => true, onReject() {}, onDatagram() {}, onSocketError() {} };
    const first = new TrapReceiver({ host: '127.0.0.1', port, communities: ['x'], users: [], receiveBufferBytes: 65536 }, handlers);
    await first.start();
    try {
      const second = new TrapReceiver({ host: '127.0.0.1', port, communities: ['x'], users: [], receiveBufferBytes: 65536 }, handlers);
      await expect(second.start()).rejects.toThrow(`cannot listen for traps on 127.0.0.1:${port}`);
      await second.stop();
    } finally {
      await first.stop();
    }
  });

  it.each([
    [{ name: 'ProcessingError', message: 'Failure to process incoming message' }, 'malformed'],
    [{ name: 'RequestFailedError', message: 'Local community not found for message with community x' }, 'unauthorized'],
    [{ name: 'RequestFailedError', message: 'Local user not found for message with user x' }, 'unauthorized'],
    [
      {
        name: 'ResponseInvalidError',
        message: 'Authentication digest 00 received in message does not match digest 11 calculated for message',
      },
      'auth_failed',
    ],
    [{ name: 'ResponseInvalidError', message: 'Failed to decrypt PDU: Error: bad decrypt' }, 'auth_failed'],
    [{ name: 'RequestInvalidError', message: 'Unexpected PDU type 160 (GetRequest)' }, 'unsupported'],
  ])('classifies net-snmp error %o as %s', (error, reason) => {
    expect(classify(Object.assign(new Error(error.message), { name: error.name }))).toBe(reason);
  });
});

describe('TrapReceiver and unauthenticated SNMPv3', () => {
  it('refuses a v3 noAuthNoPriv trap with an empty user name (net-snmp would let it through)', async () => {
    const { TAG, encodeInt, encodeOid, encodeUnsigned, tlv, varbind } = await import('../snmp/sim/ber.js');
    const octets = (b: Buffer | string) => tlv(TAG.octets, Buffer.isBuffer(b) ? b : Buffer.from(b));
    const engine = Buffer.from('8000000001020304', 'hex');
    const usm = tlv(
      TAG.sequence,
      Buffer.concat([octets(engine), encodeInt(TAG.integer, 0), encodeInt(TAG.integer, 0), octets(''), octets(''), octets('')]),
    );
    const varbinds = tlv(
      TAG.sequence,
      Buffer.concat([
        varbind(encodeOid('1.3.6.1.2.1.1.3.0'), encodeUnsigned(TAG.timeticks, 100n)),
        varbind(encodeOid('1.3.6.1.6.3.1.1.4.1.0'), encodeOid('1.3.6.1.6.3.1.1.5.3')),
        varbind(encodeOid('1.3.6.1.2.1.2.2.1.1.1'), encodeInt(TAG.integer, 1)),
      ]),
    );
    const pdu = tlv(0xa7, Buffer.concat([encodeInt(TAG.integer, 1234), encodeInt(TAG.integer, 0), encodeInt(TAG.integer, 0), varbinds]));
    const message = tlv(
      TAG.sequence,
      Buffer.concat([
        encodeInt(TAG.integer, 3),
        tlv(
          TAG.sequence,
          Buffer.concat([encodeInt(TAG.integer, 99), encodeInt(TAG.integer, 65507), octets(Buffer.from([0])), encodeInt(TAG.integer, 3)]),
        ),
        octets(usm),
        tlv(TAG.sequence, Buffer.concat([octets(engine), octets(''), pdu])),
      ]),
    );
    const port = await freePort('udp');
    const traps: ReceivedTrap[] = [];
    const rejects: RejectReason[] = [];
    const receiver = new TrapReceiver(
      {
        host: '127.0.0.1',
        port,
        communities: [],
        users: [
          { user: 'noc', level: 'authPriv', authProtocol: 'sha', authKey: 'auth-key-123', privProtocol: 'aes', privKey: 'priv-key-123' },
        ],
        receiveBufferBytes: 65536,
      },
      { onTrap: (t) => traps.push(t) > 0, onReject: (reason) => void rejects.push(reason), onDatagram() {}, onSocketError() {} },
    );
    await receiver.start();
    const { createSocket } = await import('node:dgram');
    const sender = createSocket('udp4');
    try {
      sender.send(message, port, '127.0.0.1');
      await expect.poll(() => rejects).toEqual(['unauthorized']);
      expect(traps).toEqual([]);
    } finally {
      sender.close();
      await receiver.stop();
    }
  });
});
