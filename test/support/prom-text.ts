/**
 * The value of one sample in Prometheus text exposition, by its name with labels exactly as
 * printed (`name` or `name{label="v"}`); `absent` when it is not there (a labelled counter not
 * incremented yet), or throws without it.
 */
export function metricValue(text: string, sample: string, absent?: number): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    if (line.slice(0, space) === sample) return Number(line.slice(space + 1));
  }
  if (absent !== undefined) return absent;
  throw new Error(`no sample ${sample} in the metrics`);
}
