import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cdrConfigSchema } from './config.js';

describe('cdr input config', () => {
  it('accepts the example config', () => {
    const example = parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'cdr.yaml'), 'utf8')) as { inputs: { type: string }[] };
    const cdrInputs = example.inputs.filter((i) => i.type === 'cdr');
    expect(cdrInputs).toHaveLength(2);
    for (const input of cdrInputs) expect(cdrConfigSchema.safeParse(input).error).toBeUndefined();
  });

  it('fills in defaults', () => {
    expect(cdrConfigSchema.parse({ type: 'cdr', name: 'pbx', paths: ['/x'] })).toMatchObject({
      format: 'auto',
      pollInterval: 1000,
      legWindow: 120_000,
      startAt: 'beginning',
      perCallPoints: true,
      trunks: [],
      dialPlan: { internationalPrefix: '011', emergencyNumbers: ['911', '933'], ownPrefixes: [] },
      milestones: {},
    });
  });

  it.each([
    [{ paths: [] }, 'paths', 'expected at least one path'],
    [{ format: 'csv' }, 'mapping', 'required when format is "csv"'],
    [{ sourceTimezone: 'Mars/Olympus' }, 'sourceTimezone', 'expected an IANA time zone'],
    [{ dialPlan: { ownPrefixes: ['212-555'] } }, 'dialPlan.ownPrefixes.0', 'expected digits only'],
    [{ dialPlan: { rules: [{ class: 'x', match: '(' }] } }, 'dialPlan.rules.0.match', 'expected a regular expression'],
    [{ milestones: { calls_per_day: -1 } }, 'milestones.calls_per_day', ''],
    [{ legWindow: 'two minutes' }, 'legWindow', 'expected a duration'],
    [{ colour: 'red' }, '', 'colour'],
  ])('rejects %j at %s', (patch, path, message) => {
    const result = cdrConfigSchema.safeParse({ type: 'cdr', name: 'pbx', paths: ['/x'], ...patch });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path.join('.')).toBe(path);
    expect(issue.message + JSON.stringify(issue)).toContain(message);
  });
});
