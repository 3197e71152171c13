// Cisco IP SLA operations (measurement snmp_ipsla) as links: the path a probe measures, named
// `<device>/<operation number>` and grouped by site (else region, else device), as the trap
// receiver names the operation of an rttMon notification.
import type { FieldValue } from '../pipeline/metric.js';
import { OK, finite, num, pct, siteGroup } from './format.js';
import type { LinkRule } from './rules.js';
import type { Verdict } from './state.js';

export interface IpslaThresholds {
  /** Degraded below this MOS (device's or E-model's): 3.6 is the lower edge of "satisfied" (ITU-T G.107 R ≈ 70). */
  mosBelow: number;
  /** Degraded from this share of lost probe packets … */
  lossPct: number;
  /** … down from this share: the path carries (almost) nothing. */
  lossDownPct: number;
  /** Degraded above this round-trip time: 300 ms is G.114's 150 ms one-way budget, both ways. */
  rttMs: number;
  /** Degraded above this jitter (either direction). */
  jitterMs: number;
}

export const DEFAULT_IPSLA_THRESHOLDS: Readonly<IpslaThresholds> = Object.freeze({
  mosBelow: 3.6,
  lossPct: 1,
  lossDownPct: 100,
  rttMs: 300,
  jitterMs: 30,
});

/**
 * rttMonLatestRttOperSense: the operation's own outcome (0 `other`: not run yet, or not in service). A timeout or a lost connection means the
 * path is down (the words of the trap receiver's reasons, so trap and poll agree); other
 * non-ok outcomes mean the probe ran but something is wrong.
 */
const SENSE: Readonly<Record<number, { state: 'down' | 'degraded'; reason: string }>> = {
  2: { state: 'down', reason: 'connection loss' },
  3: { state: 'degraded', reason: 'over threshold' },
  4: { state: 'down', reason: 'timeout' },
  5: { state: 'degraded', reason: 'responder busy' },
  6: { state: 'down', reason: 'connection loss' },
  7: { state: 'degraded', reason: 'probe dropped' },
  8: { state: 'degraded', reason: 'sequence error' },
  9: { state: 'degraded', reason: 'verify error' },
  11: { state: 'down', reason: 'timeout' },
  12: { state: 'down', reason: 'timeout' },
  13: { state: 'down', reason: 'timeout' },
};

export function evaluateIpsla(fields: Readonly<Record<string, FieldValue>>, t: Readonly<IpslaThresholds>): Verdict {
  const sense = finite(fields.sense);
  const outcome =
    sense === undefined || sense === 0 || sense === 1
      ? undefined
      : (SENSE[sense] ?? { state: 'degraded', reason: `probe error (sense ${sense})` });
  if (outcome?.state === 'down') return { state: 'down', reasons: [outcome.reason] };
  const loss = finite(fields.loss_pct);
  if (loss !== undefined && loss >= t.lossDownPct) return { state: 'down', reasons: [`loss ${pct(loss)}`] };
  const reasons: string[] = [];
  if (outcome) reasons.push(outcome.reason);
  const mos = finite(fields.mos);
  if (mos !== undefined && mos > 0 && mos < t.mosBelow) reasons.push(`MOS ${num(mos)} < ${t.mosBelow}`);
  if (loss !== undefined && loss >= t.lossPct) reasons.push(`loss ${pct(loss)}`);
  const rtt = finite(fields.rtt_ms);
  if (rtt !== undefined && rtt > t.rttMs) reasons.push(`RTT ${num(rtt)} ms > ${t.rttMs}`);
  const jitter = Math.max(finite(fields.jitter_sd_ms) ?? 0, finite(fields.jitter_ds_ms) ?? 0);
  if (jitter > t.jitterMs) reasons.push(`jitter ${num(jitter)} ms > ${t.jitterMs}`);
  return reasons.length ? { state: 'degraded', reasons } : OK;
}

export function ipslaRule(overrides: Readonly<Partial<IpslaThresholds>> = {}): LinkRule {
  const thresholds: IpslaThresholds = { ...DEFAULT_IPSLA_THRESHOLDS, ...overrides };
  return {
    measurement: 'snmp_ipsla',
    kind: 'ipsla',
    linkId: (tags) => `${tags.device}/${tags.sla}`,
    group: siteGroup,
    evaluate: (fields) => evaluateIpsla(fields, thresholds),
  };
}
