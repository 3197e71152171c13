import { FieldType, toDataFrame } from '@grafana/data';
import { describe, expect, it } from 'vitest';
import { influxSeries } from '../testing/frames';
import { lastIndex, rangeStamped, readFrames } from './series';

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

  it('knows which InfluxQL dates its rows at the start of the range instead of at a sample', () => {
    const from = `FROM "trunk_status" WHERE time > now() - 10m GROUP BY "switch", "trunk"`;
    expect(rangeStamped(`SELECT last("state") AS "state" ${from}`)).toBe(false);
    expect(rangeStamped(`SELECT "active" FROM "softswitch_calls" WHERE time > now() - 1h`)).toBe(false);
    expect(rangeStamped(`SELECT last("state") AS "state", last("up") AS "up" ${from}`)).toBe(true);
    expect(rangeStamped(`SELECT sum("attempts") FROM "softswitch_calls" WHERE time >= 0ms GROUP BY "switch"`)).toBe(
      true
    );
    expect(
      rangeStamped(`SELECT max("active") FROM "softswitch_calls" WHERE time > now() - 1h GROUP BY time(5s), "switch"`)
    ).toBe(false);
  });

  it('marks every frame of a query whose first frame carries a range-stamping executed query', () => {
    const multi = `SELECT last("state") AS "state", last("up") AS "up" FROM "trunk_status" WHERE time > now() - 10m GROUP BY "trunk"`;
    const first = {
      ...influxSeries('trunk_status', 'state', { trunk: 'a' }, [[1000, 'up']]),
      refId: 'A',
      meta: { executedQueryString: multi },
    };
    const second = { ...influxSeries('trunk_status', 'up', { trunk: 'a' }, [[1000, 1]]), refId: 'A' };
    const other = { ...influxSeries('trunk_status', 'latency_avg_ms', { trunk: 'a' }, [[2000, 3]]), refId: 'B' };
    expect(readFrames([first, second, other]).map((s) => [s.metric, s.rangeStamped ?? false])).toEqual([
      ['state', true],
      ['up', true],
      ['latency_avg_ms', false],
    ]);
  });

  it('lastIndex finds the newest non-null point', () => {
    expect(lastIndex({ metric: 'a', labels: {}, times: [1, 3, 2], values: [1, null, 2] })).toBe(2);
    expect(lastIndex({ metric: 'a', labels: {}, times: [1], values: [null] })).toBe(-1);
  });
});
