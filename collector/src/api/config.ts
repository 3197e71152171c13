import { z } from 'zod';
import { secret } from '../lib/config-types.js';
import type { ApiToken } from './auth.js';

const apiTokenSchema = z.strictObject({
  /** Shown in logs instead of the token, e.g. `noc-wall`, `oncall`. */
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, "_", "." or "-"'),
  /** `read`: wall displays and panels; `admin`: also silences, config reload and other changes. */
  role: z.enum(['read', 'admin']),
  token: secret,
});

/** The `api` section of the collector config (collector/src/api/README.md). */
export const apiConfigSchema = z
  .strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8089),
    /** One admin token (kept from before roles existed; it is the token named `default`). */
    token: secret.optional(),
    /** Named tokens with a role; without any token (here or in `token`) the API is open for reading from whoever can reach host:port. */
    tokens: z
      .array(apiTokenSchema)
      .default([])
      .superRefine((tokens, ctx) => {
        const seen = new Set<string>();
        tokens.forEach((t, index) => {
          if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate token name "${t.name}"` });
          seen.add(t.name);
        });
      }),
    /**
     * Live pushes per topic are coalesced to at most this many a second. 5 keeps the coalescing
     * window (200 ms) under the 250 ms answer-to-screen goal; at 4 the window alone is 250 ms.
     */
    maxUpdatesPerSecond: z.number().positive().max(50).default(5),
  })
  .superRefine((api, ctx) => {
    if (api.token && api.tokens.some((t) => t.name === 'default')) {
      ctx.addIssue({
        code: 'custom',
        path: ['tokens'],
        message: 'a token named "default" clashes with api.token, which is the admin token named "default"',
      });
    }
  })
  .prefault({});

export type ApiConfig = z.output<typeof apiConfigSchema>;

/** Every configured token with its role; the single `api.token` is the admin token named `default`. */
export function apiTokens(api: Pick<ApiConfig, 'token' | 'tokens'>): ApiToken[] {
  const tokens = api.tokens.map((t) => ({ name: t.name, role: t.role, token: t.token.reveal() }));
  return api.token ? [{ name: 'default', role: 'admin', token: api.token.reveal() }, ...tokens] : tokens;
}
