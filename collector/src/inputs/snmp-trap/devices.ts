// Who sent a notification: the running SNMP inputs' targets, by the datagram's source address.
// Their inventory tags, ifIndex → name map and counter-rate state are the poller's own, so a
// trap's link is the link the next poll speaks of, and a coldStart reaches the rate engine.
import { targetsSources } from '../snmp/targets-report.js';
import type { TrapDevice } from './translate.js';

export interface PolledDevice extends TrapDevice {
  /** The device restarted its counters: its next interface-rate interval has no rate. */
  counterRestart(): void;
}

type Source = ReturnType<typeof targetsSources>[number];
type Target = Source['targets'][number];

function polledDevice(target: Target): PolledDevice {
  return {
    device: target.id,
    tags: target.tags,
    ifName: (ifIndex) => target.device.ifNames?.get(ifIndex),
    counterRestart: () => target.rates.rates.reset(''),
  };
}

/** A sender not in the inventory, accepted by configuration: named by its address. */
export function unlistedDevice(address: string): TrapDevice {
  return { device: address, tags: { device: address }, ifName: () => undefined };
}

/**
 * Index of the polled targets by host, rebuilt when the set of running SNMP inputs changes (they
 * register at start). Inventory addresses must be IP addresses (a trap carries no name). One device
 * per management address: of several targets on one address (different ports), the first is taken.
 */
export class DeviceDirectory {
  #sources: readonly Source[] = [];
  #byHost = new Map<string, Target>();

  lookup(address: string): PolledDevice | undefined {
    const sources = targetsSources();
    if (sources.length !== this.#sources.length || sources.some((s, i) => s !== this.#sources[i])) this.#rebuild(sources);
    const target = this.#byHost.get(address);
    return target && polledDevice(target);
  }

  #rebuild(sources: readonly Source[]): void {
    this.#sources = sources;
    this.#byHost = new Map();
    for (const source of sources)
      for (const target of source.targets) if (!this.#byHost.has(target.snmp.host)) this.#byHost.set(target.snmp.host, target);
  }
}
