import { randomUUID } from 'node:crypto';
import { formatMatcher, matchesAll, type Labels, type Matcher } from './matchers.js';

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  createdAt: number;
}

/** How long an expired silence is still listed (and persisted), for the record of who muted what. */
const KEEP_EXPIRED_MS = 7 * 86_400_000;

/** Silences created through the API: mute alerts matching all matchers between startsAt and endsAt. */
export class Silences {
  readonly #silences = new Map<string, Silence>();

  constructor(saved: readonly Silence[] = []) {
    for (const s of saved) this.#silences.set(s.id, s);
  }

  create(input: Omit<Silence, 'id' | 'createdAt'>, now: number): Silence {
    const silence = { ...input, id: randomUUID(), createdAt: now };
    this.#silences.set(silence.id, silence);
    return silence;
  }

  /** Ends a silence now; false when there is no such silence. */
  expire(id: string, now: number): Silence | undefined {
    const silence = this.#silences.get(id);
    if (!silence) return undefined;
    if (silence.endsAt > now) silence.endsAt = Math.max(now, silence.startsAt);
    return silence;
  }

  muting(labels: Labels, now: number): Silence | undefined {
    for (const s of this.#silences.values()) if (s.startsAt <= now && now < s.endsAt && matchesAll(s.matchers, labels)) return s;
    return undefined;
  }

  list(now: number): (Silence & { status: 'pending' | 'active' | 'expired'; matcherText: string[] })[] {
    return [...this.#silences.values()]
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((s) => ({
        ...s,
        status: now < s.startsAt ? 'pending' : now < s.endsAt ? 'active' : 'expired',
        matcherText: s.matchers.map(formatMatcher),
      }));
  }

  /** Drops silences expired for a week; true when something was dropped. */
  prune(now: number): boolean {
    let dropped = false;
    for (const [id, s] of this.#silences) if (now - s.endsAt > KEEP_EXPIRED_MS) dropped = this.#silences.delete(id);
    return dropped;
  }

  all(): Silence[] {
    return [...this.#silences.values()];
  }
}
