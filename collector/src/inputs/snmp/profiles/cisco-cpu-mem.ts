// CISCO-PROCESS-MIB CPU load (per core where the router has cpmCoreTable) and memory pools from
// CISCO-ENHANCED-MEMPOOL-MIB, else CISCO-MEMORY-POOL-MIB, else the per-CPU memory of
// CISCO-PROCESS-MIB: the same precedence LibreNMS applies, so a pool is never counted twice.
import type { CpuSample, MemoryPoolSample } from '../poll-result.js';
import { num, str, walkColumns, type Profile, type ProfileOutput, type Reader } from './profile.js';

const CPM = '1.3.6.1.4.1.9.9.109.1.1.1.1';
export const CPU_COLUMNS = {
  physicalIndex: `${CPM}.2`,
  total5sec: `${CPM}.3`,
  total1min: `${CPM}.4`,
  total5min: `${CPM}.5`,
  total5secRev: `${CPM}.6`,
  total1minRev: `${CPM}.7`,
  total5minRev: `${CPM}.8`,
  memoryUsedKb: `${CPM}.12`,
  memoryFreeKb: `${CPM}.13`,
  memoryHcUsedKb: `${CPM}.17`,
  memoryHcFreeKb: `${CPM}.19`,
} as const;
const CORE = '1.3.6.1.4.1.9.9.109.1.1.2.1';
export const CORE_COLUMNS = { core5sec: `${CORE}.3`, core1min: `${CORE}.4`, core5min: `${CORE}.5` } as const;
export const CMP_COLUMNS = {
  name: '1.3.6.1.4.1.9.9.48.1.1.1.2',
  used: '1.3.6.1.4.1.9.9.48.1.1.1.5',
  free: '1.3.6.1.4.1.9.9.48.1.1.1.6',
  largestFree: '1.3.6.1.4.1.9.9.48.1.1.1.7',
} as const;
const CEMP = '1.3.6.1.4.1.9.9.221.1.1.1.1';
export const CEMP_COLUMNS = { name: `${CEMP}.3`, used: `${CEMP}.7`, free: `${CEMP}.8`, largestFree: `${CEMP}.10`, hcUsed: `${CEMP}.18`, hcFree: `${CEMP}.20` } as const;
const ENT_PHYSICAL_NAME = '1.3.6.1.2.1.47.1.1.1.1.7';

const pct = (used: number, free: number) => (used + free > 0 ? Math.round((10_000 * used) / (used + free)) / 100 : 0);

async function physicalNames(reader: Reader, indexes: number[]): Promise<Map<number, string>> {
  const wanted = [...new Set(indexes.filter((i) => i > 0))];
  if (wanted.length === 0) return new Map();
  const names = await reader.get(wanted.map((i) => `${ENT_PHYSICAL_NAME}.${i}`));
  return new Map(wanted.map((i, k) => [i, str(names[k]) ?? ''] as const).filter(([, n]) => n !== ''));
}

export const ciscoCpuMemProfile: Profile = {
  name: 'cisco-cpu-mem',
  description: 'Cisco CPU load (cpmCPUTotal 5 s / 1 min / 5 min, Rev columns preferred; per core where present) and memory pools.',
  appliesTo: (d) => d.vendor === 'cisco',
  async poll(reader): Promise<ProfileOutput> {
    const [totals, cores, cemp, cmp] = await Promise.all([
      walkColumns(reader, CPU_COLUMNS),
      walkColumns(reader, CORE_COLUMNS),
      walkColumns(reader, CEMP_COLUMNS),
      walkColumns(reader, CMP_COLUMNS),
    ]);
    const physical = await physicalNames(reader, [...totals.values()].map((r) => num(r.get('physicalIndex')) ?? 0));
    const cpu: CpuSample[] = [];
    for (const [index, row] of totals) {
      const name = physical.get(num(row.get('physicalIndex')) ?? 0) ?? `Processor ${index}`;
      const coreRows = [...cores].filter(([k]) => k.startsWith(`${index}.`));
      if (coreRows.length > 0) {
        for (const [coreIndex, core] of coreRows) {
          cpu.push({ index: coreIndex, name: `${name}: Core ${coreIndex.slice(index.length + 1)}`, load5sPct: num(core.get('core5sec')), load1mPct: num(core.get('core1min')), load5mPct: num(core.get('core5min')) });
        }
        continue;
      }
      cpu.push({
        index,
        name,
        load5sPct: num(row.get('total5secRev')) ?? num(row.get('total5sec')),
        load1mPct: num(row.get('total1minRev')) ?? num(row.get('total1min')),
        load5mPct: num(row.get('total5minRev')) ?? num(row.get('total5min')),
      });
    }
    const memory: MemoryPoolSample[] = [];
    if (cemp.size > 0) {
      for (const [index, row] of cemp) {
        const used = num(row.get('hcUsed')) ?? num(row.get('used'));
        const free = num(row.get('hcFree')) ?? num(row.get('free'));
        if (used === undefined || free === undefined) continue;
        memory.push({ index, name: str(row.get('name')) ?? index, source: 'cemp', usedBytes: used, freeBytes: free, usedPct: pct(used, free), largestFreeBytes: num(row.get('largestFree')) });
      }
    } else if (cmp.size > 0) {
      for (const [index, row] of cmp) {
        const used = num(row.get('used'));
        const free = num(row.get('free'));
        if (used === undefined || free === undefined) continue;
        memory.push({ index, name: str(row.get('name')) ?? index, source: 'cmp', usedBytes: used, freeBytes: free, usedPct: pct(used, free), largestFreeBytes: num(row.get('largestFree')) });
      }
    } else {
      for (const [index, row] of totals) {
        const usedKb = num(row.get('memoryHcUsedKb')) ?? num(row.get('memoryUsedKb'));
        const freeKb = num(row.get('memoryHcFreeKb')) ?? num(row.get('memoryFreeKb'));
        if (usedKb === undefined || freeKb === undefined) continue;
        const name = `${physical.get(num(row.get('physicalIndex')) ?? 0) ?? `Processor ${index}`} Memory`;
        memory.push({ index, name, source: 'cpm', usedBytes: usedKb * 1024, freeBytes: freeKb * 1024, usedPct: pct(usedKb, freeKb) });
      }
    }
    return { cpu, memory };
  },
};
