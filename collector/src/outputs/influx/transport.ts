// The `influx` package (node-influx 5.12) as our InfluxDB client: construction, writes, queries,
// and what an error means (retry, or bad data).
import http from 'node:http';
import https from 'node:https';
import { FieldType, InfluxDB, type ISchemaOptions } from 'influx';
import { RequestError, ServiceNotAvailableError } from 'influx/lib/src/pool.js';
import type { FieldType as OurFieldType, MeasurementSchema } from '../../pipeline/metric.js';
import type { BatchTransport, WriteOutcome } from './batcher.js';
import type { InfluxOutputConfig } from './config.js';
import { RAW_RP } from './schema.js';

const FIELD_TYPES: Record<OurFieldType, FieldType> = {
  integer: FieldType.INTEGER,
  float: FieldType.FLOAT,
  string: FieldType.STRING,
  boolean: FieldType.BOOLEAN,
};

export function toInfluxSchema(schema: MeasurementSchema): ISchemaOptions {
  const fields: Record<string, FieldType> = {};
  for (const [name, type] of Object.entries(schema.fields)) fields[name] = FIELD_TYPES[type];
  return { measurement: schema.measurement, tags: [...schema.tags], fields };
}

/**
 * The package's own pool retries a failed request twice and then takes the host out of service
 * for up to 10 s (with a timer that keeps Node alive). Retrying is our job (batcher.ts), so: no
 * retries, and a backoff of 0, which the pool takes as "never disable the host".
 */
const NO_HOST_BACKOFF = {
  getDelay: () => 0,
  next() {
    return this;
  },
  reset() {
    return this;
  },
};

export function createInfluxClient(config: InfluxOutputConfig, schemas: readonly MeasurementSchema[]): InfluxDB {
  const url = new URL(config.url);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return new InfluxDB({
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80,
    protocol,
    path: url.pathname.replace(/\/+$/, ''),
    database: config.database,
    username: config.username,
    password: config.password?.reveal(),
    schema: schemas.map(toInfluxSchema),
    pool: { maxRetries: 0, requestTimeout: config.timeout, backoff: NO_HOST_BACKOFF },
  });
}

