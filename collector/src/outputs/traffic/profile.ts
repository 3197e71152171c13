import { JsonCheckpoint } from '../../lib/checkpoint.js';
import type { Metric } from '../../pipeline/metric.js';
import type { Sink } from '../../pipeline/sink.js';
import type { QuarterHour } from '../../traffic/busy-hour.js';

const QUARTER_MS = 900_000;

type Profiles = Record<string, Record<string, number>>;

/**
 * Carried traffic per trunk group and quarter hour (minutes of use), kept for `keepDays` and
 * checkpointed, so that the busy hour and Erlang B advice need no query against storage. A crash
 * loses at most the minutes since the last checkpoint; it never counts them twice.
 */
export class TrafficProfileSink implements Sink {
  readonly name = 'traffic-profile';
  readonly #checkpoint: JsonCheckpoint<Profiles>;
  #profiles: Profiles = {};
  #timer: NodeJS.Timeout | undefined;

  constructor(file: string, private readonly keepDays = 35, private readonly saveEveryMs = 60_000) {
    this.#checkpoint = new JsonCheckpoint(file);
  }

  async start(): Promise<void> {
    this.#profiles = this.#checkpoint.read() ?? {};
    this.#timer = setInterval(() => this.#save(), this.saveEveryMs).unref();
  }

  write(metrics: readonly Metric[]): void {
    for (const m of metrics) {
      if (m.measurement !== 'trunk_group' || m.destination === 'live') continue;
      const minutes = m.fields.minutes;
      const group = m.tags.trunk_group;
      if (typeof minutes !== 'number' || !group || minutes <= 0) continue;
      const quarter = String(Math.floor(m.time / QUARTER_MS) * QUARTER_MS);
      const profile = (this.#profiles[group] ??= {});
      profile[quarter] = (profile[quarter] ?? 0) + minutes;
    }
  }

  async flush(): Promise<void> {
    this.#save();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#save();
  }

  /** Quarter hours of one group, oldest first, as Erlangs (minutes / 15). */
  quarters(group: string): QuarterHour[] {
    return Object.entries(this.#profiles[group] ?? {})
      .map(([start, minutes]) => ({ start: Number(start), erlangs: minutes / 15 }))
      .sort((a, b) => a.start - b.start);
  }

  #save(): void {
    const oldest = Date.now() - this.keepDays * 86_400_000;
    for (const profile of Object.values(this.#profiles)) for (const start of Object.keys(profile)) if (Number(start) < oldest) delete profile[start];
    this.#checkpoint.write(this.#profiles);
  }
}
