// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { calleesFor, injectionCsv, injectionLineCount } from './sipp.js';

describe('UAC callees', () => {
  it('sends exactly every busyEvery-th call to a busy number', () => {
    const callees = calleesFor(300, 10);
    expect(callees).toHaveLength(300);
    expect(callees.filter((c) => c.startsWith('busy'))).toHaveLength(30);
    expect(callees.slice(8, 11)).toEqual(['1009', 'busy1010', '1011']);
    expect(calleesFor(5)).toEqual(['1001', '1002', '1003', '1004', '1005']);
  });

  it('writes a SEQUENTIAL injection file, one line per call', () => {
    expect(injectionCsv(['1001', 'busy1002'])).toBe('SEQUENTIAL\n1001;\nbusy1002;\n');
    expect(() => injectionCsv(['10 01'])).toThrow(/callee "10 01"/);
  });

  it('keeps long runs to one cycle of the busy pattern (SIPp loops over the file)', () => {
    expect(injectionLineCount(40, 10)).toBe(40);
    expect(injectionLineCount(10_000_000, 8)).toBe(10_000);
    expect(injectionLineCount(10_000_000, 7)).toBe(9_996);
    expect(injectionLineCount(10_000_000, 0)).toBe(10_000);
    expect(injectionLineCount(10_000_000, 30_000)).toBe(30_000);
  });
});
