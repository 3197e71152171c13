/**
 * The value of one sample in Prometheus text exposition, by its name with labels exactly as
 * printed (`name` or `name{label="v"}`); throws when it is not there.
 */
export function metricValue(text: string, sample: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (line.slice(0, space) === sample) return Number(line.slice(space + 1));
  }
  throw new Error(`no sample ${sample} in the metrics`);
}
