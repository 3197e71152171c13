import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../lib/test-logger.js';
import { LiveHub } from '../outputs/live/hub.js';
import { LiveStore } from '../outputs/live/store.js';
import type { SelfCheck } from '../pipeline/self-checks.js';
import { ApiServer } from './server.js';

describe('/healthz', () => {
  const store = new LiveStore();
  const hub = new LiveHub(store, 4);
  let checks: SelfCheck[] = [];
  const server = new ApiServer({
    host: '127.0.0.1',
    port: 0,
    tokens: [{ name: 'wall', role: 'read', token: 'healthz-test-token-0001' }],
    maxUpdatesPerSecond: 4,
    store,
    hub,
    selfChecks: () => checks,
    registry: new Registry(),
    log: memoryLogger().log,
    version: 'test',
  });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  const get = async () => {
    const response = await fetch(`${server.url}/healthz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('answers 200 whatever the checks say (liveness), with the worst status, the reasons and each check', async () => {
    checks = [
      { name: 'influx_write', status: 'ok' },
      { name: 'influx_spool', status: 'ok', value: 0 },
    ];
    expect(await get()).toEqual({
      status: 200,
      body: {
        status: 'ok',
        version: 'test',
        uptimeS: expect.any(Number),
        reasons: [],
        checks: [
          { name: 'influx_write', status: 'ok' },
          { name: 'influx_spool', status: 'ok' },
        ],
      },
    });
    const since = Date.parse('2026-11-28T10:00:00Z');
    checks = [
      {
        name: 'influx_write',
        status: 'degraded',
        since,
        reason: 'InfluxDB not taking writes for 5 min (ECONNREFUSED); points wait in the spool',
      },
      { name: 'influx_spool', status: 'ok', value: 0.2 },
    ];
    expect(await get()).toMatchObject({
      status: 200,
      body: {
        status: 'degraded',
        reasons: ['InfluxDB not taking writes for 5 min (ECONNREFUSED); points wait in the spool'],
        checks: [
          { name: 'influx_write', status: 'degraded', since: '2026-11-28T10:00:00.000Z' },
          { name: 'influx_spool', status: 'ok' },
        ],
      },
    });
    checks = [checks[0]!, { name: 'influx_spool', status: 'failing', reason: 'InfluxDB spool full' }];
    const failing = await get();
    expect(failing.status).toBe(200);
    expect(failing.body).toMatchObject({
      status: 'failing',
      reasons: [expect.stringMatching(/^InfluxDB not taking/), 'InfluxDB spool full'],
    });
  });
});
