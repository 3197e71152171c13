// @vitest-environment node
// A trap storm and hostile datagrams against a running collector. The packets are real: each is
// what Debian's snmptrap put on the wire (captured once), then replayed 5,000 times as fast as a
// separate process can send them from one source address. The receiver stays responsive, every
// trap is accounted for in /metrics (applied or superseded, none unexplained), and every
// interface ends in the state of the last trap sent about it. Then random, truncated and
// bit-flipped datagrams: all counted, none fatal, and the next real trap still works.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../collector/src/devstack/process.js';
import {
  COMMUNITY,
  V3,
  linkTrapArgs,
  links,
  promValue,
  snmpCommand,
  startTrapBench,
  type TrapBench,
} from '../collector/src/inputs/snmp-trap/testing.js';

const ROUTER = '127.0.0.2';
const INTERFACES = 40;
const TRAPS = 5000;
const interfaces = Array.from({ length: INTERFACES }, (_, i) => ({ ifIndex: i + 1, ifName: `Gi0/${i}`, speedBps: 1e9 }));

let bench: TrapBench;
/** Real snmptrap datagrams: `${kind}:${ifIndex}` → bytes. */
const captured = new Map<string, Buffer>();

/** What snmptrap sends for each (options, trap arguments), captured on a socket of ours. */
async function capture(jobs: readonly { options: string[]; trap: string[] }[]): Promise<Buffer[]> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  const packets: Buffer[] = [];
  socket.on('message', (msg) => packets.push(msg));
  try {
    for (const [k, job] of jobs.entries()) {
      const result = await snmpCommand('snmptrap', [...job.options, `127.0.0.1:${port}`, ...job.trap]);
      expect(result.code, result.stderr).toBe(0);
      await waitFor(() => packets.length === k + 1, { timeoutMs: 2000, what: 'the captured datagram' });
    }
  } finally {
    socket.close();
  }
  return packets;
}

