// Values a test switches at runtime on a simulated device: an alarm on a DS1 span, a channel
// count, an error counter oscillating around a threshold. Only objects the recording has can be
// set (the walk order of the agent stays the recording's); clear() returns to the recorded value.
import { encodeValue, type Recording } from './recording.js';

/** The SNMP types a test may set, by snmprec tag: 2 INTEGER, 4 OCTET STRING, 65 Counter32, 66 Gauge32, 67 TimeTicks, 70 Counter64. */
export type OverrideType = 2 | 4 | 65 | 66 | 67 | 70;

export interface OverridableDevice {
  readonly recording: Recording;
}

export class ValueOverrides {
  readonly #byDevice = new WeakMap<OverridableDevice, Map<number, Buffer>>();
  /** Devices with any override; the agent skips the lookup entirely while there are none. */
  #count = 0;

  constructor(private readonly find: (community: string) => OverridableDevice) {}

  get active(): boolean {
    return this.#count > 0;
  }

  /** Answers `value` for `oid` from now on; the type defaults to the recorded one. */
  set(community: string, oid: string, value: number | bigint | string, type?: OverrideType): void {
    const device = this.find(community);
    const index = this.#index(device, community, oid);
    const recordedType = device.recording.rows[index]!.type;
    const ber = encodeValue({
      type: type ?? recordedType,
      value: typeof value === 'string' && (type ?? recordedType) === 4 ? Buffer.from(value) : value,
    });
    let values = this.#byDevice.get(device);
    if (!values) {
      this.#byDevice.set(device, (values = new Map()));
      this.#count++;
    }
    values.set(index, ber);
  }

  /** Back to the recorded value of `oid`, or of every object set on the device. */
  clear(community: string, oid?: string): void {
    const device = this.find(community);
    const values = this.#byDevice.get(device);
    if (!values) return;
    if (oid === undefined) values.clear();
    else values.delete(this.#index(device, community, oid));
    if (values.size === 0) {
      this.#byDevice.delete(device);
      this.#count--;
    }
  }

  /** The encoded value set for row `index` of the device, if any (called by the agent per varbind). */
  lookup(device: OverridableDevice, index: number): Buffer | undefined {
    return this.#byDevice.get(device)?.get(index);
  }

  #index(device: OverridableDevice, community: string, oid: string): number {
    const index = device.recording.byOid.get(oid.replace(/^\./, ''));
    if (index === undefined) throw new Error(`simulated device ${community} has no ${oid} to set (only recorded objects can be changed)`);
    return index;
  }
}
