// `callboard poll --json`: one JSON object {"device","interfaces","cpu","memory","ipsla","voice"}, plus
// "ds1" and "pop" from the T1/E1 profiles when they found spans.
// Counters are numbers while exact (below 2^53), else decimal strings.
import type { PollResult } from './poll-result.js';

export function pollResultJson(result: PollResult): string {
  return JSON.stringify(
    {
      device: result.device,
      interfaces: result.interfaces,
      cpu: result.cpu,
      memory: result.memory,
      ipsla: result.ipsla,
      voice: result.voice ?? null,
      ...(result.ds1 ? { ds1: result.ds1 } : {}),
      ...(result.pop ? { pop: result.pop } : {}),
    },
    (_key, value: unknown) =>
      typeof value === 'bigint' ? (value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()) : value,
  );
}