/** Sends the datagrams from another process, bound to `from`, back to back. */
async function blast(packets: readonly Buffer[], from: string, port: number): Promise<void> {
  const file = join(mkdtempSync(join(tmpdir(), 'callboard-trap-storm-')), 'packets.json');
  writeFileSync(file, JSON.stringify(packets.map((p) => p.toString('base64'))));
  const script = `
    const dgram = require('node:dgram');
    const packets = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8')).map((p) => Buffer.from(p, 'base64'));
    const s = dgram.createSocket('udp4');
    s.bind(0, ${JSON.stringify(from)}, () => {
      let done = 0;
      for (const p of packets) s.send(p, ${port}, '127.0.0.1', (e) => { if (e) throw e; if (++done === packets.length) s.close(); });
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code, stderr).toBe(0);
}

/** Datagrams the kernel dropped for the socket bound to this UDP port (receive buffer full): /proc/net/udp's last column. */
function kernelDrops(port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const line = readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .find((l) => l.trim().split(/\s+/)[1]?.endsWith(`:${hexPort}`));
  return line ? Number(line.trim().split(/\s+/).at(-1)) : 0;
}

const metric = (name: string, labels: Record<string, string>) => promValue(bench, name, { input: 'traps', ...labels });

beforeAll(async () => {
  bench = await startTrapBench({ routerHost: ROUTER, interfaces, snmpInterval: '5s' });
  const jobs = interfaces.flatMap((i) => (['linkDown', 'linkUp'] as const).map((kind) => ({ kind, ifIndex: i.ifIndex })));
  const packets = await capture([
    ...jobs.map((j) => ({ options: ['-v', '2c', '-c', COMMUNITY], trap: linkTrapArgs(j.kind, j.ifIndex) })),
    {
      options: ['-v', '3', '-l', 'authPriv', '-u', V3.user, '-a', 'SHA', '-A', V3.authKey, '-x', 'AES', '-X', V3.privKey],
      trap: linkTrapArgs('linkDown', 1),
    },
  ]);
  jobs.forEach((j, k) => captured.set(`${j.kind}:${j.ifIndex}`, packets[k]!));
  captured.set('v3', packets.at(-1)!);
}, 60_000);

afterAll(async () => {
  await bench?.stop();
});

describe('trap storm and hostile datagrams', () => {
  it(`${TRAPS} traps from one source: API responsive, every trap accounted for in /metrics, final state of every interface right`, async () => {
    // A fixed pseudo-random sequence of downs and ups over the 40 interfaces.
    let seed = 20261125;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sequence = Array.from({ length: TRAPS }, (_, k) => ({
      ifIndex: (k % INTERFACES) + 1,
      kind: random() < 0.5 ? 'linkDown' : 'linkUp',
    }));
    const finalState = new Map(sequence.map((s) => [s.ifIndex, s.kind === 'linkDown' ? 'down' : 'ok']));

    const receivedBefore = await metric('callboard_snmp_traps_received_total', { version: '2c' });
    const storm = blast(
      sequence.map((s) => captured.get(`${s.kind}:${s.ifIndex}`)!),
      ROUTER,
      bench.trapPort,
    );
    // The API keeps answering while the storm is processed.
    const answers: number[] = [];
    const probing = (async () => {
      for (let i = 0; i < 10; i++) {
        const started = performance.now();
        const response = await fetch(`${bench.api}/healthz`);
        expect(response.status).toBe(200);
        answers.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await Promise.all([storm, probing]);
    console.log(`/healthz during the storm: ${answers.map((ms) => ms.toFixed(1)).join(', ')} ms`);
    expect(answers).toHaveLength(10);
    expect(Math.max(...answers)).toBeLessThan(5000);

    await waitFor(async () => (await metric('callboard_snmp_traps_received_total', { version: '2c' })) - receivedBefore === TRAPS, {
      timeoutMs: 10_000,
      // A shortfall is explained by the kernel's own count when the socket buffer overflowed.
      what: () => `all ${TRAPS} traps received (kernel dropped ${kernelDrops(bench.trapPort)} for a full receive buffer)`,
    });
    await waitFor(async () => (await metric('callboard_snmp_traps_held', {})) === 0, {
      timeoutMs: 10_000,
      what: 'the storm limiter to release every held event',
    });
    const applied =
      (await metric('callboard_snmp_trap_events_total', { event: 'linkDown' })) +
      (await metric('callboard_snmp_trap_events_total', { event: 'linkUp' }));
    const superseded = await metric('callboard_snmp_traps_dropped_total', { reason: 'rate_limited' });
    console.log(
      `storm: kernel drops ${kernelDrops(bench.trapPort)}, ${TRAPS} received, ${applied} applied, ${superseded} superseded by a newer trap for the same interface`,
    );
    expect(superseded).toBeGreaterThan(0);
    expect(applied + superseded).toBe(TRAPS);
    expect(await metric('callboard_snmp_traps_dropped_total', { reason: 'overflow' })).toBe(0);

    const byId = new Map((await links(bench)).map((l) => [l.id, l.state]));
    for (const [ifIndex, state] of finalState) expect(byId.get(`interface:rtr1/Gi0/${ifIndex - 1}`), `Gi0/${ifIndex - 1}`).toBe(state);
  }, 60_000);

  it('random, truncated and bit-flipped datagrams are counted, never fatal; the receiver keeps working', async () => {
    const linkDown = captured.get('linkDown:1')!;
    const v3 = captured.get('v3')!;
    const hostile: Buffer[] = [];
    // Every prefix of a real v2c and a real v3 authPriv trap.
    for (let n = 0; n < linkDown.length; n++) hostile.push(linkDown.subarray(0, n));
    for (let n = 0; n < v3.length; n++) hostile.push(v3.subarray(0, n));
    // Random bytes, and real traps with random bytes changed.
    hostile.push(...fc.sample(fc.uint8Array({ minLength: 0, maxLength: 1400 }), { seed: 42, numRuns: 1500 }).map((a) => Buffer.from(a)));
    for (const [k, flips] of fc
      .sample(fc.array(fc.tuple(fc.nat(linkDown.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), {
        seed: 7,
        numRuns: 1500,
      })
      .entries()) {
      const copy = Buffer.from(k % 3 === 0 ? v3 : k % 3 === 1 ? linkDown : captured.get('linkUp:2')!);
      for (const [at, xor] of flips) copy[at % copy.length]! ^= xor;
      hostile.push(copy);
    }
    // BER lengths that claim more than there is.
    hostile.push(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), Buffer.from([0x30, 0x82, 0x10, 0x00, 0x02, 0x01, 0x01]));

    const before = await Promise.all(
      ['malformed', 'unauthorized', 'unsupported', 'auth_failed', 'unknown_source'].map((reason) =>
        metric('callboard_snmp_traps_dropped_total', { reason }),
      ),
    );
    const datagramsBefore = await metric('callboard_snmp_trap_datagrams_total', {});
    await blast(hostile, ROUTER, bench.trapPort);
    // Every datagram read and handled; then still answering, still receiving: a real linkDown after the garbage is applied.
    await waitFor(async () => (await metric('callboard_snmp_trap_datagrams_total', {})) - datagramsBefore === hostile.length, {
      timeoutMs: 30_000,
      what: () => `all ${hostile.length} hostile datagrams read (kernel dropped ${kernelDrops(bench.trapPort)})`,
    });
    expect((await fetch(`${bench.api}/healthz`)).status).toBe(200);
    await snmpCommand('snmptrap', [
      '-v',
      '2c',
      '-c',
      COMMUNITY,
      `--clientaddr=${ROUTER}`,
      bench.trapTarget,
      ...linkTrapArgs('linkDown', 40),
    ]);
    await waitFor(async () => (await links(bench)).find((l) => l.id === 'interface:rtr1/Gi0/39')?.state === 'down', {
      timeoutMs: 5000,
      what: 'a real trap applied after the garbage',
    });
    const after = await Promise.all(
      ['malformed', 'unauthorized', 'unsupported', 'auth_failed', 'unknown_source'].map((reason) =>
        metric('callboard_snmp_traps_dropped_total', { reason }),
      ),
    );
    const rejected = after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0);
    console.log(
      `hostile: ${hostile.length} datagrams, ${rejected} counted as rejected (malformed ${after[0]! - before[0]!}); the rest decoded as traps`,
    );
    expect(after[0]! - before[0]!).toBeGreaterThan(linkDown.length / 2);
  }, 60_000);
});
