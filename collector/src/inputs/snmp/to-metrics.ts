// A device poll as metrics: levels as they are, counters as per-second rates (rates.ts), and
// nothing for a counter in an interval where the device or the interface restarted.
import type { FieldValue, Metric } from '../../pipeline/metric.js';
import { ds0DeviceFields, ds0SpanFields, snmpDs0, snmpDs0Device } from './profiles/cisco-pop-mgmt.js';
import { ds1Fields, snmpDs1 } from './profiles/ds1.js';
import { snmpCpu, snmpDevice, snmpInterface, snmpIpsla, snmpMemory, snmpVoice } from './measurements.js';
import type { CounterName, InterfaceSample, PollResult } from './poll-result.js';
import { CounterRates, rebooted } from './rates.js';

export interface RateState {
  rates: CounterRates;
  uptimeTicks: number | undefined;
  /** ifCounterDiscontinuityTime per ifIndex; only for devices that report it (not IADs). */
  discontinuity: Map<number, number> | undefined;
}

export const newRateState = (): RateState => ({ rates: new CounterRates(), uptimeTicks: undefined, discontinuity: undefined });

const RATE_FIELDS: [CounterName, string, number][] = [
  ['inOctets', 'in_bps', 8],
  ['outOctets', 'out_bps', 8],
  ['inUcastPkts', 'in_pps', 1],
  ['outUcastPkts', 'out_pps', 1],
  ['inErrors', 'in_errors_ps', 1],
  ['outErrors', 'out_errors_ps', 1],
  ['inDiscards', 'in_discards_ps', 1],
  ['outDiscards', 'out_discards_ps', 1],
];

function defined(fields: Record<string, FieldValue | undefined>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && (typeof v !== 'number' || Number.isFinite(v))) out[k] = v;
  return out;
}

/** Interface fields for one poll; `deviceRestarted` drops every rate of the device this time. */
export function interfaceFields(
  state: RateState,
  iface: InterfaceSample,
  timeMs: number,
  deviceRestarted: boolean,
): Record<string, FieldValue> {
  const key = `${iface.ifIndex}:`;
  const previousDiscontinuity = state.discontinuity?.get(iface.ifIndex);
  if (iface.discontinuityTime !== undefined) (state.discontinuity ??= new Map()).set(iface.ifIndex, iface.discontinuityTime);
  if (deviceRestarted || (previousDiscontinuity !== undefined && iface.discontinuityTime !== previousDiscontinuity)) state.rates.reset(key);
  const fields: Record<string, FieldValue | undefined> = {
    oper_status: iface.operStatus,
    admin_status: iface.adminStatus,
    speed_bps: iface.speedBps,
  };
  // The most an interface can carry, as a plausibility bound on a wrapped counter.
  const maxBytesPerSecond = iface.speedBps > 0 ? iface.speedBps / 8 : undefined;
  for (const [counter, field, scale] of RATE_FIELDS) {
    const sample = iface.counters[counter];
    if (!sample) continue;
    const perSecond = state.rates.rate(`${key}${counter}`, sample, timeMs, counter.endsWith('Octets') ? maxBytesPerSecond : undefined);
    if (perSecond !== undefined) fields[field] = perSecond * scale;
  }
  if (iface.speedBps > 0) {
    if (typeof fields.in_bps === 'number') fields.in_util_pct = (100 * fields.in_bps) / iface.speedBps;
    if (typeof fields.out_bps === 'number') fields.out_util_pct = (100 * fields.out_bps) / iface.speedBps;
  }
  return defined(fields);
}

export function pollMetrics(
  result: PollResult,
  state: RateState,
  tags: Readonly<Record<string, string>>,
  timeMs: number,
  pollMs: number,
): Metric[] {
  const ticks = result.device.uptimeTicks;
  const restarted = rebooted(state.uptimeTicks, ticks);
  if (ticks !== undefined) state.uptimeTicks = ticks;
  const metrics: Metric[] = [
    {
      measurement: snmpDevice.measurement,
      tags,
      time: timeMs,
      fields: defined({
        up: 1,
        unreachable: 0,
        uptime_s: ticks === undefined ? undefined : ticks / 100,
        rebooted: restarted ? 1 : 0,
        poll_ms: pollMs,
      }),
    },
  ];
  for (const iface of result.interfaces) {
    metrics.push({
      measurement: snmpInterface.measurement,
      tags: { ...tags, ifName: iface.ifName },
      time: timeMs,
      fields: interfaceFields(state, iface, timeMs, restarted),
    });
  }
  for (const cpu of result.cpu) {
    metrics.push({
      measurement: snmpCpu.measurement,
      tags: { ...tags, cpu: cpu.name },
      time: timeMs,
      fields: defined({ load_5s_pct: cpu.load5sPct, load_1m_pct: cpu.load1mPct, load_5m_pct: cpu.load5mPct }),
    });
  }
  for (const pool of result.memory) {
    metrics.push({
      measurement: snmpMemory.measurement,
      tags: { ...tags, pool: pool.name },
      time: timeMs,
      fields: { used_bytes: pool.usedBytes, free_bytes: pool.freeBytes, used_pct: pool.usedPct },
    });
  }
  for (const sla of result.ipsla) {
    metrics.push({
      measurement: snmpIpsla.measurement,
      tags: { ...tags, sla: String(sla.index) },
      time: timeMs,
      fields: defined({
        tag: sla.tag,
        type: sla.type,
        sense: sla.sense,
        rtt_ms: sla.rttMs,
        jitter_sd_ms: sla.jitterSdMs,
        jitter_ds_ms: sla.jitterDsMs,
        one_way_sd_ms: sla.oneWaySdMs,
        one_way_ds_ms: sla.oneWayDsMs,
        loss_pct: sla.lossPct,
        mos: sla.mos,
        icpif: sla.icpif,
        mos_computed: sla.mosSource === undefined ? undefined : sla.mosSource === 'e-model' ? 1 : 0,
      }),
    });
  }
  if (result.voice) {
    const p = result.voice.byProtocol;
    metrics.push({
      measurement: snmpVoice.measurement,
      tags,
      time: timeMs,
      fields: defined({ active_calls: result.voice.activeCalls, sip: p.sip, h323: p.h323, mgcp: p.mgcp, sccp: p.sccp }),
    });
  }
  for (const span of result.ds1 ?? [])
    metrics.push({ measurement: snmpDs1.measurement, tags: { ...tags, span: span.span }, time: timeMs, fields: ds1Fields(span) });
  if (result.pop) {
    const device = ds0DeviceFields(result.pop.device);
    if (Object.keys(device).length > 0) metrics.push({ measurement: snmpDs0Device.measurement, tags, time: timeMs, fields: device });
    for (const span of result.pop.spans)
      metrics.push({ measurement: snmpDs0.measurement, tags: { ...tags, span: span.span }, time: timeMs, fields: ds0SpanFields(span) });
  }
  return metrics;
}

export function unreachableMetric(tags: Readonly<Record<string, string>>, timeMs: number, unreachable: boolean): Metric {
  return { measurement: snmpDevice.measurement, tags, time: timeMs, fields: { up: 0, unreachable: unreachable ? 1 : 0 } };
}
