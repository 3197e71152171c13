// Fuzzing the HTTP API and the /live WebSocket of a running ApiServer over real sockets: random
// methods, paths, query strings, headers and bodies (well-formed HTTP), damaged raw requests, random
// upgrade requests, and random or invalid WebSocket frames after a good upgrade. Every request must
// be answered with a known status and, when the API answers, the documented error shape
// {error, code}; nothing may crash the server, hang a connection, or answer 5xx; and after all of
// it the server still serves a normal client.
import { connect, type Socket } from 'node:net';
import fc from 'fast-check';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiServer } from '../collector/src/api/server.js';
import { memoryLogger } from '../collector/src/lib/test-logger.js';
import { LiveHub } from '../collector/src/outputs/live/hub.js';
import { LiveStore } from '../collector/src/outputs/live/store.js';
import { mutated, runs } from './support/fuzz.js';

const WALL = 'fuzz-wall-token-0001';
const ADMIN = 'fuzz-admin-token-0002';
/** Every status the API and Node's HTTP parser may give a bad request; any other (5xx above all) is a failure. */
const KNOWN = new Set([101, 200, 204, 400, 401, 403, 404, 413, 414, 415, 426, 429, 431]);
const ANSWER_WITHIN_MS = 5000;

const store = new LiveStore();
const hub = new LiveHub(store, 5);
const { log } = memoryLogger();
const server = new ApiServer({
  host: '127.0.0.1',
  port: 0,
  tokens: [
    { name: 'wall', role: 'read', token: WALL },
    { name: 'admin', role: 'admin', token: ADMIN },
  ],
  // The rate limiter has its own test; here it must not hide what the routes answer.
  rateLimit: { perMinute: 1_000_000, burst: 1_000_000 },
  maxBodyBytes: 4096,
  maxUpdatesPerSecond: 5,
  store,
  hub,
  registry: new Registry(),
  log,
  version: 'fuzz',
});
let port = 0;

beforeAll(async () => {
  await store.start();
  hub.start();
  await server.start();
  port = Number(new URL(server.url).port);
  store.write([{ measurement: 'softswitch_calls', tags: { switch: 'ss1' }, fields: { active: 3 }, time: Date.now() }]);
});
afterAll(async () => {
  await server.stop();
  hub.stop();
  await store.stop();
});

interface RawAnswer {
  status?: number;
  headers: string;
  body: string;
  closedMs: number;
}

