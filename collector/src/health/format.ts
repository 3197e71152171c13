import type { FieldValue } from '../pipeline/metric.js';
import type { Verdict } from './state.js';

/** A verdict shared by every link that gets it (no allocation per poll), frozen so that no one changes it for all. */
export const constantVerdict = (state: Verdict['state'], ...reasons: string[]): Verdict =>
  Object.freeze({ state, reasons: Object.freeze(reasons) as string[] });

export const OK: Verdict = constantVerdict('ok');

/** A share as NOC engineers read it: one decimal below 10 (`2.3 %`), whole numbers above (`94 %`). */
export const pct = (value: number) => `${Number(value.toFixed(value < 10 ? 1 : 0))} %`;

/** A measured value with at most two decimals, no trailing zeros (`3.4`, `3.62`, `180`). */
export const num = (value: number) => String(Number(value.toFixed(2)));

/** A field's number, undefined when absent or not a finite number. */
export const finite = (value: FieldValue | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** The group of a device's link (interface, IP SLA path): its site, else region, else the device — as the trap receiver groups it. */
export const siteGroup = (tags: Readonly<Record<string, string>>): string => tags.site || tags.region || tags.device || 'unknown';
