import type { Verdict } from './state.js';

export const OK: Verdict = Object.freeze({ state: 'ok', reasons: Object.freeze([]) as unknown as string[] });

/** A share as NOC engineers read it: one decimal below 10 (`2.3 %`), whole numbers above (`94 %`). */
export const pct = (value: number) => `${Number(value.toFixed(value < 10 ? 1 : 0))} %`;

/** A measured value with at most two decimals, no trailing zeros (`3.4`, `3.62`, `180`). */
export const num = (value: number) => String(Number(value.toFixed(2)));
