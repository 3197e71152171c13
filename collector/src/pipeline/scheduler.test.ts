import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Input } from '../inputs/input.js';
import { memoryLogger } from '../lib/test-logger.js';
import type { Metric } from './metric.js';
import { Scheduler } from './scheduler.js';

const metric = (value: number): Metric => ({ measurement: 'm', tags: {}, fields: { value }, time: Date.now() });

function counterValue(registry: Registry, name: string, input: string): Promise<number> {
  return registry.getSingleMetric(name)!.get().then((m) => m.values.find((v) => v.labels.input === input)?.value ?? 0);
}

describe('Scheduler', () => {
  afterEach(() => vi.useRealTimers());

  it('skips (and counts) a tick while the previous gather still runs, instead of stacking', async () => {
    vi.useFakeTimers();
    let running = 0;
    let maxRunning = 0;
    const slow: Input = {
      name: 'slow', type: 't', intervalMs: 100, timeoutMs: 1000,
      gather: async () => {
        maxRunning = Math.max(maxRunning, ++running);
        await new Promise((r) => setTimeout(r, 350));
        running--;
        return [metric(1)];
      },
    };
    const registry = new Registry();
    const emitted: Metric[] = [];
    const scheduler = new Scheduler([slow], (m) => emitted.push(...m), memoryLogger().log, registry);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1000);
    const stopped = scheduler.stop(); // waits for the gather in flight, which ignores abort
    await vi.advanceTimersByTimeAsync(400);
    await stopped;
    expect(maxRunning).toBe(1);
    const polls = await counterValue(registry, 'callboard_input_polls_total', 'slow');
    const skipped = await counterValue(registry, 'callboard_input_polls_skipped_total', 'slow');
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(skipped).toBeGreaterThanOrEqual(5);
    expect(polls + skipped).toBeGreaterThanOrEqual(9);
  });

  it('isolates a failing input: the other keeps its cadence; the failure is reported as source down once', async () => {
    vi.useFakeTimers();
    const good: Input = { name: 'good', type: 't', intervalMs: 100, gather: async () => [metric(1)] };
    const bad: Input = { name: 'bad', type: 't', intervalMs: 100, gather: async () => Promise.reject(Object.assign(new Error('connection refused'), { code: 'X' })) };
    const registry = new Registry();
    const emitted: Metric[] = [];
    const { log, lines } = memoryLogger();
    const scheduler = new Scheduler([bad, good], (m) => emitted.push(...m), log, registry);
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1000);
    await scheduler.stop();
    expect(emitted.filter((m) => m.measurement === 'm').length).toBeGreaterThanOrEqual(9);
    const badStatus = emitted.filter((m) => m.measurement === 'callboard_source' && m.tags.input === 'bad');
    expect(badStatus.length).toBeGreaterThanOrEqual(9);
    expect(badStatus.every((m) => m.fields.up === 0 && m.fields.error === 'connection refused')).toBe(true);
    expect(lines.filter((l) => l.msg === 'source unreachable or failing').length).toBe(1);
    expect(await counterValue(registry, 'callboard_input_poll_errors_total', 'bad')).toBeGreaterThanOrEqual(9);
  });

  it('aborts a gather that overruns its timeout', async () => {
    vi.useFakeTimers();
    let sawAbort = false;
    const hung: Input = {
      name: 'hung', type: 't', intervalMs: 1000, timeoutMs: 200,
      gather: (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => { sawAbort = true; reject(signal.reason); })),
    };
    const emitted: Metric[] = [];
    const scheduler = new Scheduler([hung], (m) => emitted.push(...m), memoryLogger().log, new Registry());
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1300);
    await scheduler.stop();
    expect(sawAbort).toBe(true);
    expect(emitted[0]?.fields.error).toBe('gather exceeded 200 ms');
  });
});
