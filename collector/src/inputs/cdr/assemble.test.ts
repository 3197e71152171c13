import { describe, expect, it } from 'vitest';
import { CallAssembler } from './assemble.js';
import type { CallRecord, CdrRow } from './record.js';

const leg = (over: Partial<CdrRow>): CdrRow => ({ id: 'x', startMs: 0, endMs: 10_000, billableMs: 0, src: '1', dst: '2', disposition: 'no_answer', ...over });

describe('CallAssembler', () => {
  it('merges FreeSWITCH A/B legs linked by bleg_uuid into one call, billed once', () => {
    const a = new CallAssembler(60_000, () => 'max');
    const out: CallRecord[] = [];
    a.add(leg({ id: 'A', legKeys: ['A'], disposition: 'answered', billableMs: 7000, dst: '1001' }), out);
    a.add(leg({ id: 'B', legKeys: ['B', 'A'], disposition: 'answered', billableMs: 7000, dst: '*1003' }), out);
    expect(out).toEqual([]);
    a.closeBefore(Infinity, out);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ id: 'A', billableMs: 7000, dst: '1001', disposition: 'answered' });
  });

  it('sums Asterisk rows of one linkedid; the best disposition wins', () => {
    const a = new CallAssembler(60_000, () => 'sum');
    const out: CallRecord[] = [];
    a.add(leg({ id: 'L', legKeys: ['L'], disposition: 'no_answer', endMs: 5000 }), out);
    a.add(leg({ id: 'L', legKeys: ['L'], disposition: 'answered', billableMs: 17_000, answerMs: 6000, endMs: 23_000 }), out);
    a.add(leg({ id: 'L', legKeys: ['L'], disposition: 'answered', billableMs: 3000, endMs: 30_000 }), out);
    a.closeBefore(Infinity, out);
    expect(out).toEqual([expect.objectContaining({ billableMs: 20_000, disposition: 'answered', answerMs: 6000, endMs: 30_000 })]);
  });

  it('completes a call once the newest end time is a leg window past it', () => {
    const a = new CallAssembler(60_000, () => 'sum');
    const out: CallRecord[] = [];
    a.add(leg({ id: '1', legKeys: ['1'], endMs: 10_000 }), out);
    a.add(leg({ id: '2', legKeys: ['2'], endMs: 69_000 }), out);
    expect(out).toHaveLength(0);
    a.add(leg({ id: '3', legKeys: ['3'], endMs: 70_001 }), out);
    expect(out.map((c) => c.id)).toEqual(['1']);
    expect(a.open).toBe(2);
  });

  it('passes rows without leg keys straight through', () => {
    const a = new CallAssembler(60_000, () => 'sum');
    const out: CallRecord[] = [];
    a.add(leg({ id: 'k' }), out);
    expect(out).toHaveLength(1);
  });

  it('keeps open calls in its state, so a restart completes them', () => {
    const a = new CallAssembler(60_000, () => 'max');
    a.add(leg({ id: 'A', legKeys: ['A'], disposition: 'answered', billableMs: 5000 }), []);
    const resumed = new CallAssembler(60_000, () => 'max', JSON.parse(JSON.stringify(a.state())));
    const out: CallRecord[] = [];
    resumed.add(leg({ id: 'B', legKeys: ['B', 'A'], disposition: 'answered', billableMs: 5000 }), out);
    resumed.closeBefore(Infinity, out);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ id: 'A', billableMs: 5000 });
  });

  it('joins two open calls that a later leg links', () => {
    const a = new CallAssembler(60_000, () => 'max');
    const out: CallRecord[] = [];
    a.add(leg({ id: 'A', legKeys: ['A'] }), out);
    a.add(leg({ id: 'B', legKeys: ['B'] }), out);
    a.add(leg({ id: 'C', legKeys: ['C', 'A', 'B'], disposition: 'answered', billableMs: 1000 }), out);
    a.closeBefore(Infinity, out);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ disposition: 'answered', billableMs: 1000 });
  });
});
