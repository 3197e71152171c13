// One poll of one device: who it is (cached after the first poll), then each profile. A profile
// failing (an agent error, a bad answer) loses only that profile's data for this poll; a
// timeout of the device fails the whole poll, so the scheduler can count and back it off.
import { SYSTEM_OIDS, autoProfiles, identify, type DeviceIdentity } from './detect.js';
import type { PollResult } from './poll-result.js';
import { PROFILES } from './profiles/index.js';
import type { Profile, ProfileState, Reader } from './profiles/profile.js';
import { num } from './profiles/profile.js';
import { SnmpError, type SnmpClient, type SnmpTarget } from './session.js';

export interface DeviceState {
  identity?: DeviceIdentity;
  profileState: Record<string, ProfileState>;
  /** ifIndex → the name its link is known by (ifName, or the DS1 span name), for traps that name only the ifIndex. */
  ifNames?: IfNames;
}

/**
 * ifIndex → name for one device. Most devices have a few interfaces (an IAD one): a flat list
 * of pairs costs a fraction of a Map each, for 60,000 devices; big routers get a Map.
 */
export class IfNames {
  #pairs: (number | string)[] = [];
  #map?: Map<number, string>;

  get(ifIndex: number): string | undefined {
    if (this.#map) return this.#map.get(ifIndex);
    for (let i = 0; i < this.#pairs.length; i += 2) if (this.#pairs[i] === ifIndex) return this.#pairs[i + 1] as string;
    return undefined;
  }

  /** Only a changed name is stored: the names stay in the old generation, no garbage per poll. */
  set(ifIndex: number, name: string): void {
    if (this.#map) {
      if (this.#map.get(ifIndex) !== name) this.#map.set(ifIndex, name);
      return;
    }
    for (let i = 0; i < this.#pairs.length; i += 2) {
      if (this.#pairs[i] !== ifIndex) continue;
      if (this.#pairs[i + 1] !== name) this.#pairs[i + 1] = name;
      return;
    }
    this.#pairs.push(ifIndex, name);
    if (this.#pairs.length > 32) {
      this.#map = new Map();
      for (let i = 0; i < this.#pairs.length; i += 2) this.#map.set(this.#pairs[i] as number, this.#pairs[i + 1] as string);
      this.#pairs = [];
    }
  }
}

/** Without `auto`, the device's identity is not needed to poll it: skip the extra GET (IADs). */
const UNIDENTIFIED: DeviceIdentity = { sysName: '', sysDescr: '', sysObjectID: '', vendor: 'other' };

export interface DevicePollOutcome {
  result: PollResult;
  /** Profiles that failed this poll, with the reason. */
  errors: { profile: string; message: string }[];
}

export function readerFor(client: SnmpClient, target: SnmpTarget): Reader {
  return { get: (oids) => client.get(target, oids), walk: (root, maxRep) => client.walk(target, root, maxRep) };
}

export async function identifyDevice(reader: Reader): Promise<{ identity: DeviceIdentity; uptimeTicks?: number }> {
  const [descr, objectId, uptime, name] = await reader.get([
    SYSTEM_OIDS.sysDescr,
    SYSTEM_OIDS.sysObjectID,
    SYSTEM_OIDS.sysUpTime,
    SYSTEM_OIDS.sysName,
  ]);
  const identity = identify(String(name?.value ?? ''), String(descr?.value ?? ''), String(objectId?.value ?? ''));
  const ticks = num(uptime);
  return ticks === undefined ? { identity } : { identity, uptimeTicks: ticks };
}

/**
 * `profiles` is a list of names, or ['auto']. `identify`: read sysName/sysDescr/sysObjectID on
 * the first poll even when no profile needs them (`callboard poll` shows them).
 */
export async function pollDevice(
  client: SnmpClient,
  target: SnmpTarget,
  profiles: readonly string[],
  state: DeviceState,
  identify = true,
): Promise<DevicePollOutcome> {
  const reader = readerFor(client, target);
  let uptimeTicks: number | undefined;
  if (!state.identity && !identify && !profiles.includes('auto')) state.identity = UNIDENTIFIED;
  if (!state.identity) {
    const first = await identifyDevice(reader);
    state.identity = first.identity;
    uptimeTicks = first.uptimeTicks;
  }
  const identity = state.identity;
  const names = profiles.includes('auto') ? autoProfiles(identity) : profiles;
  const selected = profilesNamed(names);
  if (uptimeTicks === undefined && !selected.some((p) => p.readsUptime)) {
    uptimeTicks = num((await reader.get([SYSTEM_OIDS.sysUpTime]))[0]);
  }
  const pollOne = (p: Profile) => p.poll(reader, identity, (state.profileState[p.name] ??= {}));
  // One profile (every IAD): no allSettled array and promises per poll.
  const outputs = selected.length === 1 ? [await settle(pollOne(selected[0]!))] : await Promise.allSettled(selected.map(pollOne));
  const result: PollResult = { device: { ...identity, profiles: [...names] }, interfaces: [], cpu: [], memory: [], ipsla: [] };
  const errors: DevicePollOutcome['errors'] = [];
  outputs.forEach((outcome, i) => {
    if (outcome.status === 'rejected') {
      const error = outcome.reason;
      // A device that stopped answering, or refused our credentials, fails the poll (never an "ok"
      // poll with no data); other failures cost only this profile.
      if (error instanceof SnmpError && (error.kind === 'timeout' || error.kind === 'auth')) throw error;
      errors.push({ profile: selected[i]!.name, message: error instanceof Error ? error.message : String(error) });
      return;
    }
    const out = outcome.value;
    if (out.uptimeTicks !== undefined && uptimeTicks === undefined) uptimeTicks = out.uptimeTicks;
    if (out.interfaces) result.interfaces.push(...out.interfaces);
    if (out.cpu) result.cpu.push(...out.cpu);
    if (out.memory) result.memory.push(...out.memory);
    if (out.ipsla) result.ipsla.push(...out.ipsla);
    if (out.voice) result.voice = out.voice;
    if (out.ds1) (result.ds1 ??= []).push(...out.ds1);
    if (out.pop) result.pop = out.pop;
  });
  if (uptimeTicks !== undefined) result.device = { ...result.device, uptimeTicks };
  for (const i of result.interfaces) rememberName(state, i.ifIndex, i.ifName);
  for (const span of result.ds1 ?? []) rememberName(state, span.ifIndex, span.span);
  return { result, errors };
}

const settle = <T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> =>
  promise.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );

/** Profiles by name list; the lists are shared between targets (see buildTargets), so this is looked up, not rebuilt, per poll. */
const PROFILE_LISTS = new WeakMap<readonly string[], readonly Profile[]>();
function profilesNamed(names: readonly string[]): readonly Profile[] {
  let list = PROFILE_LISTS.get(names);
  if (!list) PROFILE_LISTS.set(names, (list = names.map((n) => PROFILES[n]).filter((p) => p !== undefined)));
  return list;
}

function rememberName(state: DeviceState, ifIndex: number, name: string): void {
  (state.ifNames ??= new IfNames()).set(ifIndex, name);
}
