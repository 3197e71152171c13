// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { MeasurementSchema } from '../../pipeline/metric.js';
import { lineKey, LineEncoder } from './line-protocol.js';

const schema: MeasurementSchema = {
  measurement: 'trunk_status',
  description: 'test',
  tags: ['switch', 'trunk'],
  fields: { up: 'integer', latency_avg_ms: 'float', state: 'string', probed: 'boolean' },
};

describe('LineEncoder', () => {
  const encoder = new LineEncoder([schema]);

  it('writes declared types (3i for integers, floats as is), sorted tags, ms timestamps floored', () => {
    const line = encoder.encode({
      measurement: 'trunk_status',
      tags: { trunk: 'gw1', switch: 'ss1' },
      fields: { up: 3, latency_avg_ms: 3, probed: true },
      time: 1_795_000_000_123.9,
    });
    expect(line).toBe('trunk_status,switch=ss1,trunk=gw1 up=3i,latency_avg_ms=3,probed=true 1795000000123');
  });

  it('escapes tag values and string fields; absent fields are left out', () => {
    const line = encoder.encode({
      measurement: 'trunk_status',
      tags: { switch: 'a b,c=d\\e' },
      fields: { state: 'say "hi" \\ bye', up: undefined as never },
      time: 1,
    });
    expect(line).toBe('trunk_status,switch=a\\ b\\,c\\=d\\e state="say \\"hi\\" \\\\ bye" 1');
  });

  it('lineKey reads measurement and time back, whatever the string fields hold', () => {
    expect(lineKey('trunk_status,switch=ss1 state="x 1 2" 1795000000123')).toEqual({
      measurement: 'trunk_status',
      time: 1_795_000_000_123,
    });
    expect(lineKey('m v=1i 5')).toEqual({ measurement: 'm', time: 5 });
  });
});
