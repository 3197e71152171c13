// Which addresses a running service actually bound, read from /proc: the check behind
// "nothing binds outside 127.0.0.1". Config review is not enough: influxd's and SIPp's
// defaults are all interfaces, and a missing option only shows in the socket table.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { liveGroupMembers } from './process-groups.js';

export interface BoundSocket {
  proto: 'tcp' | 'udp' | 'tcp6' | 'udp6';
  address: string;
  port: number;
}

const TCP_LISTEN = '0A';
const UNCONNECTED = /^0+:0000$/; // remote address of a bound-but-unconnected UDP socket

/** Listening TCP sockets and bound UDP sockets of every process in the group. */
export function boundSocketsOfGroup(pgid: number): BoundSocket[] {
  const inodes = new Set<string>();
  for (const pid of liveGroupMembers(pgid)) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode) inodes.add(inode);
      } catch {
        // fd closed meanwhile
      }
    }
  }
  const sockets: BoundSocket[] = [];
  for (const proto of ['tcp', 'udp', 'tcp6', 'udp6'] as const) {
    let table: string;
    try {
      table = readFileSync(`/proc/net/${proto}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of table.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [local, remote, state, inode] = [f[1], f[2], f[3], f[9]];
      if (!local || !remote || !inode || !inodes.has(inode)) continue;
      const bound = proto.startsWith('tcp') ? state === TCP_LISTEN : UNCONNECTED.test(remote);
      if (!bound) continue;
      const [hexAddress, hexPort] = local.split(':') as [string, string];
      sockets.push({ proto, address: decodeAddress(hexAddress), port: parseInt(hexPort, 16) });
    }
  }
  return sockets;
}

// /proc/net prints addresses as 32-bit words in host (little-endian) byte order.
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${bytes.slice(12).join('.')}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}
