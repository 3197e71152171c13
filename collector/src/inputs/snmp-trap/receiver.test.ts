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
        },
        onReject: (...args) => void rejects.push(args),
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
    const handlers = { onTrap() {}, onReject() {}, onSocketError() {} };
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
