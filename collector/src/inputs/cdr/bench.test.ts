import { describe, expect, it } from 'vitest';
import { measureCdrThroughput } from './bench.js';

// Timings are not asserted (a shared 2-core machine); this checks the measurement itself works.
describe('measureCdrThroughput', () => {
  it.each(['asterisk', 'kamailio'] as const)('measures %s ingest next to the read-and-split baselines of the same file', async (format) => {
    const r = await measureCdrThroughput({ format, calls: 3000 });
    expect(r.format).toBe(format);
    // Kamailio's measured file is acc_cdrs (the answered calls, about 70 %).
    expect(r.lines).toBeGreaterThanOrEqual(format === 'asterisk' ? 3000 : 1500);
    for (const rate of [r.ingestLinesPerSecond, r.baselineLinesPerSecond, r.pieceSplitLinesPerSecond, r.fieldSplitLinesPerSecond]) {
      expect(rate).toBeGreaterThan(0);
    }
    expect(r.ratio).toBeCloseTo(r.ingestLinesPerSecond / r.baselineLinesPerSecond);
    expect(r.pieceRatio).toBeCloseTo(r.ingestLinesPerSecond / r.pieceSplitLinesPerSecond);
  });
});
