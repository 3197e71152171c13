import { describe, expect, it } from 'vitest';
import type { CallEvent } from './evapi.js';
import { LiveCalls } from './index.js';

const event = (name: CallEvent['event'], tsMs: number): CallEvent => ({ event: name, ts: tsMs / 1000 });

describe('LiveCalls', () => {
  it('moves with events between polls', () => {
    const live = new LiveCalls();
    live.apply(event('call_attempt', 1));
    live.apply(event('call_answered', 2));
    live.apply(event('call_attempt', 3));
    live.apply(event('call_failed', 4));
    expect([live.active, live.early]).toEqual([1, 0]);
    live.apply(event('call_ended', 5));
    live.apply(event('call_ended', 6)); // a duplicate end never makes it negative
    expect([live.active, live.early]).toEqual([0, 0]);
  });

  it('takes the poll as truth but replays events stamped after the poll read the dialogs', () => {
    const live = new LiveCalls();
    for (let i = 0; i < 5; i++) live.apply(event('call_answered', 1000 + i));
    // Poll read at t=1002.5 saw 3 answered calls; the answers at 1003 and 1004 came after its read.
    const drift = live.reconcile(3, 0, 1002.5);
    expect([live.active, live.early]).toEqual([5, 0]);
    expect(drift).toBe(0);
    // A lost event is corrected by the next poll.
    expect(live.reconcile(6, 0, 2000)).toBe(1);
    expect(live.active).toBe(6);
  });
});
