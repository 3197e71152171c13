import { z } from 'zod';
import { duration, httpUrl, port, secret, Secret } from '../lib/config-types.js';
import { parseMatcher, type Matcher } from './matchers.js';
import { parseClause } from './clause.js';
import { SELF_CHECK_NAMES } from '../pipeline/self-checks.js';

/** The `alerting` key of the config (collector/src/alerting/README.md). */

const matcher = z.string().transform((text, ctx): Matcher => {
  try {
    return parseMatcher(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
export const matchersSchema = z.array(matcher).default([]);

const labelName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a label name (letters, digits, _)');
export const SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

const ruleBase = {
  /** Becomes the `alertname` label. */
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a name of letters, digits, "_", "." or "-"'),
  severity: z.enum(SEVERITIES).default('major'),
  /** How long the condition must hold before the alert fires. */
  for: duration('0s'),
  /** Flap damping: a firing alert resolves only after its condition has been clear this long. */
  resolveAfter: duration('1m'),
  labels: z.record(labelName, z.string()).default({}),
  /** Templates: {{labels.site}}, {{value}}, {{alertname}}, {{severity}}, {{grafanaUrl}}. */
  annotations: z.record(labelName, z.string()).default({}),
  /** Overrides alerting.groupBy for this rule's alerts. */
  groupBy: z.array(labelName).optional(),
};

const clause = z.string().transform((text, ctx) => {
  try {
    return parseClause(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const LINK_STATES = ['down', 'stale', 'degraded'] as const;

export const ruleSchema = z.discriminatedUnion(
  'kind',
  [
    /** Links and trunk groups from the health model (after its hysteresis). */
    z.strictObject({
      ...ruleBase,
      kind: z.literal('link'),
      match: matchersSchema,
      states: z.array(z.enum(LINK_STATES)).min(1).default(['down']),
      /** The label that carries the link's group: `site` for interfaces (grouped by site), so that they group and inhibit with device alerts. */
      groupLabel: labelName.default('group'),
    }),
    /** Every clause must hold on the latest point of a series of `measurement` (one alert per series). */
    z.strictObject({
      ...ruleBase,
      kind: z.literal('threshold'),
      measurement: z.string().min(1),
      where: matchersSchema,
      when: z.array(clause).min(1, 'expected at least one clause such as "asr < 40"'),
      /** A series that stops reporting stops counting as breaching after this long (a no_data rule reports the silence). */
      staleAfter: duration('5m'),
    }),
    /** Inputs whose source did not answer (callboard_source up=0), or that stopped polling at all. */
    z.strictObject({ ...ruleBase, kind: z.literal('source'), where: matchersSchema, noDataFor: duration().optional() }),
    /** Series of `measurement` that were seen and then went silent for `after`. */
    z.strictObject({ ...ruleBase, kind: z.literal('no_data'), measurement: z.string().min(1), where: matchersSchema, after: duration() }),
    /** The collector's own state (pipeline/self-checks.ts): InfluxDB not taking writes, its spool filling up, full or on a failing disk. */
    z.strictObject({
      ...ruleBase,
      kind: z.literal('self'),
      /** Which checks (default: all). */
      checks: z.array(z.enum(SELF_CHECK_NAMES)).default([]),
      /** The lowest status that counts: degraded (also failing) or failing only. */
      status: z.enum(['degraded', 'failing']).default('degraded'),
    }),
    /** A daily target of the CDR milestones was passed: one notification per target per day. */
    z.strictObject({
      ...ruleBase,
      kind: z.literal('milestone'),
      where: matchersSchema,
      resolveAfter: duration('1h'),
      severity: z.enum(SEVERITIES).default('info'),
    }),
  ],
  { error: 'expected kind: link, threshold, source, no_data, self or milestone' },
);
export type RuleConfig = z.output<typeof ruleSchema>;

const isHttpUrl = (text: string) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
/** Slack and many webhook URLs are themselves the credential, so they may come from the environment or a file like any secret. */
const secretOrUrl = z.union([httpUrl, secret.refine((s) => isHttpUrl(s.reveal()), 'the secret must hold an http(s) URL')], {
  error: 'expected an http(s) URL, or {env: NAME} / {file: PATH} for a URL that carries a key',
});

const notifierBase = {
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a name of letters, digits, "_", "." or "-"'),
  /** Only groups with an alert matching all of these go to this notifier (e.g. severity=critical). */
  match: matchersSchema,
  sendResolved: z.boolean().default(true),
  timeout: duration('10s'),
};

export const notifierSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ ...notifierBase, type: z.literal('webhook'), url: secretOrUrl, bearerToken: secret.optional() }),
    z.strictObject({ ...notifierBase, type: z.literal('slack'), url: secretOrUrl, channel: z.string().optional() }),
    z.strictObject({
      ...notifierBase,
      type: z.literal('pagerduty'),
      routingKey: secret,
      url: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
    }),
    z.strictObject({
      ...notifierBase,
      type: z.literal('email'),
      smtp: z.strictObject({
        host: z.string().min(1),
        port: port.default(587),
        /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
        secure: z.boolean().default(false),
        requireTLS: z.boolean().default(false),
        user: z.string().optional(),
        password: secret.optional(),
      }),
      from: z.string().min(3),
      to: z.array(z.string().min(3)).min(1),
    }),
  ],
  { error: 'expected type: webhook, slack, pagerduty or email' },
);
export type NotifierConfig = z.output<typeof notifierSchema>;

const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'expected a local time such as "02:00"');
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const isoTime = z
  .string()
  .refine(
    (s) => !Number.isNaN(Date.parse(s)) && /[zZ]|[+-]\d\d:?\d\d$/.test(s),
    'expected an ISO time with offset, such as "2026-12-06T02:00:00-05:00"',
  );

export const maintenanceSchema = z
  .strictObject({
    name: z.string().min(1),
    /** Alerts matching all of these are muted inside the window (e.g. region=east). */
    match: matchersSchema,
    /** Recurring: these weekdays from `start` to `end` local time (an end before the start runs past midnight). */
    weekly: z.strictObject({ days: z.array(z.enum(WEEKDAYS)).min(1), start: hhmm, end: hhmm }).optional(),
    /** One-off: from `start` to `end`. */
    once: z.strictObject({ start: isoTime, end: isoTime }).optional(),
    /** Zone of `weekly` times; default: the top-level timezone. */
    timezone: z.string().optional(),
  })
  .refine((w) => (w.weekly ? 1 : 0) + (w.once ? 1 : 0) === 1, 'expected exactly one of weekly or once')
  .refine((w) => !w.once || Date.parse(w.once.start) < Date.parse(w.once.end), {
    message: 'once.end must be after once.start',
    path: ['once', 'end'],
  })
  .refine((w) => !w.weekly || w.weekly.start !== w.weekly.end, {
    message: 'weekly.end must differ from weekly.start',
    path: ['weekly', 'end'],
  });
export type MaintenanceConfig = z.output<typeof maintenanceSchema>;

export const alertingSchema = z
  .strictObject({
    /** Base URL of Grafana, for {{grafanaUrl}} in annotation templates. */
    grafanaUrl: httpUrl.optional(),
    /** How often rules are evaluated. */
    evaluationInterval: duration('1s'),
    /** Alerts with equal values of these labels share one notification (one page per site, not per link). */
    groupBy: z.array(labelName).default(['alertname']),
    /** A new group waits this long before its first notification, so alerts that start together (a router and its links) arrive as one. */
    groupWait: duration('10s'),
    /** A group still firing is notified again after this long. */
    repeatInterval: duration('4h'),
    /**
     * Deliveries that fail with a retryable error: a trigger or repeat is retried as long as its group is
     * still firing, a resolve until it is `resolveMaxAge` old; waits double from initialBackoff up to maxBackoff.
     */
    retry: z
      .strictObject({
        initialBackoff: duration('1s'),
        maxBackoff: duration('5m'),
        resolveMaxAge: duration('24h'),
        /** A notifier that has not delivered for this long raises the `notifier` check of `self` rules. */
        failingAfter: duration('5m'),
      })
      .superRefine((r, ctx) => {
        if (r.maxBackoff < r.initialBackoff)
          ctx.addIssue({ code: 'custom', path: ['maxBackoff'], message: 'must be at least initialBackoff' });
      })
      .prefault({}),
    rules: z.array(ruleSchema).default([]),
    notifiers: z.array(notifierSchema).default([]),
    /** An alert matching `source` (pending or firing) mutes alerts matching `target` that have the same values of `equal`. */
    inhibit: z.array(z.strictObject({ source: matchersSchema, target: matchersSchema, equal: z.array(labelName).default([]) })).default([]),
    maintenance: z.array(maintenanceSchema).default([]),
  })
  .superRefine((a, ctx) => {
    const unique = (key: 'rules' | 'notifiers' | 'maintenance') => {
      const seen = new Set<string>();
      a[key].forEach((item, i) => {
        if (seen.has(item.name)) ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `duplicate name "${item.name}"` });
        seen.add(item.name);
      });
    };
    unique('rules');
    unique('notifiers');
    unique('maintenance');
    a.maintenance.forEach((w, i) => {
      if (w.timezone === undefined) return;
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: w.timezone });
      } catch {
        ctx.addIssue({
          code: 'custom',
          path: ['maintenance', i, 'timezone'],
          message: 'expected an IANA time zone such as "America/New_York"',
        });
      }
    });
  });

export type AlertingConfig = z.output<typeof alertingSchema>;

/** The URL a notifier posts to, whether written plainly or kept as a secret. */
export const revealUrl = (url: string | Secret): string => (url instanceof Secret ? url.reveal() : url);
