// A listener on Kamailio's evapi port that records every call event, for tests and the
// demo's self-check. It is deliberately dumb (no reconnect, no validation beyond JSON):
// the collector has the real subscriber; this one tells us what Kamailio actually sent.
//
// Events (see kamailio/kamailio.cfg), one JSON object per netstring, "ts" = $TV(Sn):
//   {"event":"call_attempt","ts":1795624842.005997,"callid":"1-6387@127.0.0.1"}
//   {"event":"call_answered","ts":…,"callid":"…","gw":"sip:127.0.0.1:59946"}
//   {"event":"call_ended","ts":…,"callid":"…","gw":"sip:127.0.0.1:59946"}
//   {"event":"call_failed","ts":…,"callid":"…","code":486}
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetstringDecoder } from '../inputs/kamailio/evapi.js';
import { waitFor } from './wait-for.js';

export type CallEventName = 'call_attempt' | 'call_answered' | 'call_ended' | 'call_failed';

export interface CallEvent {
  event: CallEventName;
  ts: number;
  callid: string;
  gw?: string;
  code?: number;
}

export interface EvapiTap {
  /** Parsed events, in arrival order. */
  events: CallEvent[];
  /** Payloads that were not JSON objects with an "event" (should stay empty). */
  malformed: string[];
  count(event: CallEventName): number;
  /** Resolves once counts[event] >= n for every given event. */
  waitForCounts(counts: Partial<Record<CallEventName, number>>, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects to evapi. evapi registers a client in its own worker shortly after the TCP
 * accept; events relayed in between are not delivered to it, hence the settle pause.
 */
export async function tapEvapi(port: number, settleMs = 200): Promise<EvapiTap> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const events: CallEvent[] = [];
  const malformed: string[] = [];
  const decoder = new NetstringDecoder();
  socket.on('data', (chunk: Buffer) => {
    for (const text of decoder.push(chunk)) {
      try {
        const parsed = JSON.parse(text) as CallEvent;
        if (typeof parsed === 'object' && parsed !== null && typeof parsed.event === 'string') events.push(parsed);
        else malformed.push(text);
      } catch {
        malformed.push(text);
      }
    }
  });
  socket.on('error', () => {}); // Kamailio stopping under us is normal at the end of a test
  await sleep(settleMs);

  const count = (event: CallEventName): number => events.filter((e) => e.event === event).length;
  return {
    events,
    malformed,
    count,
    async waitForCounts(counts, timeoutMs) {
      const entries = Object.entries(counts) as Array<[CallEventName, number]>;
      await waitFor(() => entries.every(([event, n]) => count(event) >= n), {
        timeoutMs,
        what: () => `evapi events ${JSON.stringify(counts)} (have ${entries.map(([e]) => `${e}=${count(e)}`).join(', ')})`,
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.destroy();
      }),
  };
}
