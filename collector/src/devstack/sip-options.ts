// One SIP OPTIONS request over UDP, answered with the reply's status code.
// Used to know a SIPp UAS is really answering (SIPp has no readiness signal; with -aa it
// replies 200 to OPTIONS), the same question Kamailio's dispatcher probe asks.
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';

export async function sipOptions(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<number> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    const localPort = socket.address().port;
    const id = randomBytes(8).toString('hex');
    const request = [
      `OPTIONS sip:${host}:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=z9hG4bK-${id};rport`,
      'Max-Forwards: 70',
      `From: <sip:devstack@127.0.0.1>;tag=${id}`,
      `To: <sip:${host}:${port}>`,
      `Call-ID: devstack-${id}@127.0.0.1`,
      'CSeq: 1 OPTIONS',
      `Contact: <sip:devstack@127.0.0.1:${localPort}>`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const reply = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to OPTIONS from ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
      socket.on('message', (message) => {
        const status = /^SIP\/2\.0 (\d{3})/.exec(message.toString('latin1'));
        if (status && message.includes(id)) {
          clearTimeout(timer);
          resolve(Number(status[1]));
        }
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    socket.send(request, port, host);
    return await reply;
  } finally {
    socket.close();
  }
}
