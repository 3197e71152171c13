// The shape of one poll of one device: what `callboard poll --json` prints and what the input
// turns into metrics. Field names are documented in README.md.
import type { DeviceIdentity } from './detect.js';
import type { PopSample } from './profiles/cisco-pop-mgmt.js';
import type { Ds1Sample } from './profiles/ds1.js';

export interface CounterValue {
  readonly value: bigint;
  readonly bits: 32 | 64;
}

export interface InterfaceSample {
  readonly ifIndex: number;
  readonly ifName: string;
  readonly ifDescr: string;
  readonly ifAlias: string;
  readonly ifType: number;
  readonly adminStatus: number;
  readonly operStatus: number;
  /** bits/s: ifHighSpeed × 10⁶ when the agent has it, else ifSpeed. */
  readonly speedBps: number;
  /** ifCounterDiscontinuityTime (TimeTicks) when present. */
  readonly discontinuityTime?: number;
  /** HC (64-bit) counters where the agent has them, else the 32-bit ifTable ones. */
  readonly counters: Readonly<Partial<Record<CounterName, CounterValue>>>;
}

export const COUNTER_NAMES = ['inOctets', 'outOctets', 'inUcastPkts', 'outUcastPkts', 'inMulticastPkts', 'outMulticastPkts', 'inBroadcastPkts', 'outBroadcastPkts', 'inErrors', 'outErrors', 'inDiscards', 'outDiscards'] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];

export interface CpuSample {
  /** Row index in cpmCPUTotalTable, or "<total>.<core>" for cpmCoreTable rows. */
  readonly index: string;
  readonly name: string;
  readonly load5sPct?: number;
  readonly load1mPct?: number;
  readonly load5mPct?: number;
}

export interface MemoryPoolSample {
  readonly index: string;
  readonly name: string;
  /** cmp = CISCO-MEMORY-POOL-MIB, cemp = CISCO-ENHANCED-MEMPOOL-MIB, cpm = CISCO-PROCESS-MIB per CPU. */
  readonly source: 'cmp' | 'cemp' | 'cpm';
  readonly usedBytes: number;
  readonly freeBytes: number;
  readonly usedPct: number;
  readonly largestFreeBytes?: number;
}

export interface IpSlaSample {
  readonly index: number;
  readonly tag: string;
  readonly type: string;
  /** rttMonCtrlAdminStatus: 1 active, 2 notInService, … */
  readonly adminStatus: number;
  readonly rttMs?: number;
  /** rttMonLatestRttOperSense: 1 ok, 2 disconnected, 3 overThreshold, 4 timeout, … */
  readonly sense?: number;
  readonly jitterSdMs?: number;
  readonly jitterDsMs?: number;
  readonly oneWaySdMs?: number;
  readonly oneWayDsMs?: number;
  readonly lossSd?: number;
  readonly lossDs?: number;
  readonly lossPct?: number;
  readonly mos?: number;
  readonly icpif?: number;
  /** device: the router's own MOS; e-model: computed here (ITU-T G.107) from delay, jitter, loss, codec. */
  readonly mosSource?: 'device' | 'e-model';
}

export interface VoiceSample {
  readonly activeCalls: number;
  /** cvCallVolConnActiveConnection per protocol (sip, h323, mgcp, …) where the device has it. */
  readonly byProtocol: Readonly<Record<string, number>>;
  readonly source: 'cvCallVolConnActiveConnection' | 'cvCallActiveTable' | 'callActiveTable';
}

export interface DeviceSample extends DeviceIdentity {
  /** sysUpTime in hundredths of a second. */
  readonly uptimeTicks?: number;
  readonly profiles: readonly string[];
}

export interface PollResult {
  device: DeviceSample;
  interfaces: InterfaceSample[];
  cpu: CpuSample[];
  memory: MemoryPoolSample[];
  ipsla: IpSlaSample[];
  voice?: VoiceSample;
  /** T1/E1 spans (profile ds1). */
  ds1?: Ds1Sample[];
  /** DS0 occupancy (profile cisco-pop-mgmt). */
  pop?: PopSample;
}
