import type { FieldValue } from '../pipeline/metric.js';

/** One comparison of a field with a number, written `asr < 40` or `attempts >= 20`. */
export interface Clause {
  readonly field: string;
  readonly op: '<' | '<=' | '>' | '>=' | '==' | '!=';
  readonly value: number;
  readonly text: string;
}

const CLAUSE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function parseClause(text: string): Clause {
  const match = CLAUSE.exec(text);
  if (!match) throw new Error(`expected "field op number" such as "asr < 40" (op: < <= > >= == !=), got ${JSON.stringify(text)}`);
  return { field: match[1]!, op: match[2] as Clause['op'], value: Number(match[3]), text: `${match[1]} ${match[2]} ${match[3]}` };
}

/** A clause on a field the point does not carry is not met: no reading is not a breach. */
export function holds(clause: Clause, fields: Readonly<Record<string, FieldValue>>): boolean {
  const raw = fields[clause.field];
  if (typeof raw !== 'number' && typeof raw !== 'boolean') return false;
  const v = Number(raw);
  switch (clause.op) {
    case '<':
      return v < clause.value;
    case '<=':
      return v <= clause.value;
    case '>':
      return v > clause.value;
    case '>=':
      return v >= clause.value;
    case '==':
      return v === clause.value;
    case '!=':
      return v !== clause.value;
  }
}
