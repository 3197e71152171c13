import type { FieldValue } from '../pipeline/metric.js';
import { OK, pct } from './format.js';
import { interfaceRule, type InterfaceHealthOptions } from './interface-rule.js';
import { ipslaRule, type IpslaThresholds } from './ipsla-rule.js';
import type { Verdict } from './state.js';

/** How one measurement's points become links with a verdict each. */
export interface LinkRule {
  readonly measurement: string;
  /** Link kind shown on tiles and used for grouping: sip-trunk, interface, ds1, ipsla … */
  readonly kind: string;
  /** Stable, bounded identity of the link from the point's tags. */
  linkId(tags: Readonly<Record<string, string>>): string;
  /** The group a roll-up shows the worst member of (trunk group, site, region). */
  group(tags: Readonly<Record<string, string>>): string;
  evaluate(fields: Readonly<Record<string, FieldValue>>): Verdict;
  /** Whether the point's object is a link at all (a core router's VLANs and loopbacks are not); absent: every point is. */
  accepts?(tags: Readonly<Record<string, string>>): boolean;
}

/** SIP trunks: Kamailio dispatcher gateways probed with OPTIONS (input kamailio, measurement trunk_status). */
export const sipTrunkRule: LinkRule = {
  measurement: 'trunk_status',
  kind: 'sip-trunk',
  linkId: (tags) => `${tags.switch}/${tags.trunk}`,
  group: (tags) => tags.trunk_group ?? tags.switch ?? 'unknown',
  evaluate(fields) {
    switch (fields.state) {
      case 'up':
        return OK;
      case 'down':
        return { state: 'down', reasons: ['gateway not answering OPTIONS'] };
      case 'disabled':
        return { state: 'down', reasons: ['disabled on the switch'] };
      case 'probing':
        return { state: 'degraded', reasons: ['probing after failures'] };
      default:
        return { state: 'degraded', reasons: [`unknown trunk state ${JSON.stringify(fields.state)}`] };
    }
  },
};

/** Trunk groups (measurement trunk_group): all members down, full, or nearly full. */
export const trunkGroupRule: LinkRule = {
  measurement: 'trunk_group',
  kind: 'trunk-group',
  linkId: (tags) => tags.trunk_group ?? 'unknown',
  group: (tags) => tags.carrier ?? 'unspecified',
  evaluate(fields) {
    const members = Number(fields.members);
    const up = Number(fields.members_up);
    const active = Number(fields.calls_active);
    const capacity = Number(fields.capacity);
    const occupancy = Number(fields.occupancy);
    if (up === 0) return { state: 'down', reasons: [`all ${members} trunks down`] };
    const reasons: string[] = [];
    if (active >= capacity) reasons.push('at capacity');
    else if (occupancy >= Number(fields.warn_at)) reasons.push(`occupancy ${Math.round(occupancy)} %`);
    if (up < members) reasons.push(`${members - up} of ${members} trunks down`);
    return reasons.length ? { state: 'degraded', reasons } : OK;
  },
};

/** Error-second thresholds of a DS1 span, in % of the seconds elapsed in the current 15-minute interval. */
export interface Ds1Thresholds {
  erroredSecondsPct: number;
  severelyErroredSecondsPct: number;
}

export const DEFAULT_DS1_THRESHOLDS: Readonly<Ds1Thresholds> = { erroredSecondsPct: 1, severelyErroredSecondsPct: 0.1 };

/** Alarms that take the span out of service: no frames arrive. */
const DOWN_ALARMS = new Set(['LOS', 'LOF', 'AIS', 'unavailable', 'carrier OOS']);
/** Error seconds are judged only once this much of the interval has elapsed: 1 ES in the first second is not 100 %. */
const MIN_ELAPSED_S = 60;

/**
 * T1/E1 spans (measurement snmp_ds1): LOS/LOF/AIS → down with the alarm as reason ("LOS alarm"),
 * any other alarm (RAI, loopback, …) or errored seconds over the thresholds → degraded. A span
 * shut down or with its interface down and no alarm is down too.
 */
export function ds1SpanRule(thresholds: Readonly<Ds1Thresholds> = DEFAULT_DS1_THRESHOLDS): LinkRule {
  return {
    measurement: 'snmp_ds1',
    kind: 'ds1',
    linkId: (tags) => `${tags.device}/${tags.span}`,
    group: (tags) => tags.trunk_group ?? tags.site ?? tags.device ?? 'unknown',
    evaluate(fields) {
      const alarms = typeof fields.alarms === 'string' && fields.alarms ? fields.alarms.split(',') : [];
      const down = alarms.filter((a) => DOWN_ALARMS.has(a));
      if (down.length) return { state: 'down', reasons: down.map((a) => `${a} alarm`) };
      if (fields.admin_status === 2) return { state: 'down', reasons: ['admin down'] };
      if (fields.oper_status !== undefined && fields.oper_status !== 1) return { state: 'down', reasons: ['oper down'] };
      const reasons = alarms.map((a) => `${a} alarm`);
      const elapsed = Number(fields.elapsed_s);
      if (elapsed >= MIN_ELAPSED_S) {
        const es = (100 * Number(fields.cur_es ?? 0)) / elapsed;
        const ses = (100 * Number(fields.cur_ses ?? 0)) / elapsed;
        if (es >= thresholds.erroredSecondsPct) reasons.push(`errored seconds ${pct(es)}`);
        if (ses >= thresholds.severelyErroredSecondsPct) reasons.push(`severely errored seconds ${pct(ses)}`);
      }
      return reasons.length ? { state: 'degraded', reasons } : OK;
    },
  };
}

export interface RuleThresholds {
  ds1?: Readonly<Ds1Thresholds>;
  interfaces?: Readonly<Partial<InterfaceHealthOptions>>;
  ipsla?: Readonly<Partial<IpslaThresholds>>;
}

export function defaultRules(thresholds: RuleThresholds = {}): readonly LinkRule[] {
  return [sipTrunkRule, trunkGroupRule, ds1SpanRule(thresholds.ds1), interfaceRule(thresholds.interfaces), ipslaRule(thresholds.ipsla)];
}
