import { ciscoCpuMemProfile } from './cisco-cpu-mem.js';
import { ciscoIpslaProfile } from './cisco-ipsla.js';
import { ciscoVoiceProfile } from './cisco-voice.js';
import { iadProfile } from './iad.js';
import { ifMibProfile } from './if-mib.js';
import type { Profile } from './profile.js';

/** Every profile by name; `auto` picks from these by device detection (detect.ts). */
export const PROFILES: Readonly<Record<string, Profile>> = Object.fromEntries(
  [ifMibProfile, iadProfile, ciscoCpuMemProfile, ciscoVoiceProfile, ciscoIpslaProfile].map((p) => [p.name, p]),
);
export const PROFILE_NAMES = Object.keys(PROFILES);
