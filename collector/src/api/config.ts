import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { z } from 'zod';
import { secret } from '../lib/config-types.js';
import type { ApiToken } from './auth.js';
import type { RateLimit } from './security.js';

const pemFile = z
  .string()
  .min(1)
  .transform((file, ctx) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}` });
      return z.NEVER;
    }
  });

const origin = z.string().refine((value) => URL.canParse(value) && new URL(value).origin === value, {
  message: 'expected an origin such as "https://grafana.example.net" (scheme, host and port only)',
});

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
    /** HTTPS and wss on the same port: a PEM certificate (chain) file and its key as a secret ({file} or {env}). */
    tls: z.strictObject({ cert: pemFile, key: secret }).optional(),
    /** Browser origins (scheme://host[:port]) allowed to call the API cross-origin and to open /live. */
    cors: z.strictObject({ origins: z.array(origin).default([]) }).prefault({}),
    /** Per client: a valid token counts by its name, anything else by its address. Beyond it: 429 with Retry-After. */
    rateLimit: z
      .strictObject({ perMinute: z.number().int().positive().default(1200), burst: z.number().int().positive().default(200) })
      .prefault({}),
    /** Larger request bodies are refused with 413 before they are read in full. */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(64 * 1024),
  })
  .superRefine((api, ctx) => {
    if (api.tls) {
      try {
        createSecureContext({ cert: api.tls.cert, key: api.tls.key.reveal() });
      } catch (error) {
        // The message names the problem (bad PEM, key does not match the certificate) without quoting the key.
        ctx.addIssue({ code: 'custom', path: ['tls'], message: `certificate and key are not usable: ${(error as Error).message}` });
      }
    }
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

export interface ApiSecurityOptions {
  tokens: ApiToken[];
  tls?: { cert: string; key: string };
  origins: readonly string[];
  rateLimit: RateLimit;
  maxBodyBytes: number;
}

/** What ApiServer needs from the `api` section to guard itself. */
export function apiSecurityOptions(api: ApiConfig): ApiSecurityOptions {
  return {
    tokens: apiTokens(api),
    tls: api.tls && { cert: api.tls.cert, key: api.tls.key.reveal() },
    origins: api.cors.origins,
    rateLimit: api.rateLimit,
    maxBodyBytes: api.maxBodyBytes,
  };
}

const DEFAULT_API_SECURITY: Readonly<ApiSecurityOptions> = apiSecurityOptions(apiConfigSchema.parse(undefined));

/** Fills what a caller left out as a default config would: no tokens, no TLS, no cross-origin callers, default limits. */
export function withSecurityDefaults(given: Partial<ApiSecurityOptions>): ApiSecurityOptions {
  return {
    tokens: given.tokens ?? DEFAULT_API_SECURITY.tokens,
    tls: given.tls,
    origins: given.origins ?? DEFAULT_API_SECURITY.origins,
    rateLimit: given.rateLimit ?? DEFAULT_API_SECURITY.rateLimit,
    maxBodyBytes: given.maxBodyBytes ?? DEFAULT_API_SECURITY.maxBodyBytes,
  };
}
