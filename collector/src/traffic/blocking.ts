import type { FieldValue } from '../pipeline/metric.js';

/** Q.850 cause 34: no circuit/channel available. */
export const NO_CIRCUIT = 34;
/** SIP 503 Service Unavailable: what a SIP gateway answers when its trunks are all busy. */
export const SERVICE_UNAVAILABLE = 503;

/**
 * A call blocked for want of a circuit (an all-circuits-busy event), from its CDR: Q.850 cause 34,
 * or a final SIP 503 (formats that record only the SIP code; RFC 3398 maps 34 to 503).
 */
export function isBlocked(fields: Readonly<Record<string, FieldValue>>): boolean {
  return fields.cause === NO_CIRCUIT || fields.sip_code === SERVICE_UNAVAILABLE;
}
