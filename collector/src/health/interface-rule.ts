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
  /**
   * Degraded from this many errors per second where packets are not counted (the IAD profile reads ifInErrors, no packets), or
   * are too few for a share to mean anything (below minPacketsPerSecond).
   */
  errorsPerSecond: number;
  /** A direction's errored share is judged only from this many packets per second (errored included): 2 errors in 5 packets is no 40 % link. */
  minPacketsPerSecond: number;
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
  /** Further include/exclude patterns of one device (by inventory name), applied on top of the above: its unused ports, say. */
  devices: Readonly<Record<string, DeviceInterfacePatterns>>;
}

export interface DeviceInterfacePatterns {
  include?: readonly string[];
  exclude?: readonly string[];
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
  minPacketsPerSecond: 10,
  utilisationPct: 90,
  adminDown: 'ok',
  allInterfacesRoles: ['iad'],
  noInterfacesRoles: ['access'],
  include: [],
  exclude: DEFAULT_EXCLUDE,
  devices: {},
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

/** What a poll says about errors: the worst errored share where packets are counted and enough, else the worst errors per second. */
interface ErrorFigures {
  share?: number;
  perSecond?: number;
}

/** One direction: errored packets are not in the unicast count, so the share is errors / (unicast + errors). */
function addDirection(figures: ErrorFigures, errors: number | undefined, packets: number | undefined, minPackets: number): void {
  if (errors === undefined) return;
  const total = packets === undefined ? undefined : packets + errors;
  if (total !== undefined && total >= minPackets) {
    const share = total > 0 ? (100 * errors) / total : 0;
    figures.share = Math.max(figures.share ?? 0, share);
  } else figures.perSecond = Math.max(figures.perSecond ?? 0, errors);
}

export function evaluateInterface(fields: Readonly<Record<string, FieldValue>>, options: Readonly<InterfaceHealthOptions>): Verdict {
  if (fields.admin_status === 2) return options.adminDown === 'ok' ? ADMIN_DOWN_OK : ADMIN_DOWN;
  const oper = finite(fields.oper_status);
  if (oper !== undefined && oper !== 1 && oper !== 5) {
    return { state: oper === 3 ? 'degraded' : 'down', reasons: [`oper ${OPER_STATUS[oper] ?? oper}`] };
  }
  const reasons: string[] = [];
  const errors: ErrorFigures = {};
  addDirection(errors, finite(fields.in_errors_ps), finite(fields.in_pps), options.minPacketsPerSecond);
  addDirection(errors, finite(fields.out_errors_ps), finite(fields.out_pps), options.minPacketsPerSecond);
  if (errors.share !== undefined && errors.share >= options.errorsPct) reasons.push(`errors ${pct(errors.share)}`);
  if (errors.perSecond !== undefined && errors.perSecond >= options.errorsPerSecond)
    reasons.push(`errors ${Number(errors.perSecond.toFixed(errors.perSecond < 10 ? 1 : 0))}/s`);
  const utilisation = Math.max(finite(fields.in_util_pct) ?? 0, finite(fields.out_util_pct) ?? 0);
  if (utilisation >= options.utilisationPct) reasons.push(`utilisation ${pct(utilisation)}`);
  return reasons.length ? { state: 'degraded', reasons } : OK;
}

/** include (none: any) and not exclude, compiled once. */
function nameFilter(include: readonly string[] = [], exclude: readonly string[] = []): (name: string) => boolean {
  const included = namePattern(include);
  const excluded = namePattern(exclude);
  return (name) => (!included || included.test(name)) && !excluded?.test(name);
}

export function interfaceRule(overrides: Readonly<Partial<InterfaceHealthOptions>> = {}): LinkRule {
  const options: InterfaceHealthOptions = { ...DEFAULT_INTERFACE_OPTIONS, ...overrides };
  const byName = nameFilter(options.include, options.exclude);
  const ofDevice = new Map(Object.entries(options.devices).map(([device, p]) => [device, nameFilter(p.include, p.exclude)]));
  const everyInterface = new Set(options.allInterfacesRoles);
  const noInterface = new Set(options.noInterfacesRoles);
  return {
    measurement: 'snmp_interface',
    kind: 'interface',
    linkId: (tags) => `${tags.device}/${tags.ifName}`,
    group: siteGroup,
    accepts(tags) {
      const name = tags.ifName ?? '';
      const own = ofDevice.size ? ofDevice.get(tags.device ?? '') : undefined;
      if (own && !own(name)) return false;
      if (tags.role !== undefined && everyInterface.has(tags.role)) return true;
      if (tags.role !== undefined && noInterface.has(tags.role)) return false;
      return byName(name);
    },
    evaluate: (fields) => evaluateInterface(fields, options),
  };
}
