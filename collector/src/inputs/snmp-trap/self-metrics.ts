// Self-metrics of the trap receiver (Prometheus, on the collector's registry, served on /metrics).
import { Counter, Gauge, type Registry } from 'prom-client';

export interface TrapSelfMetrics {
  datagrams: Counter<'input'>;
  received: Counter<'input' | 'version'>;
  dropped: Counter<'input' | 'reason'>;
  events: Counter<'input' | 'event'>;
  held: Gauge<'input'>;
}

const cache = new WeakMap<Registry, TrapSelfMetrics>();

/** One set per registry; several trap inputs are told apart by the `input` label. */
export function trapSelfMetrics(registry: Registry): TrapSelfMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: TrapSelfMetrics = {
    datagrams: new Counter({
      name: 'callboard_snmp_trap_datagrams_total',
      help: 'UDP datagrams read from the trap socket, whatever they turn out to be.',
      labelNames: ['input'],
      registers,
    }),
    received: new Counter({
      name: 'callboard_snmp_traps_received_total',
      help: 'Notifications (traps and informs) that passed community or USM checks (v3: and timeliness), by SNMP version.',
      labelNames: ['input', 'version'],
      registers,
    }),
    dropped: new Counter({
      name: 'callboard_snmp_traps_dropped_total',
      help: 'Datagrams and notifications not turned into events, by reason: malformed, unauthorized (unknown community or user), auth_failed (wrong key), unsupported (not a notification), not_in_time_window and replayed (SNMPv3 timeliness), unknown_engine_id (a v3 inform not keyed to our engine), unknown_source, credential_mismatch (credentials that do not belong to the device at that address), rate_limited (superseded by a newer one for the same object during a storm), overflow.',
      labelNames: ['input', 'reason'],
      registers,
    }),
    events: new Counter({
      name: 'callboard_snmp_trap_events_total',
      help: 'Events applied (written, pushed, and given to the link health model), by event name.',
      labelNames: ['input', 'event'],
      registers,
    }),
    held: new Gauge({
      name: 'callboard_snmp_traps_held',
      help: 'Events waiting for their source to fall back under its storm limit (one per object).',
      labelNames: ['input'],
      registers,
    }),
  };
  cache.set(registry, metrics);
  return metrics;
}
