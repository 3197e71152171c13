import { z } from 'zod';
import { duration } from '../../lib/config-types.js';
import { dialPlanSchema } from './dialplan.js';
import { FORMATS } from './formats/index.js';
import { mappingSchema } from './formats/mapped.js';
import { milestonesSchema } from './milestones.js';
import { isTimeZone } from './zone.js';

export const cdrConfigSchema = z
  .strictObject({
    type: z.literal('cdr'),
    /** The source tag on every metric, e.g. "ss1-nyc". */
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected letters, digits, "_", "." or "-"'),
    /** Files, directories, or file-name wildcards ("/var/log/asterisk/cdr-csv/Master*.csv"). */
    paths: z.array(z.string().min(1)).min(1, 'expected at least one path'),
    format: z.enum([...FORMATS, 'auto']).default('auto'),
    /** Zone the switch writes local wall-clock times in (Asterisk, FreeSWITCH); default: the carrier's timezone. */
    sourceTimezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as "America/New_York"').optional(),
    /** How often the files are checked for new lines. */
    pollInterval: duration('1s'),
    /** Legs of one call (Asterisk linkedid, FreeSWITCH A/B) arrive within this time of each other. */
    legWindow: duration('2m'),
    /** Files seen for the first time (no checkpoint yet) are read from the beginning, or only new lines from now on. */
    startAt: z.enum(['beginning', 'end']).default('beginning'),
    /** At most this much is read per poll, so a large backlog goes out in bounded batches. */
    maxBatchBytes: z.number().int().min(65_536).default(8 * 1024 * 1024),
    /** One cdr_call point per call besides the running totals. */
    perCallPoints: z.boolean().default(true),
    /** Days kept in memory (and the checkpoint) for late CDRs. */
    keepDays: z.number().int().min(1).max(62).default(8),
    /** Rejected lines go here (JSON lines); default <stateDir>/cdr-<name>-quarantine.jsonl. */
    quarantine: z.string().optional(),
    dialPlan: dialPlanSchema,
    /** Trunk names as the CDRs give them (Asterisk "SIP/peer", CUCM device, Kamailio gw); calls over them are off-net on that side. */
    trunks: z.array(z.string().min(1)).default([]),
    /** Without a trunk list, at most this many distinct peer names become trunk tags (the rest: "other"). */
    maxTrunks: z.number().int().min(1).max(1000).default(100),
    /** Kamailio acc extra columns, in the order of cdr_extra / db_extra. */
    kamailio: z
      .strictObject({
        cdrExtra: z.array(z.string()).default(['src_user', 'dst_user', 'gw']),
        accExtra: z.array(z.string()).default(['src_user', 'dst_user']),
      })
      .optional(),
    /** Column mapping for `format: csv`. */
    mapping: mappingSchema.optional(),
    milestones: milestonesSchema,
    /** Name of the softswitch input (its switch tag) whose live-integrated minutes these CDR minutes are reconciled with, per hour. */
    reconcileWith: z.string().optional(),
  })
  .superRefine((config, ctx) => {
    if (config.format === 'csv' && !config.mapping) ctx.addIssue({ code: 'custom', path: ['mapping'], message: 'required when format is "csv"' });
    if (config.mapping && config.format !== 'csv') ctx.addIssue({ code: 'custom', path: ['mapping'], message: 'only used with format "csv"' });
  });

export type CdrConfig = z.output<typeof cdrConfigSchema>;
