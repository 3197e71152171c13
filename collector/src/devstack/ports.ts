// Free loopback ports for devstack services.
//
// The OS picks the port (bind to port 0), so parallel test files and other people's
// services on the same machine do not collide on hard-coded numbers. There is an
// unavoidable gap between closing our probe socket and the service binding the port;
// starters retry with fresh ports when a service fails to bind.
//
// Careful with UDP: Kamailio binds its SIP socket with SO_REUSEADDR, so two Kamailios on
// the same UDP port both start "fine" and silently share traffic. Only OS-chosen ports
// keep that from happening.
import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';
import net from 'node:net';

export type PortKind = 'tcp' | 'udp';

const LOOPBACK = '127.0.0.1';

interface HeldPort {
  port: number;
  release(): Promise<void>;
}

async function holdPort(kind: PortKind, port: number): Promise<HeldPort> {
  if (kind === 'tcp') {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: LOOPBACK, exclusive: true }, () => resolve());
    });
    const address = server.address() as net.AddressInfo;
    return { port: address.port, release: () => new Promise((resolve) => server.close(() => resolve())) };
  }
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, address: LOOPBACK, exclusive: true }, () => resolve());
  });
  return { port: socket.address().port, release: () => new Promise((resolve) => socket.close(() => resolve())) };
}

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort(kind: PortKind): Promise<number> {
  const held = await holdPort(kind, 0);
  await held.release();
  return held.port;
}

/** n distinct free ports: all are held open until the last one is found, so none repeats. */
export async function freePorts(n: number, kind: PortKind): Promise<number[]> {
  const held: HeldPort[] = [];
  try {
    while (held.length < n) held.push(await holdPort(kind, 0));
    return held.map((h) => h.port);
  } finally {
    await Promise.all(held.map((h) => h.release()));
  }
}

/** Whether 127.0.0.1:port can be bound right now. */
export async function isPortFree(port: number, kind: PortKind): Promise<boolean> {
  try {
    const held = await holdPort(kind, port);
    await held.release();
    return true;
  } catch {
    return false;
  }
}

/**
 * A free UDP port p whose sibling p+gap is free too. SIPp's RTP echo binds both the
 * -mp port and -mp + 2 (video), and fails when the second one is taken.
 */
export async function freeUdpPortWithSibling(gap = 2, attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const port = await freePort('udp');
    if (port + gap <= 65535 && (await isPortFree(port + gap, 'udp'))) return port;
  }
  throw new Error(`no free UDP port p with p+${gap} also free after ${attempts} attempts`);
}

/**
 * How many distinct UDP sockets are bound to 127.0.0.1:port (from /proc/net/udp).
 * A Kamailio that shares its SIP port with someone else shows 2 or more: the only way
 * to notice, since SO_REUSEADDR lets its bind() succeed.
 */
export async function udpSocketsBoundTo(port: number): Promise<number> {
  const table = await readFile('/proc/net/udp', 'utf8');
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === local && fields[9] !== undefined) inodes.add(fields[9]);
  }
  return inodes.size;
}
