import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from './duration.js';

/** Building blocks shared by the top-level config and every input's config schema. */

const durationSchema = z
  .union([z.string(), z.number().int().nonnegative()], { error: 'expected a duration such as "500ms", "1s", "5m"' })
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as "500ms", "1s", "5m", got "${value}"` });
      return z.NEVER;
    }
    return ms;
  });

/** A duration in the config ("1s", or a number of ms), parsed to milliseconds; optional when given a default. */
export function duration(): typeof durationSchema;
export function duration(fallback: string): z.ZodDefault<typeof durationSchema>;
export function duration(fallback?: string) {
  return fallback === undefined ? durationSchema : durationSchema.default(parseDuration(fallback)!);
}

export const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' });

export const port = z.number({ error: 'expected a port number' }).int().min(0).max(65535);

export const listenAddress = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: port,
});

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A secret is never written in the config itself: it names an environment variable or a file
 * (Docker/Kubernetes secrets). The resolved value is registered for log redaction by the loader.
 */
export const secret = z
  .union([z.strictObject({ env: z.string() }), z.strictObject({ file: z.string() })], {
    error: 'expected {env: NAME} or {file: PATH}; secrets are not written in the config itself',
  })
  // The name checks live in the transform because its issues abort: a failed string check inside the
  // union would let the raw {env}/{file} object through to refinements that expect a Secret.
  .transform((ref, ctx) => {
    if ('env' in ref && !ENV_NAME.test(ref.env)) {
      ctx.addIssue({ code: 'custom', path: ['env'], message: `expected an environment variable name, got ${JSON.stringify(ref.env)}` });
      return z.NEVER;
    }
    if ('file' in ref && ref.file === '') {
      ctx.addIssue({ code: 'custom', path: ['file'], message: 'expected a file path' });
      return z.NEVER;
    }
    if ('env' in ref) {
      const value = process.env[ref.env];
      if (value === undefined || value === '') {
        ctx.addIssue({ code: 'custom', message: `environment variable ${ref.env} is not set` });
        return z.NEVER;
      }
      return new Secret(value, `env:${ref.env}`);
    }
    try {
      return new Secret(readFileSync(ref.file, 'utf8').trim(), `file:${ref.file}`);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `cannot read secret file ${ref.file}: ${(error as NodeJS.ErrnoException).code ?? error}` });
      return z.NEVER;
    }
  });

/** Wraps a secret value so that JSON.stringify, util.inspect and template strings never print it. */
export class Secret {
  readonly #value: string;
  constructor(value: string, readonly source: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return `[secret ${this.source}]`;
  }
  toString(): string {
    return `[secret ${this.source}]`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `[secret ${this.source}]`;
  }
}
