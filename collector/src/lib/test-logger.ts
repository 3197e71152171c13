import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from './log.js';

/** A logger for tests that keeps every line, parsed, so a test can assert on what was logged. */
export function memoryLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}
