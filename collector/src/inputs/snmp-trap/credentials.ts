// Credentials bound to devices. A notification names its device only by its UDP source address,
// which anyone on the path can forge; a community or v3 user that belongs to one device is the
// proof that it is that device. So: credentials listed for devices are accepted from those devices
// only, and a device that has credentials of its own accepts no others (not the shared ones).
// Devices without credentials of their own accept the shared ones: then the shared community or
// user is all the trust there is, whatever the source address says.

/** A community or user the receiver accepts: `community:<n>` (n: index in the receiver's list) or `user:<name>`. */
export interface CredentialEntry {
  readonly key: string;
  /** How logs name it (a config path or a user name, never a secret). */
  readonly label: string;
  /** The devices (inventory `device` names) it belongs to; absent: shared. */
  readonly devices?: readonly string[];
}

export class CredentialBinding {
  readonly #labels = new Map<string, string>();
  readonly #devicesOf = new Map<string, ReadonlySet<string>>();
  /** Devices with credentials of their own. */
  readonly #bound = new Set<string>();

  constructor(entries: readonly CredentialEntry[]) {
    for (const entry of entries) {
      this.#labels.set(entry.key, entry.label);
      if (!entry.devices) continue;
      this.#devicesOf.set(entry.key, new Set(entry.devices));
      for (const device of entry.devices) this.#bound.add(device);
    }
  }

  /** The devices that have credentials of their own. */
  get boundDevices(): ReadonlySet<string> {
    return this.#bound;
  }

  /** Why credentials `key` may not speak for `device`; undefined when they may. */
  refusal(key: string, device: string): string | undefined {
    const label = this.#labels.get(key) ?? key;
    const devices = this.#devicesOf.get(key);
    if (devices) return devices.has(device) ? undefined : `${label} belongs to ${[...devices].join(', ')}, not to ${device}`;
    return this.#bound.has(device) ? `${device} has credentials of its own; the shared ${label} is not accepted for it` : undefined;
  }
}
