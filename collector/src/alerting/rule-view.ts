import type { Observation } from './rules.js';
import type { AlertRecord, Timing } from './state.js';

/**
 * What a rule that reports only its changes (RuleEvaluator.changes) lists now: its last observation
 * of every instance, and a timer queue of the instances whose alert moves with time alone (pending
 * until `for` has passed, firing until its condition has been clear for `resolveAfter`). An
 * evaluation then steps the changed instances and those due, and the result equals a full reading.
 */
export class RuleView {
  /** False until a full reading fills it (at start, or after the engine forgot its fingerprints). */
  valid = false;
  readonly #listed = new Map<string, { obs: Observation; fingerprint: string }>();
  readonly #fingerprints = new Set<string>();
  readonly #due = new TimerQueue();

  reset(): void {
    this.#listed.clear();
    this.#fingerprints.clear();
    this.#due.clear();
    this.valid = true;
  }

  set(obs: Observation, fingerprint: string): void {
    this.#listed.set(obs.key, { obs, fingerprint });
    this.#fingerprints.add(fingerprint);
  }

  remove(key: string): void {
    const entry = this.#listed.get(key);
    if (!entry) return;
    this.#listed.delete(key);
    this.#fingerprints.delete(entry.fingerprint);
  }

  /** Whether the alert's instance is listed now (an unlisted one counts as unknown, then clear). */
  lists(fingerprint: string): boolean {
    return this.#fingerprints.has(fingerprint);
  }

  /** Queues the instance for when its alert would move without a change of its observation. */
  schedule(key: string, record: AlertRecord | undefined, active: boolean, timing: Timing): void {
    if (!record) return;
    if (active && record.state === 'pending') this.#due.push(record.activeSince! + timing.forMs, key);
    else if (!active && record.state === 'firing' && record.clearSince !== undefined)
      this.#due.push(record.clearSince + timing.resolveAfterMs, key);
  }

  /** The observations of the listed instances due by `now` (each once), removed from the queue. */
  due(now: number): Observation[] {
    const keys = new Set<string>();
    for (let key = this.#due.popUntil(now); key !== undefined; key = this.#due.popUntil(now)) keys.add(key);
    return [...keys].flatMap((key) => this.#listed.get(key)?.obs ?? []);
  }
}

/** A binary min-heap of (time, key); stale entries are harmless, since stepping an alert that is not due changes nothing. */
class TimerQueue {
  #times: number[] = [];
  #keys: string[] = [];

  clear(): void {
    this.#times = [];
    this.#keys = [];
  }

  push(time: number, key: string): void {
    let i = this.#times.length;
    this.#times.push(time);
    this.#keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#times[parent]! <= time) break;
      this.#move(parent, i);
      i = parent;
    }
    this.#times[i] = time;
    this.#keys[i] = key;
  }

  /** The key of the earliest entry if it is due by `now`, removed; undefined otherwise. */
  popUntil(now: number): string | undefined {
    if (this.#times.length === 0 || this.#times[0]! > now) return undefined;
    const key = this.#keys[0]!;
    const lastTime = this.#times.pop()!;
    const lastKey = this.#keys.pop()!;
    const n = this.#times.length;
    if (n === 0) return key;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.#times[child + 1]! < this.#times[child]!) child++;
      if (this.#times[child]! >= lastTime) break;
      this.#move(child, i);
      i = child;
    }
    this.#times[i] = lastTime;
    this.#keys[i] = lastKey;
    return key;
  }

  #move(from: number, to: number): void {
    this.#times[to] = this.#times[from]!;
    this.#keys[to] = this.#keys[from]!;
  }
}
