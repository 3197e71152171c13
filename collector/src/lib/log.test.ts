import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, registerSecret } from './log.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
  return { lines, log: createLogger({ level: 'info', destination: destination as never }) };
}

describe('logger redaction', () => {
  it('removes registered secrets wherever they appear, and known secret keys by path', () => {
    registerSecret('pa55-w0rd-xyz');
    const { lines, log } = capture();
    log.child({ input: 'x' }).error({ url: 'http://admin:pa55-w0rd-xyz@influx:8086', nested: { deep: ['pa55-w0rd-xyz'] } }, 'failed with pa55-w0rd-xyz');
    log.info({ config: { token: 'abc-visible-only-by-path' }, headers: { authorization: 'Bearer zzz' } }, 'request');
    const text = lines.join('');
    expect(text).not.toContain('pa55-w0rd-xyz');
    expect(text).not.toContain('abc-visible-only-by-path');
    expect(text).not.toContain('Bearer zzz');
    expect(text.match(/\[REDACTED\]/g)!.length).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(lines[0]!)).toMatchObject({ input: 'x', url: 'http://admin:[REDACTED]@influx:8086', msg: 'failed with [REDACTED]' });
  });
});
