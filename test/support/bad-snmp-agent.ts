// A misbehaving SNMP device for fault tests: a UDP proxy in front of a real agent (the simulator)
// that damages what comes back. `garbage`: random bytes instead of the response; `truncated`:
// the real response cut in half; `slow`: the real response, but only after `delayMs` (past the
// poller's timeout, so it lands while later requests are waiting).
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';

export type BadMode = 'garbage' | 'truncated' | 'slow';

export interface BadAgent {
  port: number;
  /** Requests received, and damaged answers sent back. */
  counts(): { requests: number; answers: number };
  stop(): Promise<void>;
}

export async function startBadAgent(mode: BadMode, upstreamPort: number, delayMs = 0): Promise<BadAgent> {
  const socket = dgram.createSocket('udp4');
  let requests = 0;
  let answers = 0;
  const timers = new Set<NodeJS.Timeout>();
  const open = new Set<dgram.Socket>();
  const answer = (bytes: Buffer, port: number, address: string) => {
    socket.send(bytes, port, address);
    answers++;
  };
  socket.on('message', (request, client) => {
    requests++;
    // One upstream socket per request: its answer is the answer to this request.
    const upstream = dgram.createSocket('udp4');
    open.add(upstream);
    upstream.on('message', (response) => {
      upstream.close();
      open.delete(upstream);
      if (mode === 'garbage') answer(randomBytes(response.length), client.port, client.address);
      else if (mode === 'truncated') answer(response.subarray(0, Math.floor(response.length / 2)), client.port, client.address);
      else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer(response, client.port, client.address);
        }, delayMs);
        timers.add(timer);
      }
    });
    upstream.send(request, upstreamPort, '127.0.0.1');
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    counts: () => ({ requests, answers }),
    stop: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of open) s.close();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
