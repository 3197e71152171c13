import type { LiveSeries, LiveStore } from './store.js';

export type Publish = (series: LiveSeries) => void;

/**
 * Coalesces store changes per topic to at most `maxPerSecond` pushes: the first change of a
 * quiet topic goes out at once (low latency), later ones within the window are merged and
 * the newest value is sent when the window ends (nothing is lost, only superseded).
 */
export class LiveHub {
  readonly #minGapMs: number;
  readonly #lastSent = new Map<string, number>();
  readonly #pending = new Map<string, NodeJS.Timeout>();
  readonly #publishers = new Set<Publish>();
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly store: LiveStore, maxPerSecond: number) {
    this.#minGapMs = 1000 / maxPerSecond;
  }

  start(): void {
    this.#unsubscribe = this.store.subscribe((series) => this.#onChange(series.topic));
  }

  stop(): void {
    this.#unsubscribe?.();
    for (const timer of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }

  /** Events (alert state changes) go out at once to every client, never coalesced: each one matters. */
  publish(event: LiveSeries): void {
    for (const publish of this.#publishers) publish(event);
  }

  add(publish: Publish): () => void {
    this.#publishers.add(publish);
    return () => this.#publishers.delete(publish);
  }

  #onChange(topic: string): void {
    if (this.#pending.has(topic)) return;
    const wait = (this.#lastSent.get(topic) ?? -Infinity) + this.#minGapMs - performance.now();
    if (wait <= 0) return this.#send(topic);
    this.#pending.set(
      topic,
      setTimeout(() => {
        this.#pending.delete(topic);
        this.#send(topic);
      }, wait),
    );
  }

  #send(topic: string): void {
    const series = this.store.get(topic);
    if (!series) return;
    this.#lastSent.set(topic, performance.now());
    for (const publish of this.#publishers) publish(series);
  }
}
