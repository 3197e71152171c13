// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { softswitchCalls } from '../../inputs/kamailio/measurements.js';
import type { MeasurementSchema } from '../../pipeline/metric.js';

// A fixed schema, so that the expected statements do not change when the real trunk_status grows.
const trunkStatus: MeasurementSchema = {
  measurement: 'trunk_status',
  description: 'fixture',
  tags: ['switch', 'trunk'],
  fields: { up: 'integer', state: 'string', latency_avg_ms: 'float', latency_max_ms: 'float' },
  rollup: { up: 'min', latency_avg_ms: 'mean', latency_max_ms: 'max' },
};
import {
  backfillStatement,
  continuousQueries,
  normalizeQuery,
  parseGoDuration,
  planSetup,
  quoteIdent,
  quoteString,
  type CurrentLayout,
  type DesiredLayout,
} from './schema.js';

const DAY = 86_400_000;
const desired: DesiredLayout = {
  database: 'callboard',
  retention: { raw: 30 * DAY, rollup: 730 * DAY },
  schemas: [softswitchCalls, trunkStatus],
  timezone: 'America/New_York',
};
const empty: CurrentLayout = { databaseExists: false, retentionPolicies: [], continuousQueries: new Map() };

const CALLS_1M =
  'CREATE CONTINUOUS QUERY softswitch_calls_1m ON callboard RESAMPLE EVERY 30s FOR 5m BEGIN ' +
  'SELECT sum(attempts) AS attempts, sum(answered) AS answered, sum(failed) AS failed, sum(cancelled) AS cancelled, ' +
  'sum(user_failures) AS user_failures, sum(minutes) AS minutes, max(active) AS active ' +
  'INTO callboard.rollup.softswitch_calls_1m FROM callboard.raw.softswitch_calls GROUP BY time(1m), * END';
const CALLS_1D =
  'CREATE CONTINUOUS QUERY softswitch_calls_1d ON callboard RESAMPLE EVERY 1m FOR 2d BEGIN ' +
  'SELECT sum(attempts) AS attempts, sum(answered) AS answered, sum(failed) AS failed, sum(cancelled) AS cancelled, ' +
  'sum(user_failures) AS user_failures, sum(minutes) AS minutes, max(active) AS active ' +
  "INTO callboard.rollup.softswitch_calls_1d FROM callboard.rollup.softswitch_calls_1m GROUP BY time(1d), * TZ('America/New_York') END";

