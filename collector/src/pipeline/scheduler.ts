import { Counter, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../lib/log.js';
import type { Emit, Input } from '../inputs/input.js';
import { sourceStatusMetric } from './source-status.js';

interface PollState {
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  abort?: AbortController;
  up?: boolean;
}

/**
 * Runs each polled input on its interval. Ticks are aligned to the interval (no drift), a gather
 * still running when its next tick comes is skipped and counted rather than stacked, a gather
 * that overruns its timeout is aborted, and one input failing never delays another.
 */
export class Scheduler {
  readonly #states = new Map<Input, PollState>();
  readonly #log: Logger;
  readonly #polls: Counter;
  readonly #errors: Counter;
  readonly #skipped: Counter;
  readonly #duration: Histogram;
  #stopped = false;

  constructor(
    private readonly inputs: readonly Input[],
    private readonly emit: Emit,
    log: Logger,
    registry: Registry,
  ) {
    this.#log = log.child({ component: 'scheduler' });
    const labelNames = ['input', 'type'] as const;
    this.#polls = new Counter({ name: 'callboard_input_polls_total', help: 'Gathers started', labelNames, registers: [registry] });
    this.#errors = new Counter({ name: 'callboard_input_poll_errors_total', help: 'Gathers that failed or timed out', labelNames, registers: [registry] });
    this.#skipped = new Counter({
      name: 'callboard_input_polls_skipped_total',
      help: 'Ticks skipped because the previous gather of the same input was still running',
      labelNames,
      registers: [registry],
    });
    this.#duration = new Histogram({
      name: 'callboard_input_poll_duration_seconds',
      help: 'Gather duration',
      labelNames,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  start(): void {
    this.#stopped = false;
    for (const input of this.inputs) {
      if (!input.gather || !input.intervalMs) continue;
      this.#states.set(input, {});
      this.#schedule(input, Date.now());
    }
  }

  /** Stops ticking, aborts gathers in flight and waits for them to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const running: Promise<void>[] = [];
    for (const state of this.#states.values()) {
      clearTimeout(state.timer);
      state.abort?.abort(new Error('collector stopping'));
      if (state.running) running.push(state.running);
    }
    await Promise.allSettled(running);
  }

  #schedule(input: Input, now: number): void {
    const interval = input.intervalMs!;
    const delay = interval - (now % interval);
    const state = this.#states.get(input)!;
    state.timer = setTimeout(() => {
      if (this.#stopped) return;
      this.#tick(input, state);
      this.#schedule(input, Date.now());
    }, delay);
  }

  #tick(input: Input, state: PollState): void {
    const labels = { input: input.name, type: input.type };
    if (state.running) {
      this.#skipped.inc(labels);
      this.#log.debug({ input: input.name }, 'previous gather still running: tick skipped');
      return;
    }
    this.#polls.inc(labels);
    const abort = new AbortController();
    const timeoutMs = input.timeoutMs ?? input.intervalMs!;
    const timeout = setTimeout(() => abort.abort(new Error(`gather exceeded ${timeoutMs} ms`)), timeoutMs);
    const started = performance.now();
    state.abort = abort;
    state.running = (async () => {
      try {
        const metrics = await input.gather!(abort.signal);
        const elapsed = performance.now() - started;
        this.#duration.observe(labels, elapsed / 1000);
        this.emit([...metrics, sourceStatusMetric(input, Date.now(), true, elapsed)]);
        if (state.up === false) this.#log.info({ input: input.name }, 'source is back');
        state.up = true;
      } catch (error) {
        const elapsed = performance.now() - started;
        const message = abort.signal.aborted && !this.#stopped ? String((abort.signal.reason as Error).message) : (error as Error).message;
        this.#errors.inc(labels);
        if (!this.#stopped) this.emit([sourceStatusMetric(input, Date.now(), false, elapsed, message)]);
        // Log the transition, not every failed second of an outage.
        if (state.up !== false && !this.#stopped) {
          this.#log.error({ input: input.name, code: (error as { code?: string }).code, err: message }, 'source unreachable or failing');
        }
        state.up = false;
      } finally {
        clearTimeout(timeout);
        state.running = undefined;
        state.abort = undefined;
      }
    })();
  }
}