/** GET /ping; resolves with the server version, throws with the reason it is not reachable. */
export function pingInflux(config: InfluxOutputConfig): Promise<{ version: string }> {
  // node:http rather than fetch(): fetch refuses some ports outright ("bad port": 6000, 6665-6669, 10080, …).
  const url = new URL(`${config.url.replace(/\/+$/, '')}/ping`);
  const headers: Record<string, string> = {};
  if (config.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password?.reveal() ?? ''}`).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).get(url, { headers, timeout: config.timeout }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      if (status === 204 || status === 200) resolve({ version: String(response.headers['x-influxdb-version'] ?? 'unknown') });
      else reject(new Error(`${config.url}/ping answered HTTP ${status}`));
    });
    request.on('timeout', () => request.destroy(new Error(`timed out after ${config.timeout} ms`)));
    request.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          `no answer from ${config.url}/ping: ${error.code && !error.message.includes(error.code) ? `${error.code} ${error.message}` : error.message}`,
        ),
      );
    });
  });
}

/** The JSON `error` of an InfluxDB error body, or the body itself. */
function influxErrorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON
  }
  return body.trim();
}

/** InfluxDB's error text from a RequestError ("A 400 Bad Request error occurred: {"error":"…"}"). */
function errorBody(error: RequestError): string {
  const marker = 'error occurred: ';
  const at = error.message.indexOf(marker);
  return influxErrorText(at >= 0 ? error.message.slice(at + marker.length) : error.message);
}

/**
 * How many points of a 400 answer InfluxDB refused. A "partial write" stored the others and says
 * `dropped=N` (type conflicts, points beyond the retention policy); lines it could not parse are
 * listed as "unable to parse '<line>': <why>" and not counted in N. Without "partial write" the
 * whole batch was refused (1.6 does that for a type conflict between points of the same batch).
 */
export function rejectedCount(message: string, batchLength: number): number {
  if (!/partial write/.test(message)) return batchLength;
  const dropped = /dropped=(\d+)/.exec(message);
  const unparsable = message.match(/unable to parse '/g)?.length ?? 0;
  const n = (dropped ? Number(dropped[1]) : 0) + unparsable;
  return Math.min(batchLength, Math.max(1, n));
}

/** The first line InfluxDB quotes as unparsable, if any. */
export function offendingLine(message: string): string | undefined {
  return /unable to parse '([\s\S]*?)': /.exec(message)?.[1];
}

/** What an HTTP answer other than 204 to a write means; `message` is InfluxDB's error text. */
export function classifyWriteAnswer(status: number, message: string, batchLength: number): WriteOutcome {
  if (status === 404 && /database not found/i.test(message)) return { kind: 'retry', status, message, needsSetup: true };
  // Not the data's fault: wrong credentials, a proxy in the way, or the server. Keep the points and retry.
  if (status === 401 || status === 403 || status === 407 || status === 408 || status === 429 || status < 400 || status >= 500) {
    return { kind: 'retry', status, message: `HTTP ${status}: ${message}` };
  }
  if (status === 413) return { kind: 'too-large', status, message };
  const line = offendingLine(message);
  return { kind: 'rejected', status, rejected: rejectedCount(message, batchLength), message, ...(line !== undefined ? { line } : {}) };
}

export function classifyWriteError(error: unknown, batchLength: number): WriteOutcome {
  if (error instanceof RequestError) return classifyWriteAnswer(error.res?.statusCode ?? 0, errorBody(error), batchLength);
  if (error instanceof ServiceNotAvailableError) {
    return { kind: 'retry', message: error.message === 'Request timed out' ? 'request timed out' : `server unavailable: ${error.message}` };
  }
  const e = error as { code?: string; message?: string };
  return {
    kind: 'retry',
    message: e?.code
      ? `${e.code}${e.message && !e.message.includes(e.code) ? `: ${e.message}` : e.message ? ` (${e.message})` : ''}`
      : String(e?.message ?? error),
  };
}

/**
 * Writes batches of line-protocol lines (line-protocol.ts) into the `raw` retention policy,
 * precision ms, over one keep-alive connection: POST <url>/write, the InfluxDB 1.x write API that
 * InfluxDB 1.x, the v1-compatible API of InfluxDB 2/3 and VictoriaMetrics all take.
 */
export class LineTransport implements BatchTransport<string> {
  readonly #url: URL;
  readonly #agent: http.Agent;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;

  constructor(config: InfluxOutputConfig) {
    const base = config.url.replace(/\/+$/, '');
    const rp: Record<string, string> = config.manageLayout ? { rp: RAW_RP } : {};
    this.#url = new URL(`${base}/write?${new URLSearchParams({ db: config.database, ...rp, precision: 'ms' })}`);
    this.#agent = new (this.#url.protocol === 'https:' ? https : http).Agent({ keepAlive: true, maxSockets: 1 });
    this.#headers = { 'content-type': 'text/plain; charset=utf-8' };
    if (config.username !== undefined) {
      this.#headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password?.reveal() ?? ''}`).toString('base64')}`;
    }
    this.#timeoutMs = config.timeout;
  }

  write(lines: readonly string[]): Promise<WriteOutcome> {
    const body = Buffer.from(lines.join('\n'));
    return new Promise((resolve) => {
      const request = (this.#url.protocol === 'https:' ? https : http).request(
        this.#url,
        {
          method: 'POST',
          agent: this.#agent,
          headers: { ...this.#headers, 'content-length': String(body.length) },
          timeout: this.#timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('error', (error) => resolve(classifyWriteError(error, lines.length)));
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status === 204 || status === 200) resolve({ kind: 'written' });
            else resolve(classifyWriteAnswer(status, influxErrorText(Buffer.concat(chunks).toString('utf8')), lines.length));
          });
        },
      );
      let timedOut = false;
      request.on('timeout', () => {
        timedOut = true;
        request.destroy();
      });
      request.on('error', (error) =>
        resolve(timedOut ? { kind: 'retry', message: 'request timed out' } : classifyWriteError(error, lines.length)),
      );
      request.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

export class InfluxQLError extends Error {
  constructor(
    readonly statement: string,
    readonly influxError: string,
  ) {
    super(`InfluxDB refused "${statement}": ${influxError}`);
  }
}

interface RawResults {
  results?: { error?: string; series?: { name?: string; columns: string[]; values?: unknown[][] }[] }[];
  error?: string;
}

/** Runs one InfluxQL statement (POST /query); throws InfluxQLError when InfluxDB reports an error. */
export async function runQuery(
  influx: InfluxDB,
  statement: string,
  database?: string,
): Promise<NonNullable<RawResults['results']>[number]> {
  let body: RawResults;
  try {
    body = (await influx.queryRaw(statement, { method: 'POST', ...(database ? { database } : {}) })) as RawResults;
  } catch (error) {
    // A statement InfluxDB cannot parse (e.g. an unknown time zone) is an HTTP 400.
    if (error instanceof RequestError && error.res?.statusCode === 400) throw new InfluxQLError(statement, errorBody(error));
    throw error;
  }
  if (body.error) throw new InfluxQLError(statement, body.error);
  const result = body.results?.[0] ?? {};
  if (result.error) throw new InfluxQLError(statement, result.error);
  return result;
}

/** The rows of a SHOW/SELECT as objects, across all series (each row gets the series name as `_series`). */
export async function queryObjects(influx: InfluxDB, statement: string, database?: string): Promise<Record<string, unknown>[]> {
  const result = await runQuery(influx, statement, database);
  return (result.series ?? []).flatMap((s) =>
    (s.values ?? []).map((row) => Object.fromEntries([['_series', s.name], ...s.columns.map((c, i) => [c, row[i]])])),
  );
}
