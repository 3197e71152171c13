// Sharding over several collectors: 2 and 4 snmp inputs, each given its shard (K/N) of one
// inventory, poll the simulator together. Every target belongs to exactly one shard, and in each
// cycle every target is polled exactly once across the shards: no overlap, no gap.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../collector/src/config.js';
import { snmpInput, type SnmpInput } from '../collector/src/inputs/snmp/index.js';
import { parseShard, type Shard } from '../collector/src/inputs/snmp/shard.js';
import { memoryLogger } from '../collector/src/lib/test-logger.js';
import type { Metric } from '../collector/src/pipeline/metric.js';
import { IAD_RECORDING, useSnmpSimulator } from './support/snmp-sim.js';

const DEVICES = 120;
const simulator = useSnmpSimulator({ files: [IAD_RECORDING], devices: DEVICES });

function inventory(): { file: string; credentials: Record<string, unknown> } {
  const file = join(mkdtempSync(join(tmpdir(), 'callboard-snmp-shard-')), 'iads.csv');
  const lines = ['device,address,credentials,region,role,wan_if_index'];
  const credentials: Record<string, unknown> = {};
  for (let i = 1; i <= DEVICES; i++) {
    // The simulator tells its clones apart by community.
    process.env[`CALLBOARD_TEST_SHARD_${i}`] = `librenms_linux_opensips-${i}`;
    credentials[`c${i}`] = { community: { env: `CALLBOARD_TEST_SHARD_${i}` } };
    lines.push(`iad-${i},127.0.0.1:${simulator.port},c${i},r${i % 3},iad,2`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, credentials };
}

interface ShardRun {
  input: SnmpInput;
  cycles: Record<string, number>[];
  /** Device → number of answered polls. */
  polled: Map<string, number>;
}

async function runShards(count: number, cyclesWanted: number): Promise<ShardRun[]> {
  const { file, credentials } = inventory();
  const config = snmpInput.configSchema.parse({
    type: 'snmp',
    name: 'iads',
    interval: '1s',
    timeout: '1s',
    retries: 1,
    credentials,
    inventory: file,
  });
  const runs: ShardRun[] = [];
  for (let k = 1; k <= count; k++) {
    const shard: Shard = parseShard(`${k}/${count}`);
    const input = snmpInput.create(config, {
      log: memoryLogger().log,
      stateDir: '/tmp',
      timezone: 'UTC',
      registry: new Registry(),
      flush: async () => {},
      shard,
    }) as SnmpInput;
    runs.push({ input, cycles: [], polled: new Map() });
  }
  await Promise.all(
    runs.map((run) =>
      run.input.start((batch: readonly Metric[]) => {
        for (const m of batch) {
          if (m.measurement === 'snmp_cycle') run.cycles.push(m.fields as Record<string, number>);
          if (m.measurement === 'snmp_device' && m.fields.up === 1)
            run.polled.set(m.tags.device!, (run.polled.get(m.tags.device!) ?? 0) + 1);
        }
      }),
    ),
  );
  const deadline = Date.now() + (cyclesWanted + 4) * 1000;
  while (runs.some((r) => r.cycles.length < cyclesWanted) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await Promise.all(runs.map((r) => r.input.stop()));
  return runs;
}

describe('collectors sharded over one inventory (--shard K/N)', () => {
  for (const count of [2, 4]) {
    it(`${count} shards: every target in exactly one shard, polled exactly once per cycle`, async () => {
      const runs = await runShards(count, 2);
      const owner = new Map<string, number>();
      runs.forEach((run, k) => {
        for (const t of run.input.targets) {
          expect(owner.has(t.id), `${t.id} in two shards`).toBe(false);
          owner.set(t.id, k);
        }
        // A stable hash spreads the devices: no shard is empty or holds most of them.
        expect(run.input.targets.length).toBeGreaterThan(DEVICES / count / 2);
        expect(run.input.targets.length).toBeLessThan((DEVICES / count) * 1.5);
      });
      expect(owner.size).toBe(DEVICES);
      for (const cycle of [0, 1]) {
        let polled = 0;
        for (const run of runs) {
          const stats = run.cycles[cycle]!;
          expect(stats).toMatchObject({
            targets: run.input.targets.length,
            polled: run.input.targets.length,
            ok: run.input.targets.length,
            skipped: 0,
            timeouts: 0,
          });
          polled += stats.polled!;
        }
        expect(polled).toBe(DEVICES);
      }
      // The rows written: each device only by its own shard, at least once per finished cycle.
      runs.forEach((run, k) => {
        for (const [device, n] of run.polled) {
          expect(owner.get(device)).toBe(k);
          expect(n).toBeGreaterThanOrEqual(2);
        }
        expect(run.polled.size).toBe(run.input.targets.length);
      });
    });
  }

  it('takes the shard from the config (`shard: K/N`) and refuses a malformed one', () => {
    expect(parseConfig({ shard: '2/4' }).shard).toEqual({ index: 2, count: 4 });
    expect(() => parseConfig({ shard: '5/4' })).toThrow(/shard: expected K\/N with 1 <= K <= N/);
    expect(() => parseShard('0/2')).toThrow(/got "0\/2"/);
  });
});
