import type { Processor } from '../../pipeline/pipeline.js';
import { forStorage, type Metric } from '../../pipeline/metric.js';
import { cdrHour, cdrReconciliation as reconciliationSchema } from './measurements.js';
import { Zone } from './zone.js';

/** Hours kept in memory; older ones are final in InfluxDB. */
const KEEP_HOURS = 48;
const LIVE_MEASUREMENT = 'softswitch_calls';

export interface ReconcilePair {
  /** cdr input name (the `source` tag of cdr_hour). */
  source: string;
  /** softswitch input name (the `switch` tag of softswitch_calls) whose live minutes it is compared with. */
  switch: string;
}

/**
 * Per local hour, minutes of use from CDRs against minutes integrated from the live active-call
 * count, as one cdr_reconciliation point per hour that dashboards can show:
 *   cdr_minutes          talk time of answered calls from CDRs, each call split across the hours
 *                        it spanned (cdr_hour, rewritten as CDRs arrive);
 *   live_minutes         Σ softswitch_calls.minutes of the polls that ended in the hour (the poller
 *                        integrates active calls over each interval, trapezoid rule);
 *   discrepancy_minutes  cdr − live;  discrepancy_pct  100 × (cdr − live) / live.
 * An hour's CDR side is complete only once the calls that were up in it have ended, so the point
 * is rewritten (same series, same time) until then. The live side is summed in memory: after a
 * collector restart the current hour's live minutes restart from zero (earlier hours are final).
 * Wired into the pipeline as a processor, because it needs metrics of two inputs.
 */
/** The reconciliation pairs of a config: every cdr input with `reconcileWith`. */
export function reconcilePairs(inputs: readonly { type: string; name: string; reconcileWith?: string }[]): ReconcilePair[] {
  return inputs.filter((i) => i.type === 'cdr' && i.reconcileWith).map((i) => ({ source: i.name, switch: i.reconcileWith! }));
}

export function cdrReconciliation(pairs: readonly ReconcilePair[], timezone: string): Processor {
  const zone = new Zone(timezone);
  const live = new Map<string, Map<number, number>>(); // switch → hour → minutes
  const cdr = new Map<string, Map<number, number>>(); // source → hour → minutes
  const bySwitch = new Map<string, ReconcilePair[]>();
  const bySource = new Map<string, ReconcilePair[]>();
  for (const p of pairs) {
    bySwitch.set(p.switch, [...(bySwitch.get(p.switch) ?? []), p]);
    bySource.set(p.source, [...(bySource.get(p.source) ?? []), p]);
  }
  const hours = (map: Map<string, Map<number, number>>, key: string) => {
    let h = map.get(key);
    if (!h) map.set(key, (h = new Map()));
    return h;
  };
  const prune = (h: Map<number, number>, newest: number) => {
    for (const hour of h.keys()) if (hour < newest - KEEP_HOURS * 3_600_000) h.delete(hour);
  };

  return (metrics) => {
    const touched = new Map<string, { pair: ReconcilePair; hour: number }>();
    for (const m of metrics) {
      if (m.measurement === LIVE_MEASUREMENT && forStorage(m) && typeof m.fields.minutes === 'number') {
        const pairsOfSwitch = bySwitch.get(m.tags.switch ?? '');
        if (!pairsOfSwitch) continue;
        const hour = zone.hourStart(m.time);
        const h = hours(live, m.tags.switch!);
        h.set(hour, (h.get(hour) ?? 0) + m.fields.minutes);
        prune(h, hour);
        for (const pair of pairsOfSwitch) touched.set(`${pair.source}|${pair.switch}|${hour}`, { pair, hour });
      } else if (m.measurement === cdrHour.measurement && typeof m.fields.minutes === 'number') {
        const pairsOfSource = bySource.get(m.tags.source ?? '');
        if (!pairsOfSource) continue;
        const h = hours(cdr, m.tags.source!);
        h.set(m.time, m.fields.minutes); // cumulative for the hour: the newest value is the hour's
        prune(h, m.time);
        for (const pair of pairsOfSource) touched.set(`${pair.source}|${pair.switch}|${m.time}`, { pair, hour: m.time });
      }
    }
    if (touched.size === 0) return metrics;
    const out: Metric[] = [...metrics];
    for (const { pair, hour } of touched.values()) {
      const cdrMinutes = cdr.get(pair.source)?.get(hour) ?? 0;
      const liveMinutes = live.get(pair.switch)?.get(hour) ?? 0;
      out.push({
        measurement: reconciliationSchema.measurement,
        tags: { source: pair.source, switch: pair.switch },
        time: hour,
        fields: {
          cdr_minutes: cdrMinutes,
          live_minutes: liveMinutes,
          discrepancy_minutes: cdrMinutes - liveMinutes,
          ...(liveMinutes > 0 ? { discrepancy_pct: (100 * (cdrMinutes - liveMinutes)) / liveMinutes } : {}),
        },
      });
    }
    return out;
  };
}
