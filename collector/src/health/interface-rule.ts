// Polled interfaces (measurement snmp_interface) as links: core and edge router interfaces, and
// the one WAN interface of each customer IAD. A link is named `<device>/<ifName>` and grouped by
// site (else region, else device), exactly as the trap receiver names the interface of a
// linkDown/linkUp, so that a poll confirms or corrects what a trap reported.
import type { FieldValue } from '../pipeline/metric.js';
import { OK, constantVerdict, finite, pct, siteGroup } from './format.js';
import type { LinkRule } from './rules.js';
import type { Verdict } from './state.js';

export interface InterfaceHealthOptions {
  /** Degraded from this share of errored packets, in either direction. */
  errorsPct: number;
  /** Degraded from this many errors per second where packets are not counted (the IAD profile reads ifInErrors, no packets). */
  errorsPerSecond: number;
  /** Degraded from this utilisation of ifHighSpeed/ifSpeed, in either direction. */
  utilisationPct: number;
  /** An interface shut by an operator: `ok` (with reason `admin down`: on purpose, no alarm) or `down`. */
  adminDown: 'ok' | 'down';
  /** Devices of these roles (inventory `role`) have every polled interface as a link: the IAD profile polls only the WAN one. */
  allInterfacesRoles: readonly string[];
  /** Devices of these roles have none: access-switch ports come and go with the desks (their uplinks show on the other side). */
  noInterfacesRoles: readonly string[];
  /** Other devices: an interface is a link when its ifName matches one of these (none: every interface) … */
  include: readonly string[];
  /** … and none of these. Matched case-insensitively against the start of ifName. */
  exclude: readonly string[];
}

/**
 * Interfaces that are not links of their own: Cisco VLAN SVIs, loopbacks, Null0, NVI0,
 * virtual-access/template, tunnels, bridge-domain interfaces, the service-engine and EOBC ports;
 * async lines; voice ports and dial peers (FXO/FXS/E&M, VoiceOverIpPeer, VoiceEncapPeer); T1/E1
 * interfaces (each span is a `ds1` link of its own, with its alarms); Linux `lo`,
 * docker/veth/bridge devices.
 */
export const DEFAULT_EXCLUDE = [
  'Vl(an)?\\d',
  'Lo(opback)?\\d',
  'lo$',
  'Nu(ll)?\\d',
  'NVI\\d',
  'Vi(rtual-Access)?\\d',
  'Virtual-Template',
  'Tu(nnel)?\\d',
  'BDI\\d',
  'Embedded-Service-Engine',
  'EOBC',
  'As(ync)?\\d',
  'Voice(OverIp|Encap)Peer',
  'FX[OS]',
  'Foreign Exchange',
  'E&M',
  '(T1|E1|J1|DS1)[ -]',
  'docker',
  'veth',
  'virbr',
  'br-',
];

export const DEFAULT_INTERFACE_OPTIONS: Readonly<InterfaceHealthOptions> = Object.freeze({
  errorsPct: 1,
  errorsPerSecond: 10,
  utilisationPct: 90,
  adminDown: 'ok',
  allInterfacesRoles: ['iad'],
  noInterfacesRoles: ['access'],
  include: [],
  exclude: DEFAULT_EXCLUDE,
});

/** ifOperStatus names (IF-MIB). 1 up and 5 dormant (a dial backup waiting for traffic) are judged by their traffic. */
const OPER_STATUS: Readonly<Record<number, string>> = {
  2: 'down',
  3: 'testing',
  4: 'unknown',
  5: 'dormant',
  6: 'notPresent',
  7: 'lowerLayerDown',
};

const ADMIN_DOWN_OK = constantVerdict('ok', 'admin down');
const ADMIN_DOWN = constantVerdict('down', 'admin down');

/** One anchored, case-insensitive pattern of several; undefined for none. */
export function namePattern(patterns: readonly string[]): RegExp | undefined {
  return patterns.length ? new RegExp(`^(?:${patterns.map((p) => `(?:${p})`).join('|')})`, 'i') : undefined;
}

/** Errored share of one direction's packets: errored packets are not in the unicast count. */
function errorShare(errorsPerSecond: number | undefined, packetsPerSecond: number | undefined): number | undefined {
  if (errorsPerSecond === undefined || packetsPerSecond === undefined) return undefined;
  const total = packetsPerSecond + errorsPerSecond;
  return total > 0 ? (100 * errorsPerSecond) / total : 0;
}

export function evaluateInterface(fields: Readonly<Record<string, FieldValue>>, options: Readonly<InterfaceHealthOptions>): Verdict {
  if (fields.admin_status === 2) return options.adminDown === 'ok' ? ADMIN_DOWN_OK : ADMIN_DOWN;
  const oper = finite(fields.oper_status);
  if (oper !== undefined && oper !== 1 && oper !== 5) {
    return { state: oper === 3 ? 'degraded' : 'down', reasons: [`oper ${OPER_STATUS[oper] ?? oper}`] };
  }
  const reasons: string[] = [];
  const inErrors = finite(fields.in_errors_ps);
  const outErrors = finite(fields.out_errors_ps);
  const inShare = errorShare(inErrors, finite(fields.in_pps));
  const outShare = errorShare(outErrors, finite(fields.out_pps));
  if (inShare !== undefined || outShare !== undefined) {
    const share = Math.max(inShare ?? 0, outShare ?? 0);
    if (share >= options.errorsPct) reasons.push(`errors ${pct(share)}`);
  } else if (inErrors !== undefined || outErrors !== undefined) {
    const perSecond = Math.max(inErrors ?? 0, outErrors ?? 0);
    if (perSecond >= options.errorsPerSecond) reasons.push(`errors ${Number(perSecond.toFixed(perSecond < 10 ? 1 : 0))}/s`);
  }
  const utilisation = Math.max(finite(fields.in_util_pct) ?? 0, finite(fields.out_util_pct) ?? 0);
  if (utilisation >= options.utilisationPct) reasons.push(`utilisation ${pct(utilisation)}`);
  return reasons.length ? { state: 'degraded', reasons } : OK;
}

export function interfaceRule(overrides: Readonly<Partial<InterfaceHealthOptions>> = {}): LinkRule {
  const options: InterfaceHealthOptions = { ...DEFAULT_INTERFACE_OPTIONS, ...overrides };
  const include = namePattern(options.include);
  const exclude = namePattern(options.exclude);
  const everyInterface = new Set(options.allInterfacesRoles);
  const noInterface = new Set(options.noInterfacesRoles);
  return {
    measurement: 'snmp_interface',
    kind: 'interface',
    linkId: (tags) => `${tags.device}/${tags.ifName}`,
    group: siteGroup,
    accepts(tags) {
      if (tags.role !== undefined && everyInterface.has(tags.role)) return true;
      if (tags.role !== undefined && noInterface.has(tags.role)) return false;
      const name = tags.ifName ?? '';
      return (!include || include.test(name)) && !exclude?.test(name);
    },
    evaluate: (fields) => evaluateInterface(fields, options),
  };
}
