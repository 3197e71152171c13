import { describe, expect, it } from 'vitest';
import { delayImpairment, eModelMos, mosFromR, rFactor } from './emodel.js';

describe('E-model (ITU-T G.107)', () => {
  it('maps R to MOS with the G.107 Annex B curve', () => {
    expect(mosFromR(93.2)).toBeCloseTo(4.41, 2);
    expect(mosFromR(50)).toBeCloseTo(2.58, 2);
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(120)).toBe(4.5);
  });

  it('adds the extra delay impairment beyond 177.3 ms', () => {
    expect(delayImpairment(100)).toBeCloseTo(2.4, 5);
    expect(delayImpairment(277.3)).toBeCloseTo(0.024 * 277.3 + 11, 5);
  });

  it('degrades with delay, jitter, loss and a low-rate codec', () => {
    const clean = eModelMos(20, 1, 0, 'g711');
    expect(clean).toBeGreaterThan(4.3);
    expect(eModelMos(20, 1, 0, 'g729a')).toBeLessThan(clean);
    expect(eModelMos(20, 1, 2, 'g711')).toBeLessThan(clean);
    expect(eModelMos(300, 1, 0, 'g711')).toBeLessThan(eModelMos(100, 1, 0, 'g711'));
    expect(eModelMos(20, 40, 0, 'g711')).toBeLessThan(clean);
    // G.711 at 1 % loss without PLC: Ie,eff = 95 × 1/(1 + 4.3) ≈ 17.9
    expect(rFactor(0, 0, 1, 'g711')).toBeCloseTo(93.2 - 0.24 - 95 / 5.3, 1);
  });
});
