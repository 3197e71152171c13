/**
 * Times at which a SIPp UAS sent the first 200 OK to each INVITE, from its `-trace_msg` file.
 * Blocks start with a dashed line carrying the local time with microseconds.
 */
export function answerTimes(trace: string): number[] {
  const times = new Map<string, number>();
  for (const block of trace.split(/^-{20,} /m).slice(1)) {
    const header = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d+)\r?\n(.*)\r?\n\r?\n(.*)/.exec(block);
    if (!header || !header[8]!.includes('sent') || !header[9]!.startsWith('SIP/2.0 200')) continue;
    if (!/^CSeq:\s*\d+\s+INVITE/im.test(block)) continue;
    const callId = /^Call-ID:\s*(.+?)\s*$/im.exec(block)?.[1];
    if (!callId || times.has(callId)) continue; // retransmissions do not answer again
    const [, y, mo, d, h, mi, s, frac] = header.map(Number) as number[];
    const ms = new Date(y!, mo! - 1, d!, h!, mi!, s!).getTime() + Number(`0.${header[7]}`) * 1000;
    times.set(callId, ms);
  }
  return [...times.values()].sort((a, b) => a - b);
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
