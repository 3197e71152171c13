import type { MeasurementSchema } from '../../pipeline/metric.js';

/** Inventory tags on every per-device measurement: bounded by the inventory, never by what a device says. */
export const INVENTORY_TAGS = ['device', 'customer', 'site', 'region', 'role'] as const;

export const snmpDevice: MeasurementSchema = {
  measurement: 'snmp_device',
  description: 'One row per device poll: reachability, uptime, reboot seen, poll time.',
  tags: [...INVENTORY_TAGS],
  fields: { up: 'integer', unreachable: 'integer', uptime_s: 'float', rebooted: 'integer', poll_ms: 'float' },
  rollup: { up: 'min', poll_ms: 'max', rebooted: 'sum' },
};

export const snmpInterface: MeasurementSchema = {
  measurement: 'snmp_interface',
  description: 'Per interface: status, speed and rates (per second; absent for an interval with a counter reset).',
  tags: [...INVENTORY_TAGS, 'ifName'],
  fields: {
    oper_status: 'integer',
    admin_status: 'integer',
    speed_bps: 'float',
    in_bps: 'float',
    out_bps: 'float',
    in_pps: 'float',
    out_pps: 'float',
    in_errors_ps: 'float',
    out_errors_ps: 'float',
    in_discards_ps: 'float',
    out_discards_ps: 'float',
    in_util_pct: 'float',
    out_util_pct: 'float',
  },
  rollup: { in_bps: 'mean', out_bps: 'mean', in_util_pct: 'max', out_util_pct: 'max', in_errors_ps: 'mean', out_errors_ps: 'mean', oper_status: 'min' },
};

export const snmpCpu: MeasurementSchema = {
  measurement: 'snmp_cpu',
  description: 'Cisco CPU load per CPU or core (CISCO-PROCESS-MIB).',
  tags: [...INVENTORY_TAGS, 'cpu'],
  fields: { load_5s_pct: 'float', load_1m_pct: 'float', load_5m_pct: 'float' },
  rollup: { load_1m_pct: 'mean', load_5m_pct: 'max' },
};

export const snmpMemory: MeasurementSchema = {
  measurement: 'snmp_memory',
  description: 'Cisco memory pools (CISCO-ENHANCED-MEMPOOL-MIB, CISCO-MEMORY-POOL-MIB or CISCO-PROCESS-MIB).',
  tags: [...INVENTORY_TAGS, 'pool'],
  fields: { used_bytes: 'float', free_bytes: 'float', used_pct: 'float' },
  rollup: { used_pct: 'max' },
};

export const snmpIpsla: MeasurementSchema = {
  measurement: 'snmp_ipsla',
  description: 'Cisco IP SLA entries: RTT, jitter, loss, one-way delay, MOS (device or E-model) and ICPIF.',
  tags: [...INVENTORY_TAGS, 'sla'],
  fields: {
    tag: 'string',
    type: 'string',
    sense: 'integer',
    rtt_ms: 'float',
    jitter_sd_ms: 'float',
    jitter_ds_ms: 'float',
    one_way_sd_ms: 'float',
    one_way_ds_ms: 'float',
    loss_pct: 'float',
    mos: 'float',
    icpif: 'float',
    mos_computed: 'integer',
  },
  rollup: { rtt_ms: 'mean', loss_pct: 'max', mos: 'min' },
};

export const snmpVoice: MeasurementSchema = {
  measurement: 'snmp_voice',
  description: 'Active calls on a voice gateway or IAD (CISCO-VOICE-DIAL-CONTROL-MIB / DIAL-CONTROL-MIB).',
  tags: [...INVENTORY_TAGS],
  fields: { active_calls: 'integer', sip: 'integer', h323: 'integer', mgcp: 'integer', sccp: 'integer' },
  rollup: { active_calls: 'max' },
};

export const snmpRegion: MeasurementSchema = {
  measurement: 'snmp_region',
  description: 'Per poll cycle and region: devices planned (in the inventory), reporting and unreachable — the migration view.',
  tags: ['input', 'region'],
  fields: { planned: 'integer', reporting: 'integer', unreachable: 'integer' },
  rollup: { reporting: 'min', unreachable: 'max' },
};

export const snmpCycle: MeasurementSchema = {
  measurement: 'snmp_cycle',
  description: 'Per poll cycle of one SNMP input: targets, polls, outcomes, duration (cycle_ms: until the last poll ended; answered_ms: until the last answered poll ended) and rate.',
  tags: ['input'],
  fields: { targets: 'integer', polled: 'integer', ok: 'integer', timeouts: 'integer', errors: 'integer', skipped: 'integer', unreachable: 'integer', cycle_ms: 'float', answered_ms: 'float', overrun: 'integer', polls_per_s: 'float' },
  rollup: { cycle_ms: 'max', timeouts: 'sum', skipped: 'sum' },
};

export const SNMP_MEASUREMENTS = [snmpDevice, snmpInterface, snmpCpu, snmpMemory, snmpIpsla, snmpVoice, snmpRegion, snmpCycle];
