import express, { type Response } from 'express';
import { z } from 'zod';
import type { AlertEngine } from '../alerting/engine.js';
import { parseMatcher } from '../alerting/matchers.js';
import { parseDuration } from '../lib/duration.js';
import { requireRole } from './auth.js';

const silenceBody = z.strictObject({
  matchers: z.array(z.string()).min(1, 'expected at least one matcher such as "site=nyc-pop1"'),
  /** ISO time; default now. */
  startsAt: z.string().optional(),
  /** ISO time, or `duration` from startsAt. */
  endsAt: z.string().optional(),
  duration: z.string().optional(),
  comment: z.string().min(1, 'say why (who is working on what)').max(1000),
});

const MAX_SILENCE_MS = 90 * 86_400_000;

function badRequest(res: Response, message: string): void {
  res.status(400).json({ error: message, code: 'CALLBOARD_BAD_REQUEST' });
}

/**
 * GET /alerts, GET /alerts/notifications, GET /silences (readers); POST /silences and
 * DELETE /silences/:id (admin tokens only). Mount under /api/v1 behind the read check.
 */
export function createAlertsRouter(engine: AlertEngine | undefined): express.Router {
  const router = express.Router();
  const missing = (res: Response) => res.status(404).json({ error: 'alerting is not configured', code: 'CALLBOARD_NO_ALERTING' });

  router.get('/alerts', (_req, res) => {
    if (!engine) return void missing(res);
    res.json({
      generatedAt: engine.now(),
      alerts: engine.alerts(),
      groups: engine.groups(),
      maintenance: engine.maintenanceActive(),
      deliveries: engine.pendingDeliveries(),
    });
  });

  router.get('/alerts/notifications', (req, res) => {
    if (!engine) return void missing(res);
    const limit = Math.min(500, Math.max(1, Number(req.query.limit) || 100));
    res.json({ entries: engine.notificationLog(limit) });
  });

  router.get('/silences', (_req, res) => {
    if (!engine) return void missing(res);
    res.json({ silences: engine.listSilences() });
  });

  router.post('/silences', requireRole('admin'), (req, res) => {
    if (!engine) return void missing(res);
    const parsed = silenceBody.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    const body = parsed.data;
    let matchers;
    try {
      matchers = body.matchers.map(parseMatcher);
    } catch (error) {
      return badRequest(res, `matchers: ${(error as Error).message}`);
    }
    const now = engine.now();
    const startsAt = body.startsAt === undefined ? now : Date.parse(body.startsAt);
    if (Number.isNaN(startsAt)) return badRequest(res, 'startsAt: expected an ISO time');
    const length = body.duration === undefined ? undefined : parseDuration(body.duration);
    if (body.duration !== undefined && length === undefined) return badRequest(res, 'duration: expected a duration such as "2h"');
    if ((body.endsAt === undefined) === (length === undefined)) return badRequest(res, 'give exactly one of endsAt or duration');
    const endsAt = length !== undefined ? startsAt + length : Date.parse(body.endsAt!);
    if (Number.isNaN(endsAt) || endsAt <= Math.max(now, startsAt))
      return badRequest(res, 'endsAt: expected an ISO time after startsAt and now');
    if (endsAt - startsAt > MAX_SILENCE_MS)
      return badRequest(res, 'a silence lasts at most 90 days; plan recurring work as a maintenance window in the config');
    const createdBy = (res.locals.principal as { name?: string } | undefined)?.name ?? 'anonymous';
    res.status(201).json(engine.createSilence({ matchers, startsAt, endsAt, createdBy, comment: body.comment }));
  });

  router.delete('/silences/:id', requireRole('admin'), (req, res) => {
    if (!engine) return void missing(res);
    const by = (res.locals.principal as { name?: string } | undefined)?.name ?? 'anonymous';
    const silence = engine.expireSilence(String(req.params.id), by);
    if (!silence) return void res.status(404).json({ error: 'no such silence', code: 'CALLBOARD_NOT_FOUND' });
    res.json(silence);
  });

  return router;
}
