import { FieldType, toDataFrame } from '@grafana/data';
import { describe, expect, it } from 'vitest';
import { influxSeries } from '../testing/frames';
import { lastIndex, readFrames } from './series';

describe('readFrames', () => {
  it('reads InfluxDB time-series frames: metric from the name, tags from the labels', () => {
    const [series] = readFrames([
      influxSeries('softswitch_calls', 'active', { switch: 'ss1' }, [
        [1000, 5],
        [2000, 7],
      ]),
    ]);
    expect(series).toEqual({ metric: 'active', labels: { switch: 'ss1' }, times: [1000, 2000], values: [5, 7] });
  });

  it('reads table frames: tag columns split rows into series, aliased columns name the metric', () => {
    const frame = toDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [1000, 1000, 2000] },
        { name: 'switch', type: FieldType.string, values: ['ss1', 'ss2', 'ss1'] },
        { name: 'trunk', type: FieldType.string, values: ['a', 'b', 'a'] },
        { name: 'state', type: FieldType.string, values: ['up', 'down', 'down'] },
      ],
    });
    const series = readFrames([frame]);
    expect(series).toEqual([
      { metric: 'state', labels: { switch: 'ss1', trunk: 'a' }, times: [1000, 2000], values: ['up', 'down'] },
      { metric: 'state', labels: { switch: 'ss2', trunk: 'b' }, times: [1000], values: ['down'] },
    ]);
  });

  it('keeps null as null (no data), never as 0, and marks undated rows NaN', () => {
    const frame = toDataFrame({ fields: [{ name: 'active', type: FieldType.number, values: [null, 0] }] });
    const [series] = readFrames([frame]);
    expect(series!.values).toEqual([null, 0]);
    expect(series!.times.every(Number.isNaN)).toBe(true);
  });

  it('lastIndex finds the newest non-null point', () => {
    expect(lastIndex({ metric: 'a', labels: {}, times: [1, 3, 2], values: [1, null, 2] })).toBe(2);
    expect(lastIndex({ metric: 'a', labels: {}, times: [1], values: [null] })).toBe(-1);
  });
});
