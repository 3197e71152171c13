// @vitest-environment node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveGroupMembers } from './process-groups.js';
import { spawnService, waitFor } from './process.js';
import { runningServiceNames } from './service-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'callboard-process-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error a promise rejects with (and a failure of its own if it resolves). */
const rejection = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );

const sh = (name: string, script: string) =>
  spawnService({ name, command: 'sh', args: ['-c', script], logFile: join(dir, `${name}.log`) });

describe('spawnService', () => {
  it('stops the whole process group, children included', async () => {
    const service = await sh('forker', 'sleep 30 & sleep 30 & echo started; wait');
    await waitFor(() => liveGroupMembers(service.pid).length === 3, { timeoutMs: 5000, what: 'shell and two sleeps' });
    expect(runningServiceNames()).toContain('forker');

    await service.stop();
    expect(liveGroupMembers(service.pid)).toEqual([]);
    expect(service.exitStatus).toBe('SIGTERM');
    expect(runningServiceNames()).not.toContain('forker');
  });

  it('escalates to SIGKILL when SIGTERM is ignored', async () => {
    const service = await sh('stubborn', 'trap "" TERM; sleep 30 & wait');
    await waitFor(() => liveGroupMembers(service.pid).length === 2, { timeoutMs: 5000, what: 'shell and sleep' });
    const started = Date.now();
    await service.stop('SIGTERM', 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await service.exited).toBeNull();
    expect(service.exitStatus).toBe('SIGKILL');
    expect(liveGroupMembers(service.pid)).toEqual([]);
  });

  it('reports a missing binary as a failed start', async () => {
    await expect(spawnService({ name: 'ghost', command: 'no-such-binary-callboard', args: [], logFile: join(dir, 'ghost.log') })).rejects.toThrow(
      /cannot start ghost \(no-such-binary-callboard\): spawn no-such-binary-callboard ENOENT/,
    );
  });
});

describe('waitFor', () => {
  it('fails at once when the service exits, quoting its log', async () => {
    const service = await sh('crasher', 'echo "FATAL: bind: address already in use"; exit 3');
    const started = Date.now();
    const error = await rejection(waitFor(() => false, { timeoutMs: 10_000, what: 'crasher to answer', service }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.message).toContain('crasher exited (3) while waiting for crasher to answer');
    expect(error.message).toContain(`--- tail of ${service.logFile} ---\nFATAL: bind: address already in use`);
    await service.stop();
  });

  it('times out naming what it waited for and the last error', async () => {
    let attempts = 0;
    const error = await rejection(
      waitFor(
        () => {
          attempts++;
          throw new Error(`ECONNREFUSED #${attempts}`);
        },
        { timeoutMs: 200, intervalMs: 20, what: () => `the answer (after ${attempts} tries)` },
      ),
    );
    expect(attempts).toBeGreaterThan(3);
    expect(error.message).toMatch(/^timed out after 200 ms waiting for the answer \(after \d+ tries\)\nlast error: ECONNREFUSED #\d+$/);
  });

  it('returns the first value that is not undefined, null or false', async () => {
    let n = 0;
    expect(await waitFor(() => (++n < 3 ? null : 0), { timeoutMs: 1000, intervalMs: 1, what: 'a number' })).toBe(0);
  });
});
