// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { messageTotal, parseSippCounts } from './sipp-counts.js';

// Layout of a file SIPp 3.6.1 wrote (-trace_counts -fd 1) for sipp/uas-congested.xml; counts edited to three calls.
const recorded = [
  'CurrentTime;ElapsedTime;0_INVITE_Recv;0_INVITE_Retrans;0_INVITE_Timeout;0_INVITE_Unexp;1_503_Sent;1_503_Retrans;1_503_Timeout;2_ACK_Recv;2_ACK_Retrans;2_ACK_Timeout;2_ACK_Unexp;3_Pause_Sessions;3_Pause_Unexp;',
  '2026-11-25\t19:08:00.822644\t1795633680.822644;00:00:00:002000;0;0;0;0;0;0;0;0;0;0;0;0;0;',
  '2026-11-25\t19:08:03.835166\t1795633683.835166;00:00:03:014000;3;1;0;0;3;2;0;3;0;0;0;3;0;',
  '',
].join('\n');

describe('SIPp -trace_counts', () => {
  it('reads the last row: per message, sent or received, retransmissions, and when it was written', () => {
    const counts = parseSippCounts(recorded);
    expect(counts.time).toBe(1795633683835);
    expect(counts.messages.slice(0, 3)).toEqual([
      { index: 0, message: 'INVITE', count: 3, retransmissions: 1, timeouts: 0, unexpected: 0 },
      { index: 1, message: '503', count: 3, retransmissions: 2, timeouts: 0, unexpected: 0 },
      { index: 2, message: 'ACK', count: 3, retransmissions: 0, timeouts: 0, unexpected: 0 },
    ]);
    expect(messageTotal(counts, '503')).toBe(3);
    expect(messageTotal(counts, '503', 'retransmissions')).toBe(2);
    expect(messageTotal(counts, 'CANCEL')).toBe(0);
  });

  it('names what is wrong with a file that is not one', () => {
    expect(() => parseSippCounts('a;b;\n1;2;\n')).toThrow(/not a SIPp stat CSV/);
    expect(() => parseSippCounts(recorded.split('\n')[0]!)).toThrow(/no data row/);
    expect(() => parseSippCounts(recorded.replace(';3;1;0;0;3;', ';3;x;0;0;3;'))).toThrow(/0_INVITE_Retrans is not a count/);
  });
});
