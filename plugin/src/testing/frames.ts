import type { LinksInput } from '../data/links';
import { FieldType, toDataFrame, type DataFrame } from '@grafana/data';

/**
 * Frames shaped like the InfluxDB data source's time-series answers (one frame per series and
 * field: a Time field and a Value field carrying the tags as labels, named measurement.field).
 */
export function influxSeries(
  measurement: string,
  field: string,
  labels: Record<string, string>,
  points: Array<[number, number | string]>
): DataFrame {
  const tagText = Object.entries(labels)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return toDataFrame({
    name: `${measurement}.${field}${tagText ? ` { ${tagText} }` : ''}`,
    fields: [
      { name: 'Time', type: FieldType.time, values: points.map((p) => p[0]) },
      {
        name: 'Value',
        type: typeof points[0]?.[1] === 'string' ? FieldType.string : FieldType.number,
        labels,
        values: points.map((p) => p[1]),
        config: { displayNameFromDS: `${measurement}.${field}${tagText ? ` { ${tagText} }` : ''}` },
      },
    ],
  });
}

/** `count` trunks on `switches` switches, every `downEvery`-th down, as trunk_status frames. */
export function trunkFrames(
  count: number,
  time: number,
  options: { switches?: number; downEvery?: number } = {}
): DataFrame[] {
  const switches = options.switches ?? 10;
  const frames: DataFrame[] = [];
  for (let i = 0; i < count; i++) {
    const labels = { switch: `ss${i % switches}`, trunk: `trunk-${String(i).padStart(4, '0')}` };
    const down = options.downEvery ? i % options.downEvery === 0 : false;
    frames.push(influxSeries('trunk_status', 'state', labels, [[time, down ? 'down' : 'up']]));
  }
  return frames;
}

/** The options every link-health test starts from, at time `now`; a test overrides what it is about. */
export function linksInput(now: number, overrides: Partial<LinksInput> = {}): LinksInput {
  return {
    frames: [],
    live: [],
    now,
    staleAfterMs: 10_000,
    liveSilent: false,
    groupBy: 'switch',
    rollUp: false,
    degradedLatencyMs: 0,
    ...overrides,
  };
}
