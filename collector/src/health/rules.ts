import type { FieldValue } from '../pipeline/metric.js';
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
}

const OK: Verdict = { state: 'ok', reasons: [] };

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

export const defaultRules: readonly LinkRule[] = [sipTrunkRule, trunkGroupRule];
