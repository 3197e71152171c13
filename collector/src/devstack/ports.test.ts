// @vitest-environment node
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { freePort, freePorts, freeUdpPortWithSibling, isPortFree, udpSocketsBoundTo } from './ports.js';

describe('ports', () => {
  it('finds distinct free loopback ports of each kind', async () => {
    const tcp = await freePorts(5, 'tcp');
    expect(new Set(tcp).size).toBe(5);
    for (const port of tcp) expect(await isPortFree(port, 'tcp')).toBe(true);
    const udp = await freePort('udp');
    expect(udp).toBeGreaterThan(1024);
    const rtp = await freeUdpPortWithSibling(2);
    expect(await isPortFree(rtp + 2, 'udp')).toBe(true);
  });

  it('sees a port in use, and counts UDP sockets sharing one via SO_REUSEADDR', async () => {
    const port = await freePort('udp');
    const sockets = [dgram.createSocket({ type: 'udp4', reuseAddr: true }), dgram.createSocket({ type: 'udp4', reuseAddr: true })];
    for (const s of sockets) await new Promise<void>((resolve) => s.bind(port, '127.0.0.1', () => resolve()));
    try {
      expect(await isPortFree(port, 'udp')).toBe(false);
      expect(await udpSocketsBoundTo(port)).toBe(2);
    } finally {
      for (const s of sockets) s.close();
    }
  });
});
