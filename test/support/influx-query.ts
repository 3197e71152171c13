/** Runs one InfluxQL query over HTTP and returns the rows of its first series as objects. */
export async function queryRows(influxUrl: string, database: string, q: string): Promise<Record<string, unknown>[]> {
  const url = `${influxUrl}/query?db=${encodeURIComponent(database)}&epoch=ms&q=${encodeURIComponent(q)}`;
  const body = (await (await fetch(url)).json()) as {
    results: { error?: string; series?: { columns: string[]; values: unknown[][] }[] }[];
  };
  const result = body.results[0]!;
  if (result.error) throw new Error(`InfluxQL error for "${q}": ${result.error}`);
  const series = result.series ?? [];
  return series.flatMap((s) => s.values.map((row) => Object.fromEntries(s.columns.map((c, i) => [c, row[i]]))));
}
