import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertingHarness, removeHarnessDirs, device } from '../alerting/testing/harness.js';
import { createAlertsRouter } from './alerts.js';
import { ApiAuth, authenticate, requireRole } from './auth.js';

const WALL = 'wall-token-abcdef';
const ADMIN = 'admin-token-123456';

async function serve(engine: AlertingHarness['engine'] | undefined): Promise<{ server: Server; base: string }> {
  const app = express();
  app.use(
    authenticate(
      new ApiAuth([
        { name: 'noc-wall', role: 'read', token: WALL },
        { name: 'oncall', role: 'admin', token: ADMIN },
      ]),
    ),
  );
  app.use(express.json());
  app.use('/api/v1', requireRole('read'), createAlertsRouter(engine));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1` };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();
const as = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

describe('alerts and silences API', () => {
  const h = new AlertingHarness({ rules: [{ name: 'iad-down', kind: 'threshold', measurement: 'snmp_device', when: ['up < 1'] }] });
  let api: { server: Server; base: string };
  beforeAll(async () => {
    api = await serve(h.engine);
    await h.run(3000, 1000, (t) => [device(t, 'iad1', { site: 'nyc' }, false)]);
  });
  afterAll(() => {
    api.server.close();
    removeHarnessDirs();
  });

  const post = (token: string, body: object) =>
    fetch(`${api.base}/silences`, { method: 'POST', headers: as(token), body: JSON.stringify(body) });

  it('lists alerts to a read token', async () => {
    const body = await json(await fetch(`${api.base}/alerts`, { headers: as(WALL) }));
    expect(body.alerts).toEqual([
      expect.objectContaining({ rule: 'iad-down', state: 'firing', labels: expect.objectContaining({ device: 'iad1' }) }),
    ]);
    expect((await fetch(`${api.base}/alerts`)).status).toBe(401);
  });

  it('creates silences for admin tokens only, and says what is wrong with a bad one', async () => {
    const good = { matchers: ['site=nyc', 'alertname=~"iad-.*"'], duration: '2h', comment: 'IAD swap at nyc' };
    expect((await post(WALL, good)).status).toBe(403);
    const created = await post(ADMIN, good);
    expect(created.status).toBe(201);
    const silence = await json(created);
    expect(silence).toMatchObject({ createdBy: 'oncall', comment: 'IAD swap at nyc' });
    expect(silence.endsAt - silence.startsAt).toBe(7_200_000);

    const problem = async (body: object) => {
      const res = await post(ADMIN, body);
      expect(res.status).toBe(400);
      return (await json(res)).error as string;
    };
    expect(await problem({ ...good, matchers: ['site'] })).toMatch(/^matchers: expected a matcher/);
    expect(await problem({ ...good, matchers: [] })).toMatch(/at least one matcher/);
    expect(await problem({ ...good, endsAt: '2030-01-01T00:00:00Z' })).toMatch(/exactly one of endsAt or duration/);
    expect(await problem({ matchers: ['site=nyc'], endsAt: '2001-01-01T00:00:00Z', comment: 'x' })).toMatch(
      /endsAt: expected an ISO time after/,
    );
    expect(await problem({ ...good, duration: '400d' })).toMatch(/at most 90 days/);
    expect(await problem({ matchers: ['site=nyc'], duration: '1h' })).toMatch(/^comment: /);

    const list = await json(await fetch(`${api.base}/silences`, { headers: as(WALL) }));
    expect(list.silences.map((s: { id: string; status: string }) => [s.id, s.status])).toEqual([[silence.id, 'active']]);
    expect((await fetch(`${api.base}/silences/${silence.id}`, { method: 'DELETE', headers: as(WALL) })).status).toBe(403);
    const expired = await fetch(`${api.base}/silences/${silence.id}`, { method: 'DELETE', headers: as(ADMIN) });
    expect(expired.status).toBe(200);
    expect((await fetch(`${api.base}/silences/nope`, { method: 'DELETE', headers: as(ADMIN) })).status).toBe(404);
  });

  it('answers 404 when alerting is not configured', async () => {
    const bare = await serve(undefined);
    try {
      const res = await fetch(`${bare.base}/alerts`, { headers: as(WALL) });
      expect(res.status).toBe(404);
      expect((await json(res)).code).toBe('CALLBOARD_NO_ALERTING');
    } finally {
      bare.server.close();
    }
  });
});
