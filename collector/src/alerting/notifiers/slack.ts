import { revealUrl, type NotifierConfig } from '../config.js';
import { postJson } from './http-post.js';
import type { Notification, Notifier } from './types.js';
import { alertLines } from './text.js';

const COLOR: Record<string, string> = { critical: '#d50000', major: '#ff6d00', minor: '#ffab00', warning: '#ffd600', info: '#2962ff' };

/** The body of a Slack incoming webhook (also accepted by Mattermost and Rocket.Chat). */
export function slackBody(n: Notification, channel?: string) {
  return {
    ...(channel ? { channel } : {}),
    text: n.title,
    attachments: [
      {
        color: n.status === 'resolved' ? '#2e7d32' : (COLOR[n.severity] ?? '#9e9e9e'),
        text: alertLines(n).join('\n'),
        footer: `callboard ${n.dedupKey}`,
      },
    ],
  };
}

export function slackNotifier(config: Extract<NotifierConfig, { type: 'slack' }>): Notifier {
  return {
    name: config.name,
    type: config.type,
    match: config.match,
    sendResolved: config.sendResolved,
    send: (notification) => postJson(revealUrl(config.url), slackBody(notification, config.channel), config.timeout),
  };
}
