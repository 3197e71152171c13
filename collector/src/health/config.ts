// The `health` section of the collector's config: hysteresis, staleness and each rule's thresholds.
import { z } from 'zod';
import { duration } from '../lib/config-types.js';
import { DEFAULT_EXCLUDE, DEFAULT_INTERFACE_OPTIONS } from './interface-rule.js';
import { DEFAULT_IPSLA_THRESHOLDS } from './ipsla-rule.js';

const share = (fallback: number) => z.number().positive().max(100).default(fallback);

/** A pattern of interface names, refused with the compiler's message when it does not compile. */
const namePattern = z.string().superRefine((pattern, ctx) => {
  try {
    new RegExp(pattern, 'i');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(error as Error).message}` });
  }
});

export const healthConfigSchema = z
  .strictObject({
    /** How long a better state must hold before it is shown (a worse one is shown at once). */
    hold: duration('30s'),
    /** A link whose source has not reported for this long is `stale`. */
    staleAfter: duration('45s'),
    /** … and silent for this many of its own poll intervals (an IAD polled every 5 minutes is not stale after 45 s); 0: staleAfter alone. */
    staleIntervals: z.number().int().min(0).max(100).default(3),
    /** A T1/E1 span is degraded from this share of errored / severely errored seconds in its current 15-minute interval. */
    ds1: z.strictObject({ erroredSecondsPct: share(1), severelyErroredSecondsPct: share(0.1) }).prefault({}),
    /** Router interfaces and IAD WAN links (collector/src/health/README.md: which interfaces are links). */
    interfaces: z
      .strictObject({
        errorsPct: share(DEFAULT_INTERFACE_OPTIONS.errorsPct),
        errorsPerSecond: z.number().positive().default(DEFAULT_INTERFACE_OPTIONS.errorsPerSecond),
        minPacketsPerSecond: z.number().min(0).default(DEFAULT_INTERFACE_OPTIONS.minPacketsPerSecond),
        utilisationPct: share(DEFAULT_INTERFACE_OPTIONS.utilisationPct),
        adminDown: z.enum(['ok', 'down']).default(DEFAULT_INTERFACE_OPTIONS.adminDown),
        allInterfacesRoles: z.array(z.string().min(1)).default([...DEFAULT_INTERFACE_OPTIONS.allInterfacesRoles]),
        noInterfacesRoles: z.array(z.string().min(1)).default([...DEFAULT_INTERFACE_OPTIONS.noInterfacesRoles]),
        include: z.array(namePattern).default([]),
        exclude: z.array(namePattern).default([...DEFAULT_EXCLUDE]),
        /** Per device (inventory name): patterns on top of the above, e.g. a router's unused ports. */
        devices: z
          .record(
            z.string().min(1),
            z.strictObject({ include: z.array(namePattern).default([]), exclude: z.array(namePattern).default([]) }),
          )
          .default({}),
      })
      .prefault({}),
    /** Cisco IP SLA paths. */
    ipsla: z
      .strictObject({
        mosBelow: z.number().min(1).max(5).default(DEFAULT_IPSLA_THRESHOLDS.mosBelow),
        lossPct: share(DEFAULT_IPSLA_THRESHOLDS.lossPct),
        lossDownPct: share(DEFAULT_IPSLA_THRESHOLDS.lossDownPct),
        rttMs: z.number().positive().default(DEFAULT_IPSLA_THRESHOLDS.rttMs),
        jitterMs: z.number().positive().default(DEFAULT_IPSLA_THRESHOLDS.jitterMs),
      })
      .refine((t) => t.lossDownPct >= t.lossPct, { message: 'lossDownPct must be at least lossPct', path: ['lossDownPct'] })
      .prefault({}),
  })
  .prefault({});
