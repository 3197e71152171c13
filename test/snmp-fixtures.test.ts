// Every shared snmprec recording, served by the simulator and polled the way `callboard poll`
// polls, against LibreNMS's expected JSON beside it: interfaces, CPUs, memory pools and IP SLA
// entries (count, names, values where LibreNMS stores values).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pollDevice } from '../collector/src/inputs/snmp/poll-device.js';
import { pollResultJson } from '../collector/src/inputs/snmp/poll-json.js';
import { SnmpClient } from '../collector/src/inputs/snmp/session.js';
import { SNMPREC_DIR, useSnmpSimulator } from './support/snmp-sim.js';

const files = readdirSync(SNMPREC_DIR)
  .filter((f) => f.endsWith('.snmprec'))
  .sort();

interface LibreNmsPort {
  ifIndex: number;
  ifName: string | null;
  ifDescr: string | null;
  ifInOctets: number;
  ifOutOctets: number;
  ifOperStatus: string | null;
}

const client = new SnmpClient(2);
const simulator = useSnmpSimulator({ files: files.map((f) => join(SNMPREC_DIR, f)), advance: false }, () => client.close());

async function poll(name: string) {
  const outcome = await pollDevice(
    client,
    { host: '127.0.0.1', port: simulator.port, version: '2c', community: name, timeoutMs: 2000, retries: 1 },
    ['auto'],
    { profileState: {} },
  );
  // What `callboard poll --json` prints, parsed back: the JSON contract itself is under test.
  return { ...JSON.parse(pollResultJson(outcome.result)), errors: outcome.errors };
}

describe('simulated recordings vs LibreNMS expectations', () => {
  it('serves every recording', () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
  });

  for (const file of files) {
    const name = file.replace(/\.snmprec$/, '');
    const jsonFile = join(SNMPREC_DIR, `${name}.json`);
    it(`${name}`, async () => {
      const got = await poll(name);
      expect(got.errors).toEqual([]);
      expect(got.device.sysObjectID).toMatch(/^1\.3\.6\.1\.4\.1\./);
      if (!existsSync(jsonFile)) {
        // Full walks without expectations: the poll works and finds the interfaces recorded.
        expect(got.interfaces.length).toBeGreaterThan(0);
        return;
      }
      const expected = JSON.parse(readFileSync(jsonFile, 'utf8'));
      const ports: LibreNmsPort[] | undefined = expected.ports?.poller?.ports ?? expected.ports?.discovery?.ports;
      if (ports) {
        const byIndex = new Map(got.interfaces.map((i: { ifIndex: number }) => [i.ifIndex, i]));
        // LibreNMS drops some interfaces by its ignore rules; every one it keeps must be ours, equal.
        expect(got.interfaces.length).toBeGreaterThanOrEqual(ports.length);
        for (const p of ports) {
          const mine = byIndex.get(p.ifIndex) as
            { ifName: string; ifDescr: string; counters: Record<string, { value: number | string }> } | undefined;
          expect(mine, `ifIndex ${p.ifIndex}`).toBeDefined();
          if (p.ifName) expect(mine!.ifName).toBe(p.ifName);
          if (p.ifDescr) expect(mine!.ifDescr).toBe(p.ifDescr);
          if (p.ifInOctets) expect(BigInt(mine!.counters.inOctets!.value)).toBe(BigInt(p.ifInOctets));
          if (p.ifOutOctets) expect(BigInt(mine!.counters.outOctets!.value)).toBe(BigInt(p.ifOutOctets));
        }
      }
      const cpm = (expected.processors?.discovery?.processors ?? []).filter((p: { processor_type: string }) => p.processor_type === 'cpm');
      expect(got.cpu.length).toBe(cpm.length);
      for (const p of cpm) {
        // cpmCoreTable rows are indexed <cpu>.<core>; cpmCPUTotalTable rows by <cpu>.
        const parts = p.processor_oid.startsWith('.1.3.6.1.4.1.9.9.109.1.1.2.') ? 2 : 1;
        const index = p.processor_oid.split('.').slice(-parts).join('.');
        const mine = got.cpu.find((c: { index: string }) => c.index === index);
        expect(mine, p.processor_descr).toBeDefined();
        expect(mine.load5mPct).toBe(p.processor_usage);
      }
      const pools = (expected.mempools?.discovery?.mempools ?? []).filter((m: { mempool_type: string }) =>
        ['cmp', 'cemp', 'cpm'].includes(m.mempool_type),
      );
      expect(got.memory.length).toBe(pools.length);
      for (const m of pools) {
        const mine = got.memory.find((x: { index: string }) => x.index === m.mempool_index);
        expect(mine, m.mempool_descr).toBeDefined();
        expect(mine.source).toBe(m.mempool_type);
        expect(mine.usedBytes).toBe(m.mempool_used);
        expect(mine.freeBytes).toBe(m.mempool_free);
        expect(Math.round(mine.usedPct)).toBe(m.mempool_perc);
      }
      const slas = expected.slas?.discovery?.slas ?? [];
      expect(got.ipsla.length).toBe(slas.length);
      for (const s of slas) {
        const mine = got.ipsla.find((x: { index: number }) => x.index === s.sla_nr);
        expect(mine, `sla ${s.sla_nr}`).toMatchObject({ tag: s.tag, type: s.rtt_type, rttMs: s.rtt, adminStatus: s.status });
      }
    });
  }

  it('reads active calls per protocol from the ISR 4321 voice gateway', async () => {
    const got = await poll('librenms_iosxe_isr4321');
    expect(got.voice).toMatchObject({ source: 'cvCallVolConnActiveConnection', activeCalls: 2, byProtocol: { sip: 2, h323: 0 } });
  });
});
