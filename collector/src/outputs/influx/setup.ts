// Brings an InfluxDB to the layout of schema.ts: database, retention policies, continuous queries.
import type { InfluxDB } from 'influx';
import { parseGoDuration, planSetup, quoteIdent, type CurrentLayout, type DesiredLayout, type RetentionPolicyState } from './schema.js';
import { InfluxQLError, queryObjects, runQuery } from './transport.js';

export async function readCurrentLayout(influx: InfluxDB, database: string): Promise<CurrentLayout> {
  const databases = await queryObjects(influx, 'SHOW DATABASES');
  if (!databases.some((row) => row.name === database)) {
    return { databaseExists: false, retentionPolicies: [], continuousQueries: new Map() };
  }
  const policies = await queryObjects(influx, `SHOW RETENTION POLICIES ON ${quoteIdent(database)}`, database);
  const retentionPolicies: RetentionPolicyState[] = policies.map((row) => ({
    name: String(row.name),
    durationMs: parseGoDuration(String(row.duration)) ?? -1,
    isDefault: row.default === true,
  }));
  const cqs = await queryObjects(influx, 'SHOW CONTINUOUS QUERIES', database);
  const continuousQueries = new Map<string, string>();
  for (const row of cqs) if (row._series === database) continuousQueries.set(String(row.name), String(row.query));
  return { databaseExists: true, retentionPolicies, continuousQueries };
}

export interface SetupResult {
  /** Statements run successfully (none when everything was in place). */
  ran: string[];
  /** CQ statements InfluxDB refused (e.g. a time zone its host does not know); the rest was done. */
  refused: InfluxQLError[];
}

/**
 * Reads the current layout and runs what differs. A refused database or retention-policy
 * statement throws (nothing can be written without them); a refused CQ statement is reported in
 * `refused` and the others still run, so raw points can be written while the rollups are broken.
 */
export async function applySetup(influx: InfluxDB, desired: DesiredLayout): Promise<SetupResult> {
  const current = await readCurrentLayout(influx, desired.database);
  const result: SetupResult = { ran: [], refused: [] };
  for (const statement of planSetup(desired, current)) {
    try {
      await runQuery(influx, statement, current.databaseExists ? desired.database : undefined);
      result.ran.push(statement);
    } catch (error) {
      if (!(error instanceof InfluxQLError) || !/^(CREATE|DROP) CONTINUOUS QUERY /.test(statement)) throw error;
      result.refused.push(error);
    }
  }
  return result;
}
