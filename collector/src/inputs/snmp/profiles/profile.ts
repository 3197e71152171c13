// What a profile is: a declarative OID map plus the small reading step that turns walked
// columns into records. Profiles never import net-snmp; they get a Reader.
import type { Varbind } from '../session.js';
import type { PollResult } from '../poll-result.js';
import type { DeviceIdentity } from '../detect.js';

export interface Reader {
  get(oids: readonly string[]): Promise<(Varbind | undefined)[]>;
  walk(root: string, maxRepetitions?: number): Promise<Varbind[]>;
}

/** Per-target memory a profile keeps between polls (e.g. the IAD's WAN ifIndex, found once). */
export type ProfileState = Record<string, unknown>;

export interface Profile {
  readonly name: string;
  readonly description: string;
  /** Chosen by `auto` for this device? */
  appliesTo(device: DeviceIdentity): boolean;
  /** The profile reads sysUpTime itself (in the same GET as its data), so the poller need not. */
  readonly readsUptime?: boolean;
  poll(reader: Reader, device: DeviceIdentity, state: ProfileState): Promise<ProfileOutput>;
}

export type ProfileOutput = Partial<Omit<PollResult, 'device'>> & { uptimeTicks?: number };

export type Row = Map<string, Varbind>;

/**
 * Walks the given columns of one table (in parallel) and joins them by row index: the OID
 * suffix after the column OID. A column the agent lacks is simply absent from the rows.
 */
export async function walkColumns(reader: Reader, columns: Readonly<Record<string, string>>, maxRepetitions = 25): Promise<Map<string, Row>> {
  const names = Object.keys(columns);
  const walks = await Promise.all(names.map((name) => reader.walk(columns[name]!, maxRepetitions)));
  const rows = new Map<string, Row>();
  names.forEach((name, i) => {
    const prefix = `${columns[name]!}.`;
    for (const vb of walks[i]!) {
      const index = vb.oid.slice(prefix.length);
      let row = rows.get(index);
      if (!row) rows.set(index, (row = new Map()));
      row.set(name, vb);
    }
  });
  return rows;
}

/** A numeric value, or undefined when absent or not a number (a bad agent answer). */
export function num(vb: Varbind | undefined): number | undefined {
  if (!vb) return undefined;
  if (typeof vb.value === 'number') return vb.value;
  if (typeof vb.value === 'bigint') return Number(vb.value);
  return undefined;
}

export function str(vb: Varbind | undefined): string | undefined {
  if (!vb) return undefined;
  return String(vb.value);
}

/** Counter value keeping its width, for wrap arithmetic. */
export function counter(vb: Varbind | undefined): { value: bigint; bits: 32 | 64 } | undefined {
  if (!vb) return undefined;
  if (vb.type === 'counter64' && typeof vb.value === 'bigint') return { value: vb.value, bits: 64 };
  if (vb.type === 'counter32' && typeof vb.value === 'number') return { value: BigInt(vb.value), bits: 32 };
  return undefined;
}
