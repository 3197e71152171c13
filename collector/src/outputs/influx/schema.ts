// InfluxQL for the database layout: retention policies, continuous queries and rollup backfills.
// Everything here is pure (strings in, strings out) so it is unit-tested without an InfluxDB;
// setup.ts runs the statements. See README.md for the design.
import { influxDuration } from '../../lib/duration.js';
import type { MeasurementSchema } from '../../pipeline/metric.js';

/** Raw points; the database's DEFAULT retention policy. */
export const RAW_RP = 'raw';
/** 1-minute and 1-day rollups written by the continuous queries (and by backfills). */
export const ROLLUP_RP = 'rollup';

export type RollupLevel = '1m' | '1d';

/**
 * Resampling of the continuous queries.
 *
 * 1m: every 30 s over the last 5 min, so a minute is recomputed about 8 times and points that
 * arrive up to ~3.5 min late are still rolled up by the CQ itself (later ones are backfilled by
 * the sink, see LATE_AFTER_MS).
 *
 * 1d: every minute over the last 2 days (in the carrier's zone). The first bucket of the window is
 * always yesterday, so today's partial day is kept current to the minute and yesterday keeps
 * being recomputed for a whole day: the last minutes before midnight, and 1m rollups that were
 * backfilled late, reach yesterday's total. With FOR 1d the run just after midnight would start at
 * today and yesterday would miss its last minute. The 1d CQ reads the 1m rollup, not the raw
 * points: 1,440 rows per series and day instead of 86,400 for a 1 s poll.
 */
export const CQ_RESAMPLE: Readonly<Record<RollupLevel, { every: number; for: number }>> = {
  '1m': { every: 30_000, for: 5 * 60_000 },
  '1d': { every: 60_000, for: 2 * 86_400_000 },
};

/**
 * A raw point written more than this long after its own timestamp may be older than the window
 * of every remaining 1m CQ run (RESAMPLE FOR 5m, runs every 30 s: the oldest minute a run still
 * covers starts 4-5 min before the run), so the sink recomputes its rollups itself.
 */
export const LATE_AFTER_MS = 3 * 60_000;

/** InfluxQL keywords: an identifier that is one of these must be quoted. */
const KEYWORDS = new Set(
  (
    'ALL ALTER ANALYZE ANY AS ASC BEGIN BY CARDINALITY CREATE CONTINUOUS DATABASE DATABASES DEFAULT DELETE DESC ' +
    'DESTINATIONS DIAGNOSTICS DISTINCT DROP DURATION END EVERY EXACT EXPLAIN FIELD FOR FROM GRANT GRANTS GROUP GROUPS ' +
    'IN INF INSERT INTO KEY KEYS KILL LIMIT MEASUREMENT MEASUREMENTS NAME OFFSET ON ORDER PASSWORD POLICIES POLICY ' +
    'PRIVILEGES QUERIES QUERY READ REPLICATION RESAMPLE RETENTION REVOKE SELECT SERIES SET SHARD SHARDS SLIMIT ' +
    'SOFFSET STATS SUBSCRIPTION SUBSCRIPTIONS TAG TO USER USERS VALUES WHERE WITH WRITE'
  ).split(' '),
);

/** An identifier as InfluxDB itself prints it (bare when it can be), so stored CQ text compares equal. */
export function quoteIdent(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toUpperCase())) return name;
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** Retention durations: 0 means keep forever. */
export function retentionDuration(ms: number): string {
  return ms === 0 ? 'INF' : influxDuration(ms);
}

const GO_UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/** Parses Go's time.Duration text as SHOW RETENTION POLICIES prints it ("720h0m0s", "0s") into ms. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0' || text === '0s') return 0;
  const re = /(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)/y;
  let total = 0;
  let index = 0;
  while (index < text.length) {
    re.lastIndex = index;
    const match = re.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * GO_UNIT_MS[match[2]!]!;
    index = re.lastIndex;
  }
  return index === 0 ? undefined : Math.round(total);
}

export interface DesiredLayout {
  database: string;
  retention: { raw: number; rollup: number };
  schemas: readonly MeasurementSchema[];
  /** IANA zone of the carrier's day (the 1d rollup). */
  timezone: string;
}

export interface RetentionPolicyState {
  name: string;
  /** 0 = infinite */
  durationMs: number;
  isDefault: boolean;
}

export interface CurrentLayout {
  databaseExists: boolean;
  retentionPolicies: readonly RetentionPolicyState[];
  /** CQ name → its text as SHOW CONTINUOUS QUERIES prints it, for this database only. */
  continuousQueries: ReadonlyMap<string, string>;
}

export function rolledUp(schema: MeasurementSchema): boolean {
  return schema.rollup !== undefined && Object.keys(schema.rollup).length > 0;
}

export function rollupMeasurement(measurement: string, level: RollupLevel): string {
  return `${measurement}_${level}`;
}

function qualified(database: string, rp: string, measurement: string): string {
  return `${quoteIdent(database)}.${quoteIdent(rp)}.${quoteIdent(measurement)}`;
}

/**
 * The SELECT … INTO … FROM … part shared by a rollup's CQ and its backfill. Each rolled-up field
 * keeps its name. The 1m level reads the raw points, the 1d level reads the 1m rollup: sum of
 * sums, max of maxes, min of mins and last of lasts are exact; mean of the per-minute means
 * weighs every minute alike (exact when each minute has the same number of points, as with
 * a fixed poll interval).
 */
