// Vendor and model from sysObjectID / sysDescr, which choose the profiles of `profile: auto`.
export const SYSTEM_OIDS = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysName: '1.3.6.1.2.1.1.5.0',
} as const;

export interface DeviceIdentity {
  readonly sysName: string;
  readonly sysDescr: string;
  readonly sysObjectID: string;
  readonly vendor: 'cisco' | 'net-snmp' | 'sonus' | 'other';
  /** IOS, IOS-XE, NX-OS for Cisco, from sysDescr. */
  readonly os?: string;
}

const ENTERPRISE = '1.3.6.1.4.1.';

export function identify(sysName: string, sysDescr: string, sysObjectID: string): DeviceIdentity {
  const oid = sysObjectID.replace(/^\./, '');
  const enterprise = oid.startsWith(ENTERPRISE) ? Number(oid.slice(ENTERPRISE.length).split('.')[0]) : undefined;
  const vendor = enterprise === 9 || /\bcisco\b/i.test(sysDescr) ? 'cisco' : enterprise === 8072 ? 'net-snmp' : enterprise === 177 || /sonus/i.test(sysDescr) ? 'sonus' : 'other';
  const os = vendor !== 'cisco' ? undefined : /NX-OS/i.test(sysDescr) ? 'NX-OS' : /IOS[- ]?XE|IOSD/i.test(sysDescr) ? 'IOS-XE' : /IOS/i.test(sysDescr) ? 'IOS' : undefined;
  return { sysName, sysDescr, sysObjectID: oid, vendor, ...(os ? { os } : {}) };
}

/**
 * Profiles for `auto`: every device gets if-mib; Cisco devices also get CPU/memory, IP SLA and
 * voice, T1/E1 spans (ds1) and DS0 occupancy (cisco-pop-mgmt); Sonus SBCs also get ds1 (each is
 * cheap when the device lacks the MIB: one GETBULK answered past the subtree).
 * IADs are not auto-detected: 60,000 of them are listed with role iad and get the light profile.
 */
export function autoProfiles(device: DeviceIdentity): string[] {
  if (device.vendor === 'cisco') return ['if-mib', 'cisco-cpu-mem', 'cisco-ipsla', 'cisco-voice', 'ds1', 'cisco-pop-mgmt'];
  if (device.vendor === 'sonus') return ['if-mib', 'ds1'];
  return ['if-mib'];
}