/** Writes bytes, half-closes, and collects what comes back until the server closes; fails on a hang. */
function exchange(bytes: Buffer, keepOpenMs = 0): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no answer and no close within ${ANSWER_WITHIN_MS} ms for ${JSON.stringify(bytes.toString('latin1').slice(0, 300))}`),
      );
    }, ANSWER_WITHIN_MS);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset is an answer too: the server refused the connection's bytes
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      resolve({
        status: status === undefined ? undefined : Number(status),
        headers: head,
        body: rest.join('\r\n\r\n'),
        closedMs: Date.now() - started,
      });
    });
    socket.write(bytes, () => (keepOpenMs ? setTimeout(() => socket.end(), keepOpenMs) : socket.end()));
  });
}

function checkAnswer(answer: RawAnswer, where: string): void {
  if (answer.status === undefined) return; // closed without an answer: only for requests cut short
  expect(KNOWN, `${where}: HTTP ${answer.status}`).toContain(answer.status);
  const isJson = /content-type: application\/json/i.test(answer.headers);
  // A HEAD answer has the headers of the GET one and no body.
  if (answer.status >= 400 && isJson && !where.startsWith('HEAD ')) {
    // Only the first answer: bytes after a request whose length was damaged are read as a second request.
    const length = Number(/content-length: (\d+)/i.exec(answer.headers)?.[1]);
    const body = JSON.parse(Buffer.from(answer.body.slice(0, length), 'latin1').toString('utf8')) as { error?: unknown; code?: unknown };
    expect(typeof body.error, where).toBe('string');
    expect(body.code, where).toMatch(/^CALLBOARD_[A-Z_]+$/);
  }
}

const token = fc.constantFrom(
  '',
  `Bearer ${WALL}`,
  `Bearer ${ADMIN}`,
  'Bearer ',
  'Bearer x',
  `Basic ${WALL}`,
  `bearer ${ADMIN}`,
  `Bearer ${ADMIN}${ADMIN}`,
);
const pathPart = fc.oneof(
  fc.constantFrom(
    'api',
    'v1',
    'snapshot',
    'links',
    'targets',
    'milestones',
    'days',
    'trunk-groups',
    'admin',
    'config',
    'live',
    'healthz',
    'metrics',
    '..',
    '.',
    '',
    '%2e%2e',
    '%00',
    '%',
    '%zz',
    '%ff',
    ';',
    '*',
  ),
  fc.string({ maxLength: 12, unit: 'grapheme-ascii' }).map((s) => encodeURIComponent(s)),
  fc.string({ maxLength: 8 }).map((s) => s.replace(/[\s#?]/g, '')),
);
const query = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(
        fc.constantFrom(
          'measurements',
          'top',
          'day',
          'from',
          'to',
          'access_token',
          'x',
          'top[]',
          'day[a]',
          '__proto__',
          'constructor[prototype]',
        ),
        fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('-1', '1e309', '2026-02-30', '2026-11-25', 'NaN', WALL, '%', '%zz')),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v.replace(/[\s#]/g, '')}`).join('&')}`),
);
const headerValue = fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n\0]/g, ''));
const headers = fc.array(
  fc.tuple(
    fc.constantFrom(
      'Content-Type',
      'Origin',
      'Accept',
      'X-Forwarded-For',
      'Cookie',
      'Upgrade',
      'Connection',
      'Transfer-Encoding',
      'Content-Encoding',
      'X-Fuzz',
    ),
    headerValue,
  ),
  { maxLength: 4 },
);
const body = fc.oneof(
  fc.constant(''),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{"a":', '[[[[[[[[[[', 'null', '"\\ud800"', '{"__proto__":{"polluted":1}}', 'x'.repeat(5000)),
);

describe('HTTP API fed random requests', () => {
  it('well-formed HTTP with random method, path, query, headers, token and body: a known status, the error shape, no 5xx', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND'),
        fc.oneof(
          fc
            .array(pathPart, { minLength: 0, maxLength: 5 })
            .chain((parts) => fc.boolean().map((api) => `${api ? '/api/v1/' : '/'}${parts.join('/')}`)),
          fc.constantFrom(
            '/healthz',
            '/metrics',
            '/api/v1/snapshot',
            '/api/v1/links',
            '/api/v1/targets',
            '/api/v1/admin/config',
            '/api/v1/milestones',
          ),
        ),
        query,
        headers,
        token,
        body,
        async (method, route, q, extra, auth, content) => {
          const path = `${route}${q}`;
          const payload = Buffer.from(content, 'utf8');
          const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...(auth ? [`Authorization: ${auth}`] : [])];
          for (const [name, value] of extra)
            if (!/^(transfer-encoding|content-encoding)$/i.test(name) || value === '') lines.push(`${name}: ${value}`);
          lines.push(`Content-Length: ${payload.length}`);
          const answer = await exchange(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]));
          expect(answer.status, `${method} ${path}: no answer`).toBeDefined();
          checkAnswer(answer, `${method} ${path}`);
          statuses.set(answer.status!, (statuses.get(answer.status!) ?? 0) + 1);
        },
      ),
      runs(500),
    );
    // The fuzzer reached past authentication and into the routes, not just the front door.
    for (const status of [200, 401, 404])
      expect(statuses.get(status) ?? 0, `HTTP ${status} among ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
  });

  it('damaged raw requests: an answer or a close, never a hang, never 5xx', async () => {
    const good = Buffer.from(
      `POST /api/v1/snapshot?measurements=a HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WALL}\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}`,
    );
    await fc.assert(
      fc.asyncProperty(mutated(good), async (bytes) => {
        checkAnswer(await exchange(bytes), JSON.stringify(bytes.toString('latin1').slice(0, 200)));
      }),
      runs(300),
    );
  });

  it('random WebSocket upgrade requests: 101 only for a good one, a known refusal otherwise', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/live', '/live?measurements=a,b', `/live?access_token=${WALL}`, '/elsewhere', '//[', '/live/../live', '/%zz'),
        fc.constantFrom('13', '8', '', 'x'),
        fc.constantFrom('dGhlIHNhbXBsZSBub25jZQ==', '', 'short', '=='.repeat(40)),
        fc.constantFrom('websocket', 'WebSocket', 'h2c', ''),
        token,
        fc.constantFrom('', 'callboard.v1', `callboard.v1, bearer.${WALL}`, 'bearer.', ',,,'),
        async (path, version, key, upgrade, auth, protocols) => {
          const lines = [
            `GET ${path} HTTP/1.1`,
            'Host: 127.0.0.1',
            `Upgrade: ${upgrade}`,
            'Connection: Upgrade',
            `Sec-WebSocket-Version: ${version}`,
            `Sec-WebSocket-Key: ${key}`,
          ];
          if (auth) lines.push(`Authorization: ${auth}`);
          if (protocols) lines.push(`Sec-WebSocket-Protocol: ${protocols}`);
          const answer = await exchange(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), 20);
          checkAnswer(answer, `upgrade ${path}`);
        },
      ),
      runs(200),
    );
  });
});

