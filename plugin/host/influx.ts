import { FieldType, toDataFrame, type DataFrame } from '@grafana/data';

/** The body of InfluxDB 1.x `GET /query?epoch=ms`. */
export interface InfluxQueryResponse {
  results: Array<{
    statement_id?: number;
    error?: string;
    series?: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }>;
  }>;
}

function describeTags(tags: Record<string, string>): string {
  const entries = Object.entries(tags);
  return entries.length ? ` { ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')} }` : '';
}

/**
 * InfluxQL results as Grafana's InfluxDB data source returns them in time-series format: one frame
 * per series and column, a `Time` field and a `Value` field with the tags as labels, named
 * `measurement.column {tags}`; the first frame of a query carries the executed query in its meta.
 */
export function influxToFrames(response: InfluxQueryResponse, refId: string, query?: string): DataFrame[] {
  const frames: DataFrame[] = [];
  for (const result of response.results) {
    if (result.error) throw new Error(`InfluxDB: ${result.error}`);
    for (const series of result.series ?? []) {
      const timeIndex = series.columns.indexOf('time');
      const times = series.values.map((row) => Number(row[timeIndex]));
      const tags = series.tags ?? {};
      series.columns.forEach((column, index) => {
        if (index === timeIndex) return;
        const values = series.values.map((row) => row[index] ?? null);
        const type = values.some((v) => typeof v === 'string') ? FieldType.string : FieldType.number;
        const name = `${series.name}.${column}${describeTags(tags)}`;
        frames.push(
          toDataFrame({
            refId,
            name,
            fields: [
              { name: 'Time', type: FieldType.time, values: times },
              { name: 'Value', type, labels: tags, values, config: { displayNameFromDS: name } },
            ],
          })
        );
      });
    }
  }
  if (query !== undefined && frames[0]) {
    frames[0].meta = { ...frames[0].meta, executedQueryString: query };
  }
  return frames;
}
