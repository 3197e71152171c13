import { describe, expect, it } from 'vitest';
import { TrunkAccounting } from './trunk-accounting.js';

const c = (attempts: number, answered: number, failed: number, active: number) => ({ attempts, answered, failed, active });

describe('TrunkAccounting', () => {
  it('differences per trunk within a run and integrates channels in use into minutes', () => {
    const acc = new TrunkAccounting();
    expect(acc.next({ time: 0, upSince: 'r1', trunks: { a: c(10, 8, 2, 6) } }).get('a')).toEqual({ attempts: 0, answered: 0, failed: 0, active: 6, minutes: 0 });
    const f = acc.next({ time: 60_000 / 6, upSince: 'r1', trunks: { a: c(13, 10, 3, 6), b: c(2, 1, 0, 1) } });
    expect(f.get('a')).toEqual({ attempts: 3, answered: 2, failed: 1, active: 6, minutes: 1 });
    // b appeared mid-run: everything it counted happened since the last poll
    expect(f.get('b')).toMatchObject({ attempts: 2, answered: 1, failed: 0, active: 1 });
  });

  it('counts from zero after a restart or a flushed table, never negative, never a spike', () => {
    const acc = new TrunkAccounting();
    acc.next({ time: 0, upSince: 'r1', trunks: { a: c(1000, 900, 100, 50) } });
    expect(acc.next({ time: 1000, upSince: 'r2', trunks: { a: c(3, 2, 1, 2) } }).get('a')).toEqual({ attempts: 3, answered: 2, failed: 1, active: 2, minutes: 0 });
    expect(acc.next({ time: 2000, upSince: 'r2', trunks: { a: c(1, 1, 0, 1) } }).get('a')).toEqual({ attempts: 1, answered: 1, failed: 0, active: 1, minutes: 0 });
  });

  it('does not integrate across a long gap', () => {
    const acc = new TrunkAccounting(undefined, 5000);
    acc.next({ time: 0, upSince: 'r1', trunks: { a: c(0, 0, 0, 10) } });
    expect(acc.next({ time: 60_000, upSince: 'r1', trunks: { a: c(0, 0, 0, 10) } }).get('a')!.minutes).toBe(0);
  });
});
