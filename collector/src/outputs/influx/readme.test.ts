// @vitest-environment node
// README.md documents the measurements; this keeps its tables equal to the schemas.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { softswitchCalls, trunkStatus } from '../../inputs/kamailio/measurements.js';
import type { MeasurementSchema } from '../../pipeline/metric.js';
import { sourceStatus } from '../../pipeline/source-status.js';
import { linkHealth } from '../../health/engine.js';
import { snmpEvents } from '../../inputs/snmp-trap/measurements.js';
import { alertsMeasurement } from '../../alerting/measurement.js';
import { trunkAdvice } from '../../traffic/advice.js';

const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');

function table(schema: MeasurementSchema): string {
  return [
    `### \`${schema.measurement}\``,
    '',
    schema.description,
    '',
    `Tags: ${schema.tags.map((t) => `\`${t}\``).join(', ')}`,
    '',
    '| field | type | rollup (1m and 1d) |',
    '|---|---|---|',
    ...Object.entries(schema.fields).map(([field, type]) => `| \`${field}\` | ${type} | ${schema.rollup?.[field] ?? '—'} |`),
  ].join('\n');
}

describe('README.md', () => {
  it.each([softswitchCalls, trunkStatus, sourceStatus, linkHealth, trunkAdvice, alertsMeasurement, snmpEvents])(
    'has the table of $measurement as declared in its schema',
    (schema) => {
      expect(readme).toContain(table(schema));
    },
  );
});
