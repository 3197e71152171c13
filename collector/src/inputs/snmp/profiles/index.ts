import { ciscoCpuMemProfile } from './cisco-cpu-mem.js';
import { ciscoIpslaProfile } from './cisco-ipsla.js';
import { ciscoPopMgmtProfile, snmpDs0, snmpDs0Device } from './cisco-pop-mgmt.js';
import { ciscoVoiceProfile } from './cisco-voice.js';
import { ds1Profile, snmpDs1 } from './ds1.js';
import { iadProfile } from './iad.js';
import { ifMibProfile } from './if-mib.js';
import type { Profile } from './profile.js';

/** Every profile by name; `auto` picks from these by device detection (detect.ts). */
export const PROFILES: Readonly<Record<string, Profile>> = Object.fromEntries(
  [ifMibProfile, iadProfile, ciscoCpuMemProfile, ciscoVoiceProfile, ciscoIpslaProfile, ds1Profile, ciscoPopMgmtProfile].map((p) => [p.name, p]),
);
export const PROFILE_NAMES = Object.keys(PROFILES);

/** Measurements of the TDM trunk profiles (ds1, cisco-pop-mgmt), declared beside their decoders. */
export const PROFILE_MEASUREMENTS = [snmpDs1, snmpDs0, snmpDs0Device];
