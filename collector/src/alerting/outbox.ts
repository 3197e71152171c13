import type { Logger } from '../lib/log.js';
import type { SelfCheck } from '../pipeline/self-checks.js';
import type { AlertingConfig } from './config.js';
import { DeliveryError, type Notification, type Notifier } from './notifiers/index.js';
import type { LogEntry } from './store.js';

/** A notification on its way to one notifier; persisted until delivered or given up. */
export interface Delivery {
  notifier: string;
  notification: Notification;
  attempts: number;
  nextAttemptAt: number;
  /** When it was queued (absent in deliveries saved by older versions: then the notification's createdAt). */
  queuedAt?: number;
  lastError?: string;
}

export interface OutboxHooks {
  now(): number;
  /** Whether the group is still firing: its trigger (or repeat) is worth retrying. */
  firing(groupKey: string): boolean;
  /** Persist after every outcome (the delivery is gone from `entries` once sent or given up), so a restart neither repeats a delivered notification nor drops a pending one. */
  changed(delivery: Delivery): void;
  record(entry: LogEntry): void;
}

/**
 * Delivers notifications with retries and capped exponential backoff. Each notifier has its own
 * queue, sent in order (a group's resolve never overtakes its trigger) and one at a time; queues
 * are independent, so a notifier that times out or answers 500 never delays the others. A trigger
 * is retried as long as its group fires (a page is never given up while the outage lasts), a
 * resolve until it is retry.resolveMaxAge old; a notifier failing longer than retry.failingAfter
 * shows in check(), the `notifier` check of `self` rules, so the other notifiers page about it.
 */
export class Outbox {
  #entries: Delivery[];
  readonly #busy = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();
  /**
   * Per notifier: since when it fails (from a failed attempt to the next delivery, also with an empty queue: a
   * wrong key fails every page at once), and why. The `self` alert about it is queued to it too and probes it.
   */
  readonly #failing = new Map<string, { since: number; error: string }>();

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
    const now = this.hooks.now();
    const delivery: Delivery = { notifier, notification, attempts: 0, nextAttemptAt: now, queuedAt: now };
    this.#entries.push(delivery);
    this.hooks.record({
      time: now,
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
    return Math.min(this.retry.maxBackoff, this.retry.initialBackoff * 2 ** Math.min(attempts - 1, 40));
  }

  /** The `notifier` self check: failing while a notifier has not delivered for retry.failingAfter. */
  check(now: number): SelfCheck {
    const late = [...this.#failing].filter(([, f]) => now - f.since >= this.retry.failingAfter);
    if (late.length === 0) return { name: 'notifier', status: 'ok' };
    const waiting = (name: string) => this.#entries.filter((d) => d.notifier === name).length;
    const since = Math.min(...late.map(([, f]) => f.since));
    return {
      name: 'notifier',
      status: 'failing',
      since,
      value: Math.round((now - since) / 1000),
      reason: late
        .map(
          ([name, f]) =>
            `notifier ${name} has not delivered for ${Math.round((now - f.since) / 60_000)} min (${waiting(name)} waiting): ${f.error}`,
        )
        .join('; '),
    };
  }

  /** Why a delivery that failed with a retryable error is not retried, if it is not. */
  #giveUpReason(delivery: Delivery, now: number): string | undefined {
    const n = delivery.notification;
    if (n.event !== 'resolve') return this.hooks.firing(n.group.key) ? undefined : 'the alert group is no longer firing';
    const queuedAt = delivery.queuedAt ?? Date.parse(n.createdAt);
    return now - queuedAt >= this.retry.resolveMaxAge
      ? `not delivered within retry.resolveMaxAge (${this.retry.resolveMaxAge} ms)`
      : undefined;
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
      this.#failing.delete(notifier.name);
      this.hooks.record({ time: this.hooks.now(), status: 'sent', ...base });
    } catch (error) {
      const retryable = !(error instanceof DeliveryError) || error.retryable;
      const message = (error as Error).message;
      delivery.lastError = message;
      const now = this.hooks.now();
      this.#failing.set(notifier.name, { since: this.#failing.get(notifier.name)?.since ?? now, error: message });
      const giveUp = retryable ? this.#giveUpReason(delivery, now) : 'not retryable';
      if (giveUp === undefined) {
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
          { code: 'CALLBOARD_NOTIFY_FAILED', notifier: notifier.name, attempts: delivery.attempts, err: message, reason: giveUp },
          `notification given up: ${giveUp}`,
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
