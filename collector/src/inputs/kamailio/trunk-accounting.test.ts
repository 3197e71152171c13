import { describe, expect, it } from 'vitest';
import { TrunkAccounting } from './trunk-accounting.js';

const c = (attempts: number, answered: number, failed: number, active: number, blocked = 0) => ({ attempts, answered, failed, blocked, active });

describe('TrunkAccounting', () => {
  it('differences per trunk within a run and integrates channels in use into minutes', () => {
    const acc = new TrunkAccounting();
    expect(acc.next({ time: 0, upSince: 'r1', trunks: { a: c(10, 8, 2, 6) } }).get('a')).toEqual({ attempts: 0, answered: 0, failed: 0, blocked: 0, active: 6, minutes: 0 });
    const f = acc.next({ time: 60_000 / 6, upSince: 'r1', trunks: { a: c(13, 10, 3, 6), b: c(2, 1, 0, 1) } });
    expect(f.get('a')).toEqual({ attempts: 3, answered: 2, failed: 1, blocked: 0, active: 6, minutes: 1 });
    // b appeared mid-run: everything it counted happened since the last poll
    expect(f.get('b')).toMatchObject({ attempts: 2, answered: 1, failed: 0, active: 1 });
  });

  it('counts from zero after a restart or a flushed table, never negative, never a spike', () => {
    const acc = new TrunkAccounting();
    acc.next({ time: 0, upSince: 'r1', trunks: { a: c(1000, 900, 100, 50) } });
    expect(acc.next({ time: 1000, upSince: 'r2', trunks: { a: c(3, 2, 1, 2) } }).get('a')).toEqual({ attempts: 3, answered: 2, failed: 1, blocked: 0, active: 2, minutes: 0 });
    expect(acc.next({ time: 2000, upSince: 'r2', trunks: { a: c(1, 1, 0, 1) } }).get('a')).toEqual({ attempts: 1, answered: 1, failed: 0, blocked: 0, active: 1, minutes: 0 });
  });

  it('counts calls blocked for want of a circuit like the other counters', () => {
    const acc = new TrunkAccounting();
    acc.next({ time: 0, upSince: 'r1', trunks: { a: c(10, 5, 5, 0, 4) } });
    expect(acc.next({ time: 1000, upSince: 'r1', trunks: { a: c(13, 5, 8, 0, 7) } }).get('a')).toMatchObject({ failed: 3, blocked: 3 });
    // the blocked counter alone going back is a reset too
    expect(acc.next({ time: 2000, upSince: 'r1', trunks: { a: c(14, 5, 9, 0, 1) } }).get('a')).toMatchObject({ attempts: 14, blocked: 1 });
  });

  it('counts blocked calls from a checkpoint written before they were counted', () => {
    const old = { time: 0, upSince: 'r1', trunks: { a: { attempts: 10, answered: 5, failed: 5, active: 0 } } };
    const acc = new TrunkAccounting(old as never);
    expect(acc.next({ time: 1000, upSince: 'r1', trunks: { a: c(12, 5, 7, 0, 2) } }).get('a')).toMatchObject({ attempts: 2, failed: 2, blocked: 2 });
  });

  it('does not integrate across a long gap', () => {
    const acc = new TrunkAccounting(undefined, 5000);
    acc.next({ time: 0, upSince: 'r1', trunks: { a: c(0, 0, 0, 10) } });
    expect(acc.next({ time: 60_000, upSince: 'r1', trunks: { a: c(0, 0, 0, 10) } }).get('a')!.minutes).toBe(0);
  });
});