/** An upgraded, authenticated raw socket: what a hostile WebSocket client can send bytes into. */
async function upgradedSocket(): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    `GET /live HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer ${WALL}\r\n\r\n`,
  );
  const head = await new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))));
  expect(head).toMatch(/^HTTP\/1\.1 101 /);
  return socket;
}

function frame(opcode: number, payload: Buffer, options: { fin?: boolean; masked?: boolean; rsv?: number }): Buffer {
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (opcode & 0x0f);
  const mask = options.masked === false ? undefined : Buffer.from([1, 2, 3, 4]);
  const len = payload.length;
  const lenBytes =
    len < 126
      ? Buffer.from([len])
      : len < 65536
        ? Buffer.from([126, len >> 8, len & 255])
        : Buffer.from([127, 0, 0, 0, 0, len >>> 24, (len >> 16) & 255, (len >> 8) & 255, len & 255]);
  lenBytes[0] = lenBytes[0]! | (mask ? 0x80 : 0);
  const body = mask ? Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!)) : payload;
  return Buffer.concat([Buffer.from([first]), lenBytes, ...(mask ? [mask] : []), body]);
}

describe('/live fed random frames', () => {
  it('frames of any opcode, size, flags and masking, or raw bytes: the server ignores or closes, never crashes or hangs', async () => {
    const closes = { closed: 0, open: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc
              .record({
                opcode: fc.integer({ min: 0, max: 15 }),
                payload: fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.constant(new Uint8Array(5000))),
                fin: fc.boolean(),
                masked: fc.boolean(),
                rsv: fc.integer({ min: 0, max: 7 }),
              })
              .map((f) => frame(f.opcode, Buffer.from(f.payload), f)),
            fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        async (frames) => {
          const socket = await upgradedSocket();
          const closed = new Promise<boolean>((resolve) => {
            socket.once('close', () => resolve(true));
            setTimeout(() => resolve(false), 300);
          });
          socket.write(Buffer.concat(frames));
          if (await closed) closes.closed++;
          else {
            // Still open: the bytes were valid frames (ignored) or a frame not yet complete; our close must end it.
            closes.open++;
            socket.end();
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error('server kept a half-closed /live socket open')), ANSWER_WITHIN_MS);
              socket.once('close', () => (clearTimeout(timer), resolve()));
            });
          }
        },
      ),
      runs(150),
    );
    expect(closes.closed).toBeGreaterThan(0);
  });

  it('after all of it, a normal client still gets hello and snapshot, and the HTTP API still answers', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/live`, ['callboard.v1'], { headers: { authorization: `Bearer ${WALL}` } });
    const messages: Array<{ type: string }> = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    for (let i = 0; i < 100 && messages.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(messages.map((m) => m.type).slice(0, 2)).toEqual(['hello', 'snapshot']);
    ws.close();
    const snapshot = await fetch(`http://127.0.0.1:${port}/api/v1/snapshot`, { headers: { authorization: `Bearer ${WALL}` } });
    expect(snapshot.status).toBe(200);
  });
});
