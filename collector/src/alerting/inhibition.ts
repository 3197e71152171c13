import type { AlertingConfig } from './config.js';
import { matchesAll } from './matchers.js';
import type { AlertRecord } from './state.js';

/**
 * The alert that inhibits `record`, if any: one matching an inhibit rule's source (pending or
 * firing, so a router going down mutes its links even before its own `for` has passed) with the
 * same values of the rule's `equal` labels.
 */
export function inhibitor(
  rules: AlertingConfig['inhibit'],
  record: AlertRecord,
  candidates: readonly AlertRecord[],
): AlertRecord | undefined {
  for (const rule of rules) {
    if (!matchesAll(rule.target, record.labels)) continue;
    const source = candidates.find(
      (c) =>
        c !== record &&
        (c.state === 'pending' || c.state === 'firing') &&
        matchesAll(rule.source, c.labels) &&
        !matchesAll(rule.target, c.labels) &&
        rule.equal.every((name) => (c.labels[name] ?? '') === (record.labels[name] ?? '')),
    );
    if (source) return source;
  }
  return undefined;
}
