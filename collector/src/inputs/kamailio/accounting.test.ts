import { describe, expect, it } from 'vitest';
import { CallAccounting, type SwitchSample } from './accounting.js';
import type { DialogStates, SwitchCounters } from './parse.js';

const zeroCounters: SwitchCounters = {
  processedDialogs: 0, failedDialogs: 0, expiredDialogs: 0, cancelledCalls: 0, busyReplies: 0, unavailableReplies: 0, declineReplies: 0,
};
const idle: DialogStates = { starting: 0, connecting: 0, answering: 0, ongoing: 0 };

function sample(time: number, counters: Partial<SwitchCounters>, dialogs: Partial<DialogStates> = {}, upSince = 'run-1'): SwitchSample {
  return { time, upSince, counters: { ...zeroCounters, ...counters }, dialogs: { ...idle, ...dialogs } };
}

describe('CallAccounting', () => {
  it('counts nothing on the first sample, then differences within a run', () => {
    const acc = new CallAccounting();
    expect(acc.next(sample(0, { processedDialogs: 500, failedDialogs: 100 })).attempts).toBe(0);
    const f = acc.next(sample(1000, { processedDialogs: 510, failedDialogs: 102, busyReplies: 2 }, { ongoing: 7, connecting: 1 }));
    expect(f).toMatchObject({ attempts: 10, failed: 2, userFailures: 2, active: 7, early: 1, restarted: false, intervalMs: 1000 });
  });

  it('derives answered calls from processed, failed and still-unanswered dialogs, exactly over a run', () => {
    const acc = new CallAccounting();
    acc.next(sample(0, {}));
    // 5 set up, 2 of them still ringing: 3 answered so far.
    expect(acc.next(sample(1000, { processedDialogs: 5 }, { connecting: 2, ongoing: 3 })).answered).toBe(3);
    // The 2 ringing ones: one answered, one busy.
    expect(acc.next(sample(2000, { processedDialogs: 5, failedDialogs: 1, busyReplies: 1 }, { ongoing: 4 })).answered).toBe(1);
  });

  it('never emits a negative answered count when RPC reads are skewed, and makes up the dip later', () => {
    const acc = new CallAccounting();
    acc.next(sample(0, {}));
    const answered = [
      acc.next(sample(1000, { processedDialogs: 10 }, { ongoing: 10 })).answered,
      // states read before the counters moved: 3 more processed, shown as early, but the early count was read late as 5
      acc.next(sample(2000, { processedDialogs: 13 }, { connecting: 5, ongoing: 10 })).answered,
      acc.next(sample(3000, { processedDialogs: 13 }, { ongoing: 13 })).answered,
    ];
    expect(answered).toEqual([10, 0, 3]);
    expect(answered.reduce((a, b) => a + b)).toBe(13);
  });

  it('starts from zero after a restart: no negative values, no spike', () => {
    const acc = new CallAccounting();
    acc.next(sample(0, { processedDialogs: 1000, failedDialogs: 200 }, { ongoing: 50 }));
    const after = acc.next(sample(3000, { processedDialogs: 4, failedDialogs: 1 }, { ongoing: 3 }, 'run-2'));
    expect(after).toMatchObject({ restarted: true, attempts: 4, failed: 1, answered: 3, minutes: 0 });
    const next = acc.next(sample(4000, { processedDialogs: 6, failedDialogs: 1 }, { ongoing: 5 }, 'run-2'));
    expect(next).toMatchObject({ restarted: false, attempts: 2, answered: 2 });
  });

  it('treats counters going backwards without a new up_since as a reset', () => {
    const acc = new CallAccounting();
    acc.next(sample(0, { processedDialogs: 100 }, { ongoing: 0 }));
    expect(acc.next(sample(1000, { processedDialogs: 2 })).restarted).toBe(true);
  });

  it('integrates active calls into minutes (trapezoid) and skips gaps when the switch was unreachable', () => {
    const acc = new CallAccounting(undefined, 10_000);
    acc.next(sample(0, {}, { ongoing: 60 }));
    expect(acc.next(sample(10_000, {}, { ongoing: 60 })).minutes).toBeCloseTo(10, 10); // a gap of exactly maxGapMs still counts
    const acc2 = new CallAccounting(undefined, 10_000);
    acc2.next(sample(0, {}, { ongoing: 60 }));
    expect(acc2.next(sample(1000, {}, { ongoing: 60 })).minutes).toBeCloseTo(1, 10);
    expect(acc2.next(sample(2000, {}, { ongoing: 0, answering: 0 })).minutes).toBeCloseTo(0.5, 10);
    expect(acc2.next(sample(30_000, {}, { ongoing: 100 })).minutes).toBe(0);
  });

  it('resumes from a checkpoint without recounting or losing calls made while the collector was down', () => {
    const first = new CallAccounting();
    first.next(sample(0, { processedDialogs: 10 }, { ongoing: 10 }));
    first.next(sample(1000, { processedDialogs: 20 }, { ongoing: 20 }));
    const restored = new CallAccounting(JSON.parse(JSON.stringify(first.checkpoint)));
    const f = restored.next(sample(5000, { processedDialogs: 35, failedDialogs: 5 }, { ongoing: 30 }));
    expect(f).toMatchObject({ attempts: 15, failed: 5, answered: 10 });
  });

  it('counts a counter the checkpoint lacks (written by an older collector) from the next sample, never NaN', () => {
    const { cancelledCalls: _, ...older } = { ...zeroCounters, processedDialogs: 100, failedDialogs: 10, busyReplies: 4 };
    const checkpoint = { sample: { time: 0, upSince: 'run-1', counters: older as SwitchCounters, dialogs: idle }, answeredEmitted: 90 };
    const acc = new CallAccounting(checkpoint);
    const f = acc.next(sample(1000, { processedDialogs: 105, failedDialogs: 13, busyReplies: 5, cancelledCalls: 40 }));
    expect(f).toMatchObject({ attempts: 5, failed: 3, cancelled: 0, userFailures: 0, restarted: false });
    const g = acc.next(sample(2000, { processedDialogs: 106, failedDialogs: 14, busyReplies: 5, cancelledCalls: 41 }));
    expect(g).toMatchObject({ cancelled: 1, userFailures: 1 });
  });
});
