import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

const secretValues = new Set<string>();

/** Any string logged anywhere that contains a registered secret has it replaced, whatever path it came by. */
export function registerSecret(value: string): void {
  if (value.length >= 4) secretValues.add(value);
}

function scrub(value: unknown, depth = 0): unknown {
  if (secretValues.size === 0 || depth > 6) return value;
  if (typeof value === 'string') {
    let out = value;
    for (const s of secretValues) if (out.includes(s)) out = out.split(s).join('[REDACTED]');
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
    return out;
  }
  return value;
}

export interface LogOptions {
  level?: string;
  destination?: DestinationStream;
}

export function createLogger(options: LogOptions = {}): Logger {
  return pino(
    {
      name: 'callboard',
      level: options.level ?? process.env.CALLBOARD_LOG_LEVEL ?? 'info',
      redact: {
        paths: [
          '*.token', '*.password', '*.community', '*.authKey', '*.privKey', '*.authorization',
          'req.headers.authorization', 'headers.authorization', 'config.*.token',
        ],
        censor: '[REDACTED]',
      },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrub(a)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 2, sync: false }),
  );
}
