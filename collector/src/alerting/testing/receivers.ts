import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** Real local receivers for the alerting tests: an HTTP endpoint recording every POST, and an SMTP sink. */

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, any>;
  /** The test's clock when the request arrived. */
  at: number;
  status: number;
}

export interface HttpReceiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** `status(n)` answers the n-th request (0-based); default 202 (as PagerDuty). */
export async function startHttpReceiver(clock: () => number = Date.now, status: (n: number) => number = () => 202): Promise<HttpReceiver> {
  const received: Received[] = [];
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const code = status(count++);
      received.push({
        path: req.url ?? '/',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
        at: clock(),
        status: code,
      });
      res
        .writeHead(code, { 'content-type': 'application/json' })
        .end(code < 300 ? '{"status":"success"}' : '{"error":"receiver failing on purpose"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

export interface Mail {
  from: string;
  to: string[];
  subject: string;
  headers: Record<string, string>;
  raw: string;
}

export async function startSmtpSink(): Promise<{ port: number; messages: Mail[]; close(): Promise<void> }> {
  const messages: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
        const headers: Record<string, string> = {};
        for (const line of head.split(/\r?\n/)) {
          const at = line.indexOf(':');
          if (at > 0) headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
        }
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: headers.subject ?? '',
          headers,
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public t: number) {}
  readonly now = (): number => this.t;
  advance(ms: number): number {
    return (this.t += ms);
  }
}
