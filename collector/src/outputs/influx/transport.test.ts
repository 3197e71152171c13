// @vitest-environment node
import type { ClientRequest, IncomingMessage } from 'node:http';
import { RequestError, ServiceNotAvailableError } from 'influx/lib/src/pool.js';
import { describe, expect, it } from 'vitest';
import { classifyWriteError, offendingLine, rejectedCount } from './transport.js';

const httpError = (status: number, body: string) =>
  new RequestError({} as ClientRequest, { statusCode: status, statusMessage: 'Whatever' } as IncomingMessage, body);

describe('classifyWriteError', () => {
  it('treats a partial write as bad data: counts the dropped points, quotes the line', () => {
    const conflict = httpError(
      400,
      '{"error":"partial write: field type conflict: input field \\"asr\\" on measurement \\"softswitch_calls\\" is type integer, already exists as type float dropped=3"}',
    );
    expect(classifyWriteError(conflict, 100)).toEqual({
      kind: 'rejected',
      status: 400,
      rejected: 3,
      message:
        'partial write: field type conflict: input field "asr" on measurement "softswitch_calls" is type integer, already exists as type float dropped=3',
    });
    const unparsable = httpError(400, `{"error":"partial write: unable to parse 'm,t=e i=bad 1795625099004': invalid boolean dropped=0"}`);
    expect(classifyWriteError(unparsable, 10)).toMatchObject({ kind: 'rejected', rejected: 1, line: 'm,t=e i=bad 1795625099004' });
  });

  it('counts the whole batch when InfluxDB refused it all', () => {
    expect(classifyWriteError(httpError(400, '{"error":"field type conflict"}'), 42)).toMatchObject({
      kind: 'rejected',
      rejected: 42,
      message: 'field type conflict',
    });
  });

  it('retries what is not the data’s fault', () => {
    expect(classifyWriteError(httpError(404, '{"error":"database not found: \\"cb\\""}'), 5)).toEqual({
      kind: 'retry',
      status: 404,
      message: 'database not found: "cb"',
      needsSetup: true,
    });
    expect(classifyWriteError(httpError(401, '{"error":"authorization failed"}'), 5)).toMatchObject({ kind: 'retry', status: 401 });
    expect(classifyWriteError(httpError(429, 'slow down'), 5)).toMatchObject({ kind: 'retry' });
    expect(classifyWriteError(new ServiceNotAvailableError('Internal Server Error'), 5)).toEqual({
      kind: 'retry',
      message: 'server unavailable: Internal Server Error',
    });
    expect(classifyWriteError(new ServiceNotAvailableError('Request timed out'), 5)).toEqual({
      kind: 'retry',
      message: 'request timed out',
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(classifyWriteError(refused, 5)).toEqual({ kind: 'retry', message: 'ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9)' });
    expect(classifyWriteError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 5)).toEqual({
      kind: 'retry',
      message: 'ECONNRESET: socket hang up',
    });
  });

  it('splits on 413', () => {
    expect(classifyWriteError(httpError(413, '{"error":"Request Entity Too Large"}'), 5)).toMatchObject({ kind: 'too-large', status: 413 });
  });
});

describe('InfluxDB error texts', () => {
  it('rejectedCount adds unparsable lines to dropped=N', () => {
    expect(rejectedCount("partial write: unable to parse 'a': x\nunable to parse 'b': y dropped=2", 10)).toBe(4);
    expect(rejectedCount('partial write: points beyond retention policy dropped=3', 2)).toBe(2);
    expect(rejectedCount('partial write: something new', 10)).toBe(1);
  });
  it('offendingLine finds the first quoted line', () => {
    expect(offendingLine("partial write: unable to parse 'm s=\"it's\" 1': bad")).toBe('m s="it\'s" 1');
    expect(offendingLine('field type conflict')).toBeUndefined();
  });
});
