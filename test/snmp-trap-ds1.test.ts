// @vitest-environment node
// The next poll confirms or corrects a trap: the simulated T1 gateway is polled (ds1 profile, 1 s)
// while real snmptrap dsx1LineStatusChange notifications arrive. A trap that agrees with the
// device is confirmed by the poll (the poll's reasons, source no longer `trap`); a trap the device
// contradicts is corrected by the poll after the hold period. Events and state changes reach a real
// InfluxDB (snmp_events as annotations, link_health with the trap's reasons).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Collector } from '../collector/src/app.js';
import { parseConfig } from '../collector/src/config.js';
import { startInfluxd, type Influxd } from '../collector/src/devstack/influxd.js';
import { freePort } from '../collector/src/devstack/ports.js';
import { waitFor } from '../collector/src/devstack/process.js';
import type { Link } from '../collector/src/health/engine.js';
import { SnmpSimulator } from '../collector/src/inputs/snmp/sim/agent.js';
import { COMMUNITY, snmpCommand } from '../collector/src/inputs/snmp-trap/testing.js';
import { createLogger } from '../collector/src/lib/log.js';
import { queryRows } from './support/influx-query.js';

const GATEWAY = '127.0.0.6';
const RECORDING = 'cisco-2811-t1';
const DEVICE = 'gw-tdm-1';
const HOLD_MS = 2000;
const DB = 'callboard_trap_ds1';
const LINE_STATUS = (ifIndex: number) => `1.3.6.1.2.1.10.18.6.1.10.${ifIndex}`;

const sim = new SnmpSimulator({ files: [join(import.meta.dirname, `fixtures/${RECORDING}.snmprec`)], advance: false });
let collector: Collector;
let influxd: Influxd;
let trapPort = 0;

const link = (span: string): Link | undefined => collector.health.links().find((l) => l.id === `ds1:${DEVICE}/${span}`);
const ds1Trap = (ifIndex: number, lineStatus: number) =>
  snmpCommand('snmptrap', [
    '-v',
    '2c',
    '-c',
    COMMUNITY,
    `--clientaddr=${GATEWAY}`,
    `127.0.0.1:${trapPort}`,
    '',
    '1.3.6.1.2.1.10.18.15.0.1',
    LINE_STATUS(ifIndex),
    'i',
    String(lineStatus),
  ]);

beforeAll(async () => {
  influxd = await startInfluxd();
  const port = await sim.start(GATEWAY, 0);
  trapPort = await freePort('udp');
  process.env.CALLBOARD_TRAP_DS1_POLL = RECORDING;
  process.env.CALLBOARD_TRAP_DS1_TRAPS = COMMUNITY;
  const config = parseConfig({
    stateDir: mkdtempSync(join(tmpdir(), 'callboard-trap-ds1-')),
    log: { level: 'warn' },
    api: { port: 0 },
    health: { hold: `${HOLD_MS}ms`, staleAfter: '20s' },
    outputs: { influx: { url: influxd.url, database: DB, flushInterval: '200ms' } },
    inputs: [
      {
        type: 'snmp',
        name: 'tdm',
        interval: '1s',
        credentials: { default: { version: '2c', community: { env: 'CALLBOARD_TRAP_DS1_POLL' } } },
        targets: [{ device: DEVICE, address: `${GATEWAY}:${port}`, site: 'chi-pop2', profiles: 'ds1' }],
      },
      { type: 'snmp-trap', name: 'traps', listen: { port: trapPort }, communities: [{ env: 'CALLBOARD_TRAP_DS1_TRAPS' }] },
    ],
  });
  collector = new Collector(config, createLogger({ level: 'warn' }));
  await collector.start();
  await waitFor(() => collector.health.links().filter((l) => l.kind === 'ds1' && l.state === 'ok').length === 4, {
    timeoutMs: 20_000,
    what: 'four DS1 spans ok',
  });
}, 30_000);

afterAll(async () => {
  await collector?.stop();
  await sim.stop();
  await influxd?.stop();
});

describe('dsx1LineStatusChange traps and the DS1 poll', () => {
  it('a trap the poll contradicts: down at once (source trap), corrected to ok by the poll after the hold', async () => {
    const since = Date.now();
    const sent = await ds1Trap(3, 64); // LOS on T1 0/0/0, which the device does not have
    expect(sent.code, sent.stderr).toBe(0);
    const down = await waitFor(() => (link('T1 0/0/0')?.state === 'down' ? link('T1 0/0/0') : undefined), {
      timeoutMs: 1000,
      what: 'T1 0/0/0 down from the trap',
    });
    expect(down).toMatchObject({ source: 'trap', reasons: ['LOS alarm', 'dsx1LineStatusChange trap'], group: 'chi-pop2' });
    const downAt = Date.now();
    await waitFor(() => link('T1 0/0/0')?.state === 'ok', { timeoutMs: HOLD_MS + 5000, what: 'the poll to correct the trap' });
    expect(Date.now() - downAt).toBeGreaterThanOrEqual(HOLD_MS - 200);
    expect(link('T1 0/0/0')).not.toHaveProperty('source');

    // In InfluxDB: the event as an annotation, and both state changes of the link.
    const events = await waitFor(
      async () => {
        const rows = await queryRows(
          influxd.url,
          DB,
          `SELECT title, "text", state, link_state, "object", site FROM raw.snmp_events WHERE event = 'dsx1LineStatusChange' AND time >= ${since}ms`,
        );
        return rows.length ? rows : undefined;
      },
      { timeoutMs: 5000, what: 'the snmp_events point in InfluxDB' },
    );
    expect(events).toEqual([
      expect.objectContaining({
        title: 'dsx1LineStatusChange gw-tdm-1 T1 0/0/0',
        text: 'DS1 T1 0/0/0 on gw-tdm-1: LOS',
        state: 'LOS',
        link_state: 'down',
        object: 'T1 0/0/0',
        site: 'chi-pop2',
      }),
    ]);
    const changes = await waitFor(
      async () => {
        const rows = await queryRows(
          influxd.url,
          DB,
          `SELECT state, reasons FROM raw.link_health WHERE link = '${DEVICE}/T1 0/0/0' AND time >= ${since}ms`,
        );
        return rows.length === 2 ? rows : undefined;
      },
      { timeoutMs: 5000, what: 'both link_health changes in InfluxDB' },
    );
    expect(changes.map((r) => [r.state, r.reasons])).toEqual([
      ['down', 'LOS alarm; dsx1LineStatusChange trap'],
      ['ok', ''],
    ]);
  });

  it('a trap the poll confirms: the poll restates the state with its own reasons; the clearing trap is taken at once', async () => {
    sim.values.set(RECORDING, LINE_STATUS(4), 64);
    await ds1Trap(4, 64);
    await waitFor(() => link('T1 0/0/1')?.state === 'down', { timeoutMs: 1000, what: 'T1 0/0/1 down' });
    const confirmed = await waitFor(
      () => (link('T1 0/0/1')?.source === undefined && link('T1 0/0/1')?.state === 'down' ? link('T1 0/0/1') : undefined),
      { timeoutMs: 5000, what: 'the poll to confirm the LOS' },
    );
    expect(confirmed.reasons).toEqual(['LOS alarm']);

    sim.values.clear(RECORDING, LINE_STATUS(4));
    await ds1Trap(4, 1); // dsx1NoAlarm
    await waitFor(() => link('T1 0/0/1')?.state === 'ok', {
      timeoutMs: 1000,
      what: 'ok from the clearing trap, without waiting for the hold',
    });
  });
});
