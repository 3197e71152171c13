import type { Logger } from '../lib/log.js';
import type { AlertingConfig } from './config.js';
import { DeliveryError, type Notification, type Notifier } from './notifiers/index.js';
import type { LogEntry } from './store.js';

/** A notification on its way to one notifier; persisted until delivered or given up. */
export interface Delivery {
  notifier: string;
  notification: Notification;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
}

export interface OutboxHooks {
  now(): number;
  /** Persist after every outcome (the delivery is gone from `entries` once sent or given up), so a restart neither repeats a delivered notification nor drops a pending one. */
  changed(delivery: Delivery): void;
  record(entry: LogEntry): void;
}

/**
 * Delivers notifications with retries and exponential backoff. Each notifier has its own queue,
 * sent in order (a group's resolve never overtakes its trigger) and one at a time; queues are
 * independent, so a notifier that times out or answers 500 never delays the others.
 */
export class Outbox {
  #entries: Delivery[];
  readonly #busy = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly notifiers: ReadonlyMap<string, Notifier>,
    private readonly retry: AlertingConfig['retry'],
    private readonly hooks: OutboxHooks,
    private readonly log: Logger,
    saved: readonly Delivery[] = [],
  ) {
    // A notifier removed from the config since the save cannot deliver its leftovers.
    this.#entries = saved.filter((d) => notifiers.has(d.notifier));
  }

  get entries(): readonly Delivery[] {
    return this.#entries;
  }

  enqueue(notifier: string, notification: Notification): Delivery {
    const delivery: Delivery = { notifier, notification, attempts: 0, nextAttemptAt: this.hooks.now() };
    this.#entries.push(delivery);
    this.hooks.record({
      time: this.hooks.now(),
      status: 'queued',
      group: notification.group.key,
      event: notification.event,
      notifier,
      notificationId: notification.id,
      dedupKey: notification.dedupKey,
    });
    return delivery;
  }

  /** Starts the due head of every idle notifier's queue. */
  pump(): void {
    const now = this.hooks.now();
    const heads = new Map<string, Delivery>();
    for (const d of this.#entries) if (!heads.has(d.notifier)) heads.set(d.notifier, d);
    for (const [name, head] of heads) {
      if (this.#busy.has(name) || head.nextAttemptAt > now) continue;
      this.#busy.add(name);
      const running = this.#attempt(this.notifiers.get(name)!, head).finally(() => {
        this.#busy.delete(name);
        this.#inFlight.delete(running);
      });
      this.#inFlight.add(running);
    }
  }

  /** Resolves when every delivery attempt under way has ended (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.#inFlight.size) await Promise.allSettled([...this.#inFlight]);
  }

  backoff(attempts: number): number {
    return Math.min(this.retry.maxBackoff, this.retry.initialBackoff * 2 ** (attempts - 1));
  }

  async #attempt(notifier: Notifier, delivery: Delivery): Promise<void> {
    delivery.attempts++;
    const n = delivery.notification;
    const base = {
      group: n.group.key,
      event: n.event,
      notifier: notifier.name,
      notificationId: n.id,
      dedupKey: n.dedupKey,
      attempt: delivery.attempts,
    };
    try {
      await notifier.send(n);
      this.#remove(delivery);
      this.hooks.record({ time: this.hooks.now(), status: 'sent', ...base });
    } catch (error) {
      const retryable = !(error instanceof DeliveryError) || error.retryable;
      const message = (error as Error).message;
      delivery.lastError = message;
      if (retryable && delivery.attempts < this.retry.attempts) {
        delivery.nextAttemptAt = this.hooks.now() + this.backoff(delivery.attempts);
        this.hooks.record({ time: this.hooks.now(), status: 'retry', ...base, error: message });
        this.log.warn(
          { code: 'CALLBOARD_NOTIFY_RETRY', notifier: notifier.name, attempt: delivery.attempts, err: message },
          'notification failed; will retry',
        );
      } else {
        this.#remove(delivery);
        this.hooks.record({ time: this.hooks.now(), status: 'failed', ...base, error: message });
        this.log.error(
          { code: 'CALLBOARD_NOTIFY_FAILED', notifier: notifier.name, attempts: delivery.attempts, err: message },
          'notification given up',
        );
      }
    }
    this.hooks.changed(delivery);
    this.pump();
  }

  #remove(delivery: Delivery): void {
    this.#entries = this.#entries.filter((d) => d !== delivery);
  }
}
