// Fuzzing the SNMP code that reads bytes from the network:
// - the poller's response path (net-snmp's decoder, then convertVarbind and the walk checks in
//   session.ts), over real UDP, against an agent that answers each request with a damaged response:
//   either framing intact and the varbinds mutated (so decoding goes deep), or the whole datagram
//   mutated. Each poll must end, in its timeout, with values of the documented types or an SnmpError;
// - the simulator's BER request decoder and its whole request handler, fed mutated requests in
//   process: a result or an Error, never a crash, and the agent still answers properly afterwards.
import dgram from 'node:dgram';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeRequest,
  encodeInt,
  encodeOid,
  encodeResponse,
  PDU,
  TAG,
  tlv,
  varbind,
  type SnmpRequest,
} from '../collector/src/inputs/snmp/sim/ber.js';
import { SnmpSimulator } from '../collector/src/inputs/snmp/sim/agent.js';
import { SnmpClient, SnmpError, type SnmpTarget, type Varbind } from '../collector/src/inputs/snmp/session.js';
import { mutated, mutationOf, runs } from './support/fuzz.js';

const RECORDING = join(import.meta.dirname, '../../shared/fixtures/snmprec/librenms_ios_c3560.snmprec');
const SNMP_ERROR = /^SNMP (timeout|agent|invalid|transport|auth) from 127\.0\.0\.1:\d+ for [\d.]*: \S/;
/** What the simulator's decoder throws: its own message, saying what was wrong with the bytes. */
const BER_ERROR =
  /^BER: (truncated|expected tag 0x[0-9a-f]+, got 0x[0-9a-f]+|length too long|integer of \d+ bytes|empty OID|OID sub-identifier (cut short|too large))$/;
const TYPES = new Set(['integer', 'octets', 'oid', 'ip', 'counter32', 'gauge32', 'timeticks', 'counter64', 'opaque', 'null', 'boolean']);

/** A value of any SNMP type, some well formed and some not (wrong lengths, odd tags). */
const valueBer = fc.oneof(
  fc.integer().map((n) => encodeInt(TAG.integer, n)),
  fc.uint8Array({ maxLength: 40 }).map((b) => tlv(TAG.octets, Buffer.from(b))),
  fc
    .constantFrom(TAG.counter32, TAG.gauge32, TAG.timeticks, TAG.counter64, TAG.ip, TAG.opaque)
    .chain((tag) => fc.uint8Array({ maxLength: 12 }).map((b) => tlv(tag, Buffer.from(b)))),
  fc.constantFrom(TAG.noSuchObject, TAG.noSuchInstance, TAG.endOfMibView, TAG.null).map((tag) => tlv(tag, Buffer.alloc(0))),
  fc.array(fc.nat({ max: 100_000 }), { minLength: 2, maxLength: 12 }).map((parts) => encodeOid(`1.3.${parts.join('.')}`)),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 16 })).map(([tag, b]) => tlv(tag, Buffer.from(b))),
);

function isVarbind(vb: Varbind | undefined): boolean {
  if (vb === undefined) return true;
  if (typeof vb.oid !== 'string' || !TYPES.has(vb.type)) return false;
  if (typeof vb.value === 'number') return Number.isFinite(vb.value);
  return typeof vb.value === 'bigint' || typeof vb.value === 'string';
}

