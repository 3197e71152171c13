import { createTransport } from 'nodemailer';
import type { NotifierConfig } from '../config.js';
import { alertLines } from './text.js';
import { DeliveryError, type Notifier } from './types.js';

/** Email through an SMTP relay (nodemailer). SMTP 5xx answers are permanent, everything else is retried. */
export function emailNotifier(config: Extract<NotifierConfig, { type: 'email' }>): Notifier {
  const { smtp } = config;
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password?.reveal() ?? '' } : undefined,
    connectionTimeout: config.timeout,
    greetingTimeout: config.timeout,
    socketTimeout: config.timeout,
  });
  return {
    name: config.name,
    type: config.type,
    match: config.match,
    sendResolved: config.sendResolved,
    async send(n) {
      try {
        await transport.sendMail({
          from: config.from,
          to: config.to,
          subject: `[${n.status.toUpperCase()}] ${n.title}`,
          text: `${alertLines(n).join('\n\n')}\n\n-- \ncallboard ${n.event} ${n.id}\n`,
          headers: { 'X-Callboard-Dedup-Key': n.dedupKey, 'X-Callboard-Event': n.event },
          messageId: `<${n.id}@callboard>`,
        });
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        throw new DeliveryError(`SMTP: ${(error as Error).message.slice(0, 200)}`, !(code !== undefined && code >= 500 && code < 600));
      }
    },
    close: () => transport.close(),
  };
}
