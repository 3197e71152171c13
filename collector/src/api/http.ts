import { STATUS_CODES } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { HealthEngine } from '../health/engine.js';
import { LinksQueryError, linksBody, parseLinksQuery } from '../health/links-query.js';
import { trunkGroupsRouter, type TrunkGroupsDependencies } from './trunk-groups.js';
import type { MilestoneBook } from '../inputs/cdr/milestones.js';
import { createMilestonesRouter } from './milestones.js';
import { snmpTargetsReport } from '../inputs/snmp/targets-report.js';
import type { LiveStore, LiveSeries } from '../outputs/live/store.js';
import { createAdminRouter } from './admin.js';
import type { AlertEngine } from '../alerting/engine.js';
import { createAlertsRouter } from './alerts.js';
import { healthzBody } from './healthz.js';
import type { SelfChecks } from '../pipeline/self-checks.js';
import { authenticate, requireRole, type ApiAuth } from './auth.js';
import type { ApiGuard } from './security.js';

export interface ApiDependencies {
  store: LiveStore;
  health?: HealthEngine;
  trunkGroups?: Omit<TrunkGroupsDependencies, 'store'>;
  milestones?: MilestoneBook;
  alerting?: AlertEngine;
  /** The collector's own state (InfluxDB reachable, spool fill) for /healthz. */
  selfChecks?: SelfChecks;
  registry: Registry;
  auth: ApiAuth;
  guard: ApiGuard;
  /** Served to admin tokens at /api/v1/admin/config, secrets redacted. */
  config?: unknown;
  startedAt: number;
  version: string;
}

/** Snapshot shape (documented in api/README.md): series grouped by measurement, each with its age. */
export function snapshotBody(series: readonly LiveSeries[], now: number) {
  const measurements: Record<string, Array<LiveSeries & { ageMs: number }>> = {};
  for (const s of series) (measurements[s.measurement] ??= []).push({ ...s, ageMs: now - s.time });
  for (const list of Object.values(measurements)) list.sort((a, b) => a.topic.localeCompare(b.topic));
  return { generatedAt: now, measurements };
}

export function parseMeasurementFilter(value: unknown): ReadonlySet<string> | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  return new Set(value.split(',').map((m) => m.trim()).filter(Boolean));
}

export function createHttpApp(deps: ApiDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(...deps.guard.middleware());
  app.use(authenticate(deps.auth));

  app.get('/healthz', (_req, res) => {
    res.json(healthzBody(deps.selfChecks, deps, Date.now()));
  });

  app.get('/metrics', async (_req, res, next) => {
    try {
      res.type(deps.registry.contentType).send(await deps.registry.metrics());
    } catch (error) {
      next(error);
    }
  });

  const api = express.Router();
  api.use(requireRole('read'));
  api.get('/snapshot', (req, res) => {
    res.json(snapshotBody(deps.store.all(parseMeasurementFilter(req.query.measurements)), Date.now()));
  });
  api.get('/links', (req, res) => {
    try {
      res.json(linksBody(deps.health, parseLinksQuery(req.query), Date.now()));
    } catch (error) {
      if (!(error instanceof LinksQueryError)) throw error;
      res.status(400).json({ error: error.message, code: 'CALLBOARD_BAD_REQUEST' });
    }
  });
  if (deps.trunkGroups) api.use(trunkGroupsRouter({ ...deps.trunkGroups, store: deps.store }));
  api.use(createMilestonesRouter({ book: deps.milestones }));
  api.use(createAlertsRouter(deps.alerting));
  api.get('/targets', (req, res) => {
    const top = Math.min(1000, Math.max(1, Number(req.query.top) || 20));
    res.json({ generatedAt: Date.now(), ...snmpTargetsReport(top) });
  });
  api.use(createAdminRouter({ config: deps.config }));
  app.use('/api/v1', api);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found', code: 'CALLBOARD_NOT_FOUND' });
  });
  app.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(httpErrorStatus(error)).json(httpErrorBody(error));
  });
  return app;
}

function httpErrorStatus(error: { status?: number }): number {
  return error.status && error.status >= 400 && error.status < 600 ? error.status : 500;
}

/** Body-parser and router errors become one documented shape; their messages may quote the input, so fixed texts are used. */
function httpErrorBody(error: { status?: number; type?: string; limit?: number }): { error: string; code: string } {
  const status = httpErrorStatus(error);
  if (error.type === 'entity.too.large') return { error: `request body larger than ${error.limit} bytes`, code: 'CALLBOARD_BODY_TOO_LARGE' };
  if (error.type === 'entity.parse.failed') return { error: 'request body is not valid JSON', code: 'CALLBOARD_BAD_REQUEST' };
  if (status === 500) return { error: 'internal error', code: 'CALLBOARD_HTTP' };
  return { error: STATUS_CODES[status] ?? 'bad request', code: status === 400 ? 'CALLBOARD_BAD_REQUEST' : 'CALLBOARD_HTTP' };
}