describe('SNMP poller against an agent answering damaged responses', () => {
  const agent = dgram.createSocket('udp4');
  const client = new SnmpClient(1);
  let respond: (request: SnmpRequest) => Buffer | undefined = () => undefined;
  let target: SnmpTarget;

  beforeAll(async () => {
    agent.on('message', (msg, rinfo) => {
      const response = respond(decodeRequest(msg));
      if (response) agent.send(response, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => agent.bind(0, '127.0.0.1', resolve));
    target = { host: '127.0.0.1', port: agent.address().port, version: '2c', community: 'fuzz', timeoutMs: 60, retries: 0 };
  });
  afterAll(() => {
    client.close();
    agent.close();
  });

  const oids = ['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.2.2.1.10.1'];

  it('GET: values of the documented types or an SnmpError, every time, within the timeout', async () => {
    const outcomes = { values: 0, errors: new Map<string, number>() };
    await fc.assert(
      fc.asyncProperty(
        fc.array(valueBer, { minLength: 1, maxLength: 4 }),
        mutationOf(),
        fc.boolean(),
        async (values, mutate, keepFraming) => {
          respond = (request) => {
            const varbinds = request.oids.map((oid, i) => varbind(encodeOid(oid), values[i % values.length]!));
            // Framing kept: only the varbind list is damaged, so net-snmp matches the request id and decodes deeper.
            return keepFraming ? encodeResponse(request, [mutate(Buffer.concat(varbinds))]) : mutate(encodeResponse(request, varbinds));
          };
          const started = Date.now();
          try {
            const result = await client.get(target, oids);
            expect(result).toHaveLength(oids.length);
            for (const vb of result)
              expect(
                isVarbind(vb),
                JSON.stringify(vb, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
              ).toBe(true);
            outcomes.values++;
          } catch (error) {
            expect(error).toBeInstanceOf(SnmpError);
            expect((error as Error).message).toMatch(SNMP_ERROR);
            const kind = (error as SnmpError).kind;
            outcomes.errors.set(kind, (outcomes.errors.get(kind) ?? 0) + 1);
          }
          expect(Date.now() - started).toBeLessThan(5000);
        },
      ),
      runs(150),
    );
    // The damage reached past the framing: some answers decoded, some were refused, some never matched a request.
    expect(outcomes.values).toBeGreaterThan(0);
    expect(outcomes.errors.get('timeout') ?? 0).toBeGreaterThan(0);
    expect((outcomes.errors.get('invalid') ?? 0) + (outcomes.errors.get('agent') ?? 0)).toBeGreaterThan(0);
  });

  it('walk (GETBULK): ends with rows or an SnmpError even when every answer is damaged the same way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(valueBer, { minLength: 1, maxLength: 6 }), mutationOf(), async (values, mutate) => {
        respond = (request) => {
          const rows = values.map((v, i) => varbind(encodeOid(`${request.oids[0]}.${i + 1}`), v));
          return encodeResponse(request, [mutate(Buffer.concat(rows))]);
        };
        try {
          const rows = await client.walk(target, '1.3.6.1.2.1.2.2.1.2', 10, 1000);
          for (const vb of rows) expect(isVarbind(vb)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(SnmpError);
          expect((error as Error).message).toMatch(SNMP_ERROR);
        }
      }),
      runs(100),
    );
  });
});

function request(pduType: number, community: string, requestId: number, oids: readonly string[]): Buffer {
  const varbinds = oids.map((oid) => varbind(encodeOid(oid), tlv(TAG.null, Buffer.alloc(0))));
  const pdu = tlv(
    pduType,
    Buffer.concat([
      encodeInt(TAG.integer, requestId),
      encodeInt(TAG.integer, 0),
      encodeInt(TAG.integer, 10),
      tlv(TAG.sequence, Buffer.concat(varbinds)),
    ]),
  );
  return tlv(TAG.sequence, Buffer.concat([encodeInt(TAG.integer, 1), tlv(TAG.octets, Buffer.from(community)), pdu]));
}

describe('SNMP simulator fed damaged requests', () => {
  const sim = new SnmpSimulator({ files: [RECORDING], advance: false });
  const community = 'librenms_ios_c3560';
  const validRequests = fc
    .tuple(
      fc.constantFrom(PDU.get, PDU.getNext, PDU.getBulk),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.constantFrom('1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.2.2.1', '1.3.6.1.2.1.31.1.1.1.6.1', '1.3'),
    )
    .map(([pdu, id, oid]) => request(pdu, community, id, [oid]));

  it('the BER decoder returns a request or throws its own "BER: …" error (never a TypeError or RangeError), for any bytes', () => {
    let decoded = 0;
    const refused = new Map<string, number>();
    fc.assert(
      fc.property(validRequests.chain(mutated), (bytes) => {
        try {
          const r = decodeRequest(bytes);
          expect(Number.isFinite(r.version) && Number.isFinite(r.requestId) && Array.isArray(r.oids)).toBe(true);
          decoded++;
        } catch (error) {
          // The class is checked by name: a TypeError from reading past the buffer is also an Error.
          expect((error as Error).constructor.name, String((error as Error).stack)).toBe('Error');
          expect((error as Error).message).toMatch(BER_ERROR);
          const reason = (error as Error).message.replace(/0x[0-9a-f]+|\d+/g, 'N');
          refused.set(reason, (refused.get(reason) ?? 0) + 1);
        }
      }),
      runs(4000),
    );
    expect(decoded).toBeGreaterThan(0);
    // Damage past the end of the datagram is the commonest refusal.
    expect(refused.get('BER: truncated') ?? 0).toBeGreaterThan(0);
  });

  it('the agent answers or ignores each damaged request, never throws, and still answers a good one afterwards', () => {
    const good = request(PDU.get, community, 42, ['1.3.6.1.2.1.1.5.0']);
    const reference = sim.handle(good, 0)!;
    fc.assert(
      fc.property(validRequests.chain(mutated), (bytes) => {
        const answer = sim.handle(bytes, 0);
        expect(answer === undefined || Buffer.isBuffer(answer)).toBe(true);
      }),
      runs(4000),
    );
    expect(sim.handle(good, 0)).toEqual(reference);
  });
});