describe('continuous queries', () => {
  it('makes a 1m and a 1d CQ per rolled-up measurement, in the form InfluxDB prints back', () => {
    const cqs = continuousQueries(desired);
    expect(cqs.map((c) => c.name)).toEqual(['softswitch_calls_1m', 'softswitch_calls_1d', 'trunk_status_1m', 'trunk_status_1d']);
    expect(cqs[0]!.query).toBe(CALLS_1M);
    expect(cqs[1]!.query).toBe(CALLS_1D);
    expect(cqs[3]!.query).toBe(
      'CREATE CONTINUOUS QUERY trunk_status_1d ON callboard RESAMPLE EVERY 1m FOR 2d BEGIN ' +
        'SELECT min(up) AS up, mean(latency_avg_ms) AS latency_avg_ms, max(latency_max_ms) AS latency_max_ms ' +
        "INTO callboard.rollup.trunk_status_1d FROM callboard.rollup.trunk_status_1m GROUP BY time(1d), * TZ('America/New_York') END",
    );
  });

  it('skips measurements without rollup, and quotes names that need it', () => {
    const plain: MeasurementSchema = { measurement: 'plain', description: '', tags: [], fields: { v: 'integer' } };
    const emptyRollup: MeasurementSchema = { ...plain, measurement: 'empty_rollup', rollup: {} };
    const odd: MeasurementSchema = {
      measurement: 'odd',
      description: '',
      tags: ['key'],
      fields: { duration: 'float' },
      rollup: { duration: 'mean' },
    };
    const cqs = continuousQueries({ database: '2024db', schemas: [plain, emptyRollup, odd], timezone: "Odd/Zone'x" });
    expect(cqs.map((c) => c.name)).toEqual(['odd_1m', 'odd_1d']);
    expect(cqs[1]!.query).toBe(
      'CREATE CONTINUOUS QUERY odd_1d ON "2024db" RESAMPLE EVERY 1m FOR 2d BEGIN SELECT mean("duration") AS "duration" ' +
        `INTO "2024db".rollup.odd_1d FROM "2024db".rollup.odd_1m GROUP BY time(1d), * TZ('Odd/Zone\\'x') END`,
    );
  });

  it('quotes identifiers and strings', () => {
    expect(quoteIdent('softswitch_calls')).toBe('softswitch_calls');
    expect(quoteIdent('select')).toBe('"select"');
    expect(quoteIdent('a-b')).toBe('"a-b"');
    expect(quoteIdent('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteString("it's")).toBe("'it\\'s'");
  });
});

describe('planSetup', () => {
  it('creates everything on an empty server', () => {
    expect(planSetup(desired, empty)).toEqual([
      'CREATE DATABASE callboard',
      'CREATE RETENTION POLICY raw ON callboard DURATION 30d REPLICATION 1 DEFAULT',
      'CREATE RETENTION POLICY rollup ON callboard DURATION 730d REPLICATION 1',
      CALLS_1M,
      CALLS_1D,
      expect.stringMatching(/^CREATE CONTINUOUS QUERY trunk_status_1m /),
      expect.stringMatching(/^CREATE CONTINUOUS QUERY trunk_status_1d /),
    ]);
  });

  const inPlace = (): CurrentLayout => ({
    databaseExists: true,
    retentionPolicies: [
      { name: 'autogen', durationMs: 0, isDefault: false },
      { name: 'raw', durationMs: 30 * DAY, isDefault: true },
      { name: 'rollup', durationMs: 730 * DAY, isDefault: false },
    ],
    continuousQueries: new Map(continuousQueries(desired).map((c) => [c.name, c.query])),
  });

  it('does nothing when the layout is in place (whitespace in stored CQ text does not count)', () => {
    const current = inPlace();
    (current.continuousQueries as Map<string, string>).set('softswitch_calls_1m', CALLS_1M.replace(/ /g, '  '));
    (current.continuousQueries as Map<string, string>).set('someone_elses_cq', 'CREATE CONTINUOUS QUERY …');
    expect(planSetup(desired, current)).toEqual([]);
  });

  it('alters retention policies whose duration or default-ness differ', () => {
    const current = inPlace();
    current.retentionPolicies = [
      { name: 'autogen', durationMs: 0, isDefault: true },
      { name: 'raw', durationMs: 7 * DAY, isDefault: false },
      { name: 'rollup', durationMs: 365 * DAY, isDefault: false },
    ] as never;
    expect(planSetup(desired, current)).toEqual([
      'ALTER RETENTION POLICY raw ON callboard DURATION 30d DEFAULT',
      'ALTER RETENTION POLICY rollup ON callboard DURATION 730d',
    ]);
    current.retentionPolicies = [
      { name: 'raw', durationMs: 30 * DAY, isDefault: false },
      { name: 'rollup', durationMs: 730 * DAY, isDefault: true },
    ] as never;
    expect(planSetup(desired, current)).toEqual(['ALTER RETENTION POLICY raw ON callboard DEFAULT']);
  });

  it('keeps points forever for a retention of 0', () => {
    expect(planSetup({ ...desired, retention: { raw: 0, rollup: 0 } }, empty).slice(1, 3)).toEqual([
      'CREATE RETENTION POLICY raw ON callboard DURATION INF REPLICATION 1 DEFAULT',
      'CREATE RETENTION POLICY rollup ON callboard DURATION INF REPLICATION 1',
    ]);
  });

  it('recreates a CQ whose text changed, and creates a missing one', () => {
    const current = inPlace();
    const cqs = current.continuousQueries as Map<string, string>;
    cqs.set('softswitch_calls_1d', CALLS_1D.replace('America/New_York', 'UTC'));
    cqs.delete('trunk_status_1m');
    expect(planSetup(desired, current)).toEqual([
      'DROP CONTINUOUS QUERY softswitch_calls_1d ON callboard',
      CALLS_1D,
      expect.stringMatching(/^CREATE CONTINUOUS QUERY trunk_status_1m /),
    ]);
  });
});

describe('backfill statements', () => {
  it('uses the CQ select with an explicit time range', () => {
    expect(backfillStatement(trunkStatus, '1m', 'callboard', 'America/New_York', 1_700_000_040_000, 1_700_000_160_000)).toBe(
      'SELECT min(up) AS up, mean(latency_avg_ms) AS latency_avg_ms, max(latency_max_ms) AS latency_max_ms ' +
        'INTO callboard.rollup.trunk_status_1m FROM callboard.raw.trunk_status ' +
        'WHERE time >= 1700000040000ms AND time < 1700000160000ms GROUP BY time(1m), *',
    );
    expect(backfillStatement(trunkStatus, '1d', 'callboard', 'America/New_York', 1, 2)).toMatch(
      /FROM callboard\.rollup\.trunk_status_1m WHERE time >= 1ms AND time < 2ms GROUP BY time\(1d\), \* TZ\('America\/New_York'\)$/,
    );
  });
});

describe('parseGoDuration', () => {
  it('reads what SHOW RETENTION POLICIES prints', () => {
    expect(parseGoDuration('720h0m0s')).toBe(30 * DAY);
    expect(parseGoDuration('17520h0m0s')).toBe(730 * DAY);
    expect(parseGoDuration('1h30m0s')).toBe(5_400_000);
    expect(parseGoDuration('0s')).toBe(0);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('')).toBeUndefined();
    expect(parseGoDuration('30d')).toBeUndefined();
  });

  it('normalizes only whitespace', () => {
    expect(normalizeQuery('  a \n b  ')).toBe('a b');
  });
});
