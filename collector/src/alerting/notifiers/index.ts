import type { NotifierConfig } from '../config.js';
import { emailNotifier } from './email.js';
import { pagerDutyNotifier } from './pagerduty.js';
import { slackNotifier } from './slack.js';
import type { Notifier } from './types.js';
import { webhookNotifier } from './webhook.js';

export type { Notification, NotifiedAlert, Notifier } from './types.js';
export { DeliveryError } from './types.js';

export function createNotifier(config: NotifierConfig): Notifier {
  switch (config.type) {
    case 'webhook':
      return webhookNotifier(config);
    case 'slack':
      return slackNotifier(config);
    case 'pagerduty':
      return pagerDutyNotifier(config);
    case 'email':
      return emailNotifier(config);
  }
}
