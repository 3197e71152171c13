import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { ApiAuth, authenticate, requireRole } from './auth.js';
import { apiTokens } from './config.js';

const WALL = 'wall-token-abcdef';
const ADMIN = 'admin-token-123456';

function appWith(auth: ApiAuth | undefined) {
  const app = express();
  if (auth) app.use(authenticate(auth));
  app.get('/read', requireRole('read'), (_req, res) => void res.json({ who: res.locals.principal }));
  app.post('/admin', requireRole('admin'), (_req, res) => void res.json({ who: res.locals.principal }));
  return app;
}

async function listen(app: express.Express) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('ApiAuth', () => {
  const auth = new ApiAuth([
    { name: 'noc-wall', role: 'read', token: WALL },
    { name: 'oncall', role: 'admin', token: ADMIN },
  ]);

  it('identifies the token holder by name and role, never by a prefix or an empty token', () => {
    expect(auth.identify(WALL)).toEqual({ name: 'noc-wall', role: 'read' });
    expect(auth.identify(ADMIN)).toEqual({ name: 'oncall', role: 'admin' });
    expect(auth.identify(WALL.slice(0, -1))).toBeUndefined();
    expect(auth.identify('')).toBeUndefined();
    expect(auth.identify(undefined)).toBeUndefined();
  });
});

describe('requireRole', () => {
  const servers: Array<{ server: ReturnType<express.Express['listen']>; base: string }> = [];
  let base = '';
  let openBase = '';
  let bareBase = '';

  beforeAll(async () => {
    const tokens = new ApiAuth([
      { name: 'noc-wall', role: 'read', token: WALL },
      { name: 'oncall', role: 'admin', token: ADMIN },
    ]);
    servers.push(await listen(appWith(tokens)), await listen(appWith(new ApiAuth([]))), await listen(appWith(undefined)));
    [base, openBase, bareBase] = servers.map((s) => s.base) as [string, string, string];
  });
  afterAll(async () => {
    for (const { server } of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const call = async (url: string, method: 'GET' | 'POST', token?: string) => {
    const response = await fetch(url, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, body: await response.json(), challenge: response.headers.get('www-authenticate') };
  };

  it('answers 401 with a Bearer challenge without a valid token', async () => {
    expect(await call(`${base}/read`, 'GET')).toEqual({
      status: 401,
      body: { error: 'unauthorized', code: 'CALLBOARD_AUTH' },
      challenge: 'Bearer realm="callboard"',
    });
    expect((await call(`${base}/admin`, 'POST', 'nope')).status).toBe(401);
  });

  it('lets a wall token read but answers 403 on an admin route', async () => {
    expect(await call(`${base}/read`, 'GET', WALL)).toMatchObject({ status: 200, body: { who: { name: 'noc-wall', role: 'read' } } });
    expect(await call(`${base}/admin`, 'POST', WALL)).toEqual({
      status: 403,
      body: { error: 'this token may only read', code: 'CALLBOARD_FORBIDDEN' },
      challenge: null,
    });
  });

  it('lets an admin token read and administer', async () => {
    expect((await call(`${base}/read`, 'GET', ADMIN)).status).toBe(200);
    expect(await call(`${base}/admin`, 'POST', ADMIN)).toMatchObject({ status: 200, body: { who: { name: 'oncall', role: 'admin' } } });
  });

  it('without tokens reads openly and allows admin only from loopback', async () => {
    expect((await call(`${openBase}/read`, 'GET')).status).toBe(200);
    expect((await call(`${openBase}/admin`, 'POST')).status).toBe(200);
    const remote = new ApiAuth([]).decide({ socket: { remoteAddress: '10.0.0.7' }, headers: {}, url: '/' } as never, 'admin');
    expect(remote).toMatchObject({ ok: false, status: 403, code: 'CALLBOARD_FORBIDDEN' });
  });

  it('fails closed when the app did not install authenticate', async () => {
    expect(await call(`${bareBase}/read`, 'GET', ADMIN)).toMatchObject({ status: 500, body: { code: 'CALLBOARD_AUTH_MISSING' } });
  });
});

describe('api tokens config', () => {
  it('keeps api.token as the admin token named default, beside named tokens with roles', () => {
    process.env.CALLBOARD_TEST_ADMIN = ADMIN;
    process.env.CALLBOARD_TEST_WALL = WALL;
    const config = parseConfig({
      api: { token: { env: 'CALLBOARD_TEST_ADMIN' }, tokens: [{ name: 'noc-wall', role: 'read', token: { env: 'CALLBOARD_TEST_WALL' } }] },
    });
    expect(apiTokens(config.api)).toEqual([
      { name: 'default', role: 'admin', token: ADMIN },
      { name: 'noc-wall', role: 'read', token: WALL },
    ]);
    expect(JSON.stringify(config)).not.toContain(WALL);
  });

  it('reports bad token entries by path', () => {
    process.env.CALLBOARD_TEST_WALL = WALL;
    const token = { env: 'CALLBOARD_TEST_WALL' };
    expect(() =>
      parseConfig({
        api: {
          tokens: [
            { name: 'a', role: 'root', token },
            { name: 'b', role: 'read', token: 'plain' },
          ],
        },
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          'api.tokens[0].role: Invalid option: expected one of "read"|"admin"',
          'api.tokens[1].token: expected {env: NAME} or {file: PATH}; secrets are not written in the config itself',
        ],
      }),
    );
    const duplicate = {
      api: {
        tokens: [
          { name: 'c', role: 'read', token },
          { name: 'c', role: 'admin', token },
        ],
      },
    };
    expect(() => parseConfig(duplicate)).toThrow(expect.objectContaining({ problems: ['api.tokens[1].name: duplicate token name "c"'] }));
    process.env.CALLBOARD_TEST_ADMIN = ADMIN;
    const clash = { api: { token: { env: 'CALLBOARD_TEST_ADMIN' }, tokens: [{ name: 'default', role: 'read', token }] } };
    expect(() => parseConfig(clash)).toThrow(
      expect.objectContaining({ problems: [expect.stringMatching(/^api.tokens: a token named "default" clashes/)] }),
    );
  });
});
