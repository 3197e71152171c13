import express from 'express';
import { requireRole } from './auth.js';

export interface AdminApiDependencies {
  /** The running configuration; secrets serialise as `[secret env:NAME]`, never their values. */
  config?: unknown;
}

/** Admin-only routes (mounted under /api/v1): what an on-call engineer needs to see that a wall display must not. */
export function createAdminRouter(deps: AdminApiDependencies): express.Router {
  const router = express.Router();
  router.use('/admin', requireRole('admin'));
  router.get('/admin/config', (_req, res) => {
    if (deps.config === undefined)
      return void res.status(404).json({ error: 'no configuration was given to the API', code: 'CALLBOARD_NOT_FOUND' });
    res.json({ generatedAt: Date.now(), config: deps.config });
  });
  return router;
}