function rollupSelectInto(schema: MeasurementSchema, level: RollupLevel, database: string): string {
  const fields = Object.entries(schema.rollup ?? {})
    .map(([field, fn]) => `${fn}(${quoteIdent(field)}) AS ${quoteIdent(field)}`)
    .join(', ');
  const target = qualified(database, ROLLUP_RP, rollupMeasurement(schema.measurement, level));
  const source =
    level === '1m'
      ? qualified(database, RAW_RP, schema.measurement)
      : qualified(database, ROLLUP_RP, rollupMeasurement(schema.measurement, '1m'));
  return `SELECT ${fields} INTO ${target} FROM ${source}`;
}

function rollupGroupBy(level: RollupLevel, timezone: string): string {
  // `*` keeps the tags as tags. tz() makes the 1d buckets start at local midnight (23 h and 25 h
  // days at DST changes, verified against influxd 1.6.7); the 1m buckets are the same in any zone.
  return level === '1m' ? 'GROUP BY time(1m), *' : `GROUP BY time(1d), * TZ(${quoteString(timezone)})`;
}

export interface ContinuousQuerySpec {
  name: string;
  /** The full CREATE CONTINUOUS QUERY statement, in the form InfluxDB prints it back. */
  query: string;
}

/** The two CQs (1m, 1d) of every schema that declares a rollup. Named like their target measurement. */
export function continuousQueries(layout: Pick<DesiredLayout, 'database' | 'schemas' | 'timezone'>): ContinuousQuerySpec[] {
  const out: ContinuousQuerySpec[] = [];
  for (const schema of layout.schemas) {
    if (!rolledUp(schema)) continue;
    for (const level of ['1m', '1d'] as const) {
      const name = rollupMeasurement(schema.measurement, level);
      const { every, for: span } = CQ_RESAMPLE[level];
      const select = `${rollupSelectInto(schema, level, layout.database)} ${rollupGroupBy(level, layout.timezone)}`;
      out.push({
        name,
        query:
          `CREATE CONTINUOUS QUERY ${quoteIdent(name)} ON ${quoteIdent(layout.database)} ` +
          `RESAMPLE EVERY ${influxDuration(every)} FOR ${influxDuration(span)} BEGIN ${select} END`,
      });
    }
  }
  return out;
}

/** Whitespace differences are not changes. */
export function normalizeQuery(query: string): string {
  return query.replace(/\s+/g, ' ').trim();
}

/**
 * Statements that turn `current` into `desired`, in order; empty when nothing differs. CQs are
 * recreated (DROP + CREATE) when their text changed. CQs and RPs that we do not manage are left alone.
 */
export function planSetup(desired: DesiredLayout, current: CurrentLayout): string[] {
  const db = quoteIdent(desired.database);
  const statements: string[] = [];
  if (!current.databaseExists) statements.push(`CREATE DATABASE ${db}`);

  const policies: { name: string; durationMs: number; isDefault: boolean }[] = [
    { name: RAW_RP, durationMs: desired.retention.raw, isDefault: true },
    { name: ROLLUP_RP, durationMs: desired.retention.rollup, isDefault: false },
  ];
  for (const policy of policies) {
    const existing = current.databaseExists ? current.retentionPolicies.find((p) => p.name === policy.name) : undefined;
    const duration = retentionDuration(policy.durationMs);
    if (!existing) {
      statements.push(
        `CREATE RETENTION POLICY ${quoteIdent(policy.name)} ON ${db} DURATION ${duration} REPLICATION 1${policy.isDefault ? ' DEFAULT' : ''}`,
      );
      continue;
    }
    const changeDuration = existing.durationMs !== policy.durationMs;
    const makeDefault = policy.isDefault && !existing.isDefault;
    if (changeDuration || makeDefault) {
      statements.push(
        `ALTER RETENTION POLICY ${quoteIdent(policy.name)} ON ${db}${changeDuration ? ` DURATION ${duration}` : ''}${makeDefault ? ' DEFAULT' : ''}`,
      );
    }
  }

  for (const cq of continuousQueries(desired)) {
    const existing = current.databaseExists ? current.continuousQueries.get(cq.name) : undefined;
    if (existing !== undefined && normalizeQuery(existing) === normalizeQuery(cq.query)) continue;
    if (existing !== undefined) statements.push(`DROP CONTINUOUS QUERY ${quoteIdent(cq.name)} ON ${db}`);
    statements.push(cq.query);
  }
  return statements;
}

/**
 * Recomputes one rollup level for [fromMs, toMs) by hand: the CQ's own SELECT … INTO with a
 * time range. Used for points written too late for the CQs (after an outage). For 1m the range
 * must be whole minutes, for 1d whole local days (a range that starts inside a bucket would
 * write a partial value over that bucket's correct one).
 */
export function backfillStatement(
  schema: MeasurementSchema,
  level: RollupLevel,
  database: string,
  timezone: string,
  fromMs: number,
  toMs: number,
): string {
  return `${rollupSelectInto(schema, level, database)} WHERE time >= ${Math.floor(fromMs)}ms AND time < ${Math.floor(toMs)}ms ${rollupGroupBy(level, timezone)}`;
}
