import { describe, expect, it } from 'vitest';
import { answerTimes, percentile } from './sipp-trace.js';

const block = (time: string, direction: string, first: string, callId: string, cseq = '1 INVITE') =>
  `----------------------------------------------- ${time}\nUDP message ${direction} (467 bytes):\n\n${first}\nCall-ID: ${callId}\nCSeq: ${cseq}\nContent-Length: 0\n\n`;

describe('answerTimes', () => {
  it('takes the first 200 OK sent for each INVITE, ignoring requests, retransmissions and BYE answers', () => {
    const trace = [
      block('2026-11-25 16:57:34.200775', 'received [506] bytes :', 'INVITE sip:1000@127.0.0.1 SIP/2.0', 'a'),
      block('2026-11-25 16:57:34.200908', 'sent', 'SIP/2.0 200 OK', 'a'),
      block('2026-11-25 16:57:34.700908', 'sent', 'SIP/2.0 200 OK', 'a'),
      block('2026-11-25 16:57:34.300000', 'sent', 'SIP/2.0 486 Busy Here', 'b'),
      block('2026-11-25 16:57:35.000001', 'sent', 'SIP/2.0 200 OK', 'c'),
      block('2026-11-25 16:57:36.000000', 'sent', 'SIP/2.0 200 OK', 'c', '2 BYE'),
    ].join('');
    const times = answerTimes(trace);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeCloseTo(799.093, 3);
    expect(times[0]).toBe(new Date(2026, 10, 25, 16, 57, 34).getTime() + 200.908);
  });

  it('computes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(values, 50), percentile(values, 99), percentile(values, 100)]).toEqual([50, 99, 100]);
    expect(percentile([], 50)).toBeNaN();
  });
});
