// Data for /api/v1/targets: per SNMP input, the slowest targets of their last poll and the
// unreachable ones. Running inputs register themselves here; the API calls snmpTargetsReport().
import type { PollTarget } from './index.js';
import type { TargetState } from './target-scheduler.js';

interface TargetsSource {
  readonly name: string;
  readonly targets: readonly Pick<PollTarget, 'id' | 'snmp' | 'tags' | 'device' | 'rates'>[];
  readonly scheduler: { readonly states: ReadonlyMap<string, TargetState> };
}

const sources = new Set<TargetsSource>();
export const registerTargetsSource = (s: TargetsSource) => void sources.add(s);
export const unregisterTargetsSource = (s: TargetsSource) => void sources.delete(s);
/** The running SNMP inputs: the trap receiver finds a notification's sender among their targets. */
export const targetsSources = (): readonly TargetsSource[] => [...sources];

export interface TargetsReport {
  inputs: {
    input: string;
    targets: number;
    polledOk: number;
    unreachableCount: number;
    slowest: { device: string; address: string; pollMs: number }[];
    unreachable: { device: string; address: string; sinceMs?: number; lastError?: string }[];
  }[];
}

export function snmpTargetsReport(top = 20): TargetsReport {
  return {
    inputs: [...sources].map((source) => {
      const address = new Map(source.targets.map((t) => [t.id, `${t.snmp.host}:${t.snmp.port}`]));
      const states = [...source.scheduler.states.values()];
      const slowest = states
        .filter((s) => s.lastPollMs !== undefined && !s.unreachable)
        .sort((a, b) => b.lastPollMs! - a.lastPollMs!)
        .slice(0, top)
        .map((s) => ({ device: s.id, address: address.get(s.id) ?? '', pollMs: Math.round(s.lastPollMs! * 10) / 10 }));
      const unreachableAll = states.filter((s) => s.unreachable);
      const unreachable = unreachableAll.slice(0, top).map((s) => ({ device: s.id, address: address.get(s.id) ?? '', ...(s.unreachableSinceMs ? { sinceMs: s.unreachableSinceMs } : {}), ...(s.lastError ? { lastError: s.lastError } : {}) }));
      return { input: source.name, targets: states.length, polledOk: states.filter((s) => s.lastOkMs !== undefined).length, unreachableCount: unreachableAll.length, slowest, unreachable };
    }),
  };
}
