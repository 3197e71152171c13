/**
 * Rate limit for repeated log lines: the first event of a key is logged, then at most one per
 * interval, carrying how many were suppressed in between. Keys are bounded (oldest forgotten).
 */
export class LogLimiter {
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxKeys = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** undefined: do not log now; otherwise log, mentioning `suppressed` earlier events. */
  allow(key: string): { suppressed: number } | undefined {
    const now = this.now();
    const entry = this.#last.get(key);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return undefined;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.#last.delete(key);
    this.#last.set(key, { at: now, suppressed: 0 });
    if (this.#last.size > this.maxKeys) this.#last.delete(this.#last.keys().next().value!);
    return { suppressed };
  }

  reset(key: string): void {
    this.#last.delete(key);
  }
}
