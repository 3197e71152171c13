import { revealUrl, type NotifierConfig } from '../config.js';
import { postJson } from './http-post.js';
import type { Notifier } from './types.js';

/** Generic webhook: the Notification itself as JSON (documented in collector/src/alerting/README.md). */
export function webhookNotifier(config: Extract<NotifierConfig, { type: 'webhook' }>): Notifier {
  const headers: Record<string, string> = config.bearerToken ? { authorization: `Bearer ${config.bearerToken.reveal()}` } : {};
  return {
    name: config.name,
    type: config.type,
    match: config.match,
    sendResolved: config.sendResolved,
    send: (notification) => postJson(revealUrl(config.url), notification, config.timeout, headers),
  };
}
