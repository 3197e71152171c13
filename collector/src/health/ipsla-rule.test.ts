import { describe, expect, it } from 'vitest';
import { DEFAULT_IPSLA_THRESHOLDS, evaluateIpsla, ipslaRule } from './ipsla-rule.js';

const good = { sense: 1, rtt_ms: 40, jitter_sd_ms: 2, jitter_ds_ms: 3, loss_pct: 0, mos: 4.34 };

describe('IP SLA rule', () => {
  it.each([
    [{}, 'ok', []],
    [{ mos: 3.4 }, 'degraded', ['MOS 3.4 < 3.6']],
    [{ mos: 3.594 }, 'degraded', ['MOS 3.59 < 3.6']],
    [{ mos: 3.6 }, 'ok', []],
    [{ loss_pct: 2.345 }, 'degraded', ['loss 2.3 %']],
    [{ loss_pct: 0.5 }, 'ok', []],
    [{ loss_pct: 100, mos: 1 }, 'down', ['loss 100 %']],
    [{ rtt_ms: 420 }, 'degraded', ['RTT 420 ms > 300']],
    [{ jitter_ds_ms: 45.5 }, 'degraded', ['jitter 45.5 ms > 30']],
    [{ sense: 4, rtt_ms: 0 }, 'down', ['timeout']],
    [{ sense: 2 }, 'down', ['connection loss']],
    [{ sense: 3, rtt_ms: 350 }, 'degraded', ['over threshold', 'RTT 350 ms > 300']],
    [{ sense: 8 }, 'degraded', ['sequence error']],
    [{ sense: 99 }, 'degraded', ['probe error (sense 99)']],
    // not run yet / not in service: judged by its values only
    [{ sense: 0 }, 'ok', []],
    [{ mos: 3.1, loss_pct: 4, rtt_ms: 500 }, 'degraded', ['MOS 3.1 < 3.6', 'loss 4 %', 'RTT 500 ms > 300']],
  ])('%o → %s %o', (fields, state, reasons) => {
    expect(evaluateIpsla({ ...good, ...fields }, DEFAULT_IPSLA_THRESHOLDS)).toEqual({ state, reasons });
  });

  it('an echo operation (no jitter, no MOS) is judged by sense and RTT', () => {
    expect(evaluateIpsla({ sense: 1, rtt_ms: 12 }, DEFAULT_IPSLA_THRESHOLDS)).toEqual({ state: 'ok', reasons: [] });
    expect(evaluateIpsla({ sense: 1, rtt_ms: 301 }, DEFAULT_IPSLA_THRESHOLDS)).toEqual({
      state: 'degraded',
      reasons: ['RTT 301 ms > 300'],
    });
  });

  it('uses the configured thresholds and names a path as the trap receiver does', () => {
    const rule = ipslaRule({ mosBelow: 4, lossDownPct: 50 });
    expect(rule.evaluate({ ...good, mos: 3.9 })).toEqual({ state: 'degraded', reasons: ['MOS 3.9 < 4'] });
    expect(rule.evaluate({ ...good, loss_pct: 60 })).toEqual({ state: 'down', reasons: ['loss 60 %'] });
    expect(rule.linkId({ device: 'pe1', sla: '10' })).toBe('pe1/10');
    expect(rule.group({ device: 'pe1', site: 'chi-pop2' })).toBe('chi-pop2');
  });
});
