// Self-metrics of the SNMP input (Prometheus, on the collector's registry when it is given one).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface SnmpSelfMetrics {
  polls: Counter<'input' | 'result'>;
  authFailures: Counter<'input'>;
  skipped: Counter<'input'>;
  pollDuration: Histogram<'input'>;
  cycleDuration: Gauge<'input'>;
  pollsPerSecond: Gauge<'input'>;
  unreachable: Gauge<'input'>;
  inFlight: Gauge<'input'>;
}

const cache = new WeakMap<Registry, SnmpSelfMetrics>();

/** One set per registry (several SNMP inputs share it, told apart by the `input` label). */
export function snmpSelfMetrics(registry: Registry): SnmpSelfMetrics {
  const existing = cache.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const labelNames = ['input'] as const;
  const metrics: SnmpSelfMetrics = {
    polls: new Counter({ name: 'callboard_snmp_polls_total', help: 'Device polls finished, by result: ok, timeout (no answer after retries), error (bad or refused answer).', labelNames: ['input', 'result'], registers }),
    authFailures: new Counter({ name: 'callboard_snmp_auth_failures_total', help: "Polls refused by the device's SNMPv3 USM (wrong key, unknown user, unsupported level, decryption error); also counted as result=error.", labelNames, registers }),
    skipped: new Counter({ name: 'callboard_snmp_polls_skipped_total', help: "Polls skipped because the device's previous poll was still running or queued.", labelNames, registers }),
    pollDuration: new Histogram({ name: 'callboard_snmp_poll_duration_seconds', help: 'Time of one device poll, all requests included.', labelNames, buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers }),
    cycleDuration: new Gauge({ name: 'callboard_snmp_cycle_duration_seconds', help: 'Last poll cycle: from its start to the end of the last poll started in it (the interval when polls overran).', labelNames, registers }),
    pollsPerSecond: new Gauge({ name: 'callboard_snmp_polls_per_second', help: 'Polls finished per second over the last cycle.', labelNames, registers }),
    unreachable: new Gauge({ name: 'callboard_snmp_unreachable_targets', help: 'Targets flagged unreachable (backed off after repeated timeouts).', labelNames, registers }),
    inFlight: new Gauge({ name: 'callboard_snmp_polls_in_flight', help: 'Device polls running now.', labelNames, registers }),
  };
  cache.set(registry, metrics);
  return metrics;
}
