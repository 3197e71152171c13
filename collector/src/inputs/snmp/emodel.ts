// ITU-T G.107 E-model, simplified as in G.107 Annex / G.113 for planning: R = 93.2 − Id − Ie,eff
// (the default Ro − Is = 93.2), then MOS from R. Used for IP SLA entries on IOS older than the
// 2003 CISCO-RTTMON-MIB revision, which report delay, jitter and loss but no MOS.

export interface CodecImpairment {
  /** Equipment impairment Ie at zero loss (G.113 Appendix I). */
  readonly ie: number;
  /** Packet-loss robustness Bpl (G.113 Appendix I, with packet-loss concealment where the codec has it). */
  readonly bpl: number;
}

export const CODECS: Readonly<Record<string, CodecImpairment>> = {
  g711: { ie: 0, bpl: 4.3 }, // G.711 without PLC; 25.1 with Appendix I PLC — routers' DSPs: assume none
  g729a: { ie: 11, bpl: 19 },
  g723: { ie: 15, bpl: 16.1 },
};

/** rttMonEchoAdminCodecType: 1 notApplicable, 2 g711ulaw, 3 g711alaw, 4 g729a. */
export function codecFromRttMon(codecType: number | undefined): string {
  return codecType === 4 ? 'g729a' : 'g711';
}

/** Delay impairment Id from the mouth-to-ear one-way delay Ta (ms), G.107 simplified form. */
export function delayImpairment(ta: number): number {
  return 0.024 * ta + (ta > 177.3 ? 0.11 * (ta - 177.3) : 0);
}

export function rFactor(oneWayDelayMs: number, jitterMs: number, lossPct: number, codec = 'g711'): number {
  const c = CODECS[codec] ?? CODECS.g711!;
  // A jitter buffer of twice the jitter plus 10 ms of codec/packetisation delay adds to the delay.
  const ta = oneWayDelayMs + 2 * jitterMs + 10;
  const ppl = Math.max(0, Math.min(100, lossPct));
  const ieEff = c.ie + (95 - c.ie) * (ppl / (ppl + c.bpl));
  return 93.2 - delayImpairment(ta) - ieEff;
}

/** G.107 Annex B: MOS (conversational quality, 1 … 4.5) from R. */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

export function eModelMos(oneWayDelayMs: number, jitterMs: number, lossPct: number, codec = 'g711'): number {
  return Math.round(mosFromR(rFactor(oneWayDelayMs, jitterMs, lossPct, codec)) * 100) / 100;
}
