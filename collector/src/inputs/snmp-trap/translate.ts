// A received notification as a named event about one object (an interface, a DS1 span, an IP SLA
// operation, the device), with what it says about that object's link health. Pure: the receiver
// and the device lookup live elsewhere, so every MIB rule here is table-tested.
import { interfaceRule } from '../../health/interface-rule.js';
import { ds1SpanRule, type LinkRule } from '../../health/rules.js';
import type { Verdict } from '../../health/state.js';
import type { Metric } from '../../pipeline/metric.js';
import { decodeLineStatus } from '../snmp/profiles/ds1.js';
import type { SnmpType, SnmpValue } from '../snmp/session.js';
import { snmpEvents } from './measurements.js';
import { COLUMNS, IF_STATUS, NOTIFICATIONS, RTT_REACT_VARS, SNMP_TRAPS, SNMP_TRAP_OID, SYS_UPTIME, type NotificationName } from './oids.js';

export interface TrapVarbind {
  readonly oid: string;
  readonly type: SnmpType;
  readonly value: SnmpValue;
}

/** A notification as the receiver hands it over: authenticated, decoded, not yet understood. */
export interface ReceivedTrap {
  readonly version: '1' | '2c' | '3';
  readonly pdu: 'trap' | 'inform';
  /** UDP source address: what the inventory is matched on (never a field inside the packet). */
  readonly source: string;
  /** SNMPv1 Trap-PDU header fields; v2c/v3 carry the same in their first two varbinds. */
  readonly v1?: {
    readonly enterprise: string;
    readonly generic: number;
    readonly specific: number;
    readonly agentAddr: string;
    readonly uptime: number;
  };
  readonly varbinds: readonly TrapVarbind[];
}

/** What the translator may know about the sending device: the poller's view of it. */
export interface TrapDevice {
  readonly device: string;
  /** Inventory tags (device, customer, site, region, role) as the poller writes them. */
  readonly tags: Readonly<Record<string, string>>;
  /** ifIndex → ifName as last polled; undefined when the poller has not seen it. */
  ifName(ifIndex: number): string | undefined;
}

export type EventKind = 'interface' | 'ds1' | 'ipsla' | 'device' | 'voice' | 'other';

export interface LinkReport {
  readonly kind: string;
  readonly id: string;
  readonly group: string;
  readonly verdict: Verdict;
}

export interface TrapEvent {
  /** Notification name (linkDown, dsx1LineStatusChange …) or `unknown`. */
  readonly event: NotificationName | 'unknown';
  readonly trapOid: string;
  readonly kind: EventKind;
  /** The affected object: interface name, SLA operation number, peer index; '' for the device. */
  readonly object: string;
  readonly state: string;
  readonly text: string;
  /** Identity of the object within its source: the storm limiter keeps the latest event per key. */
  readonly key: string;
  readonly ifIndex?: number;
  /** The state of a health-model link this notification reports. */
  readonly link?: LinkReport;
  /** The device restarted its counters (coldStart/warmStart): skip its next rate interval. */
  readonly counterRestart?: boolean;
  /** sysUpTime.0 of the sender, hundredths of a second. */
  readonly uptime?: number;
  /** The notification's own varbinds (without sysUpTime.0 and snmpTrapOID.0). */
  readonly varbinds: readonly TrapVarbind[];
}

export class TrapFormatError extends Error {
  readonly code = 'CALLBOARD_TRAP_MALFORMED';
}

const BY_OID = new Map<string, NotificationName>(Object.entries(NOTIFICATIONS).map(([name, oid]) => [oid, name as NotificationName]));

/** RFC 3584 §3.1: a v1 trap's snmpTrapOID. Generic 0–5 map to snmpTraps; enterprise-specific to enterprise.0.specific. */
export function v1TrapOid(v1: NonNullable<ReceivedTrap['v1']>): string {
  if (v1.generic >= 0 && v1.generic <= 5) return `${SNMP_TRAPS}.${v1.generic + 1}`;
  return `${v1.enterprise}.0.${v1.specific}`;
}

function header(trap: ReceivedTrap): { trapOid: string; uptime?: number; payload: readonly TrapVarbind[] } {
  if (trap.v1) return { trapOid: v1TrapOid(trap.v1), uptime: trap.v1.uptime, payload: trap.varbinds };
  const oidVb = trap.varbinds.find((vb) => vb.oid === SNMP_TRAP_OID);
  if (!oidVb || typeof oidVb.value !== 'string') throw new TrapFormatError('notification without snmpTrapOID.0');
  const uptimeVb = trap.varbinds.find((vb) => vb.oid === SYS_UPTIME);
  const payload = trap.varbinds.filter((vb) => vb !== oidVb && vb !== uptimeVb);
  return { trapOid: oidVb.value.replace(/^\./, ''), ...(typeof uptimeVb?.value === 'number' ? { uptime: uptimeVb.value } : {}), payload };
}

/** The varbind of a column, with its instance (the OID after the column). */
function column(varbinds: readonly TrapVarbind[], columnOid: string): { instance: string; value: SnmpValue } | undefined {
  const prefix = `${columnOid}.`;
  const vb = varbinds.find((v) => v.oid.startsWith(prefix));
  return vb && { instance: vb.oid.slice(prefix.length), value: vb.value };
}

const int = (value: SnmpValue | undefined): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
const positiveInt = (text: string | undefined): number | undefined =>
  text !== undefined && /^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined;

const linkGroup = (device: TrapDevice) => device.tags.site || device.tags.region || device.device;

function interfaceOf(payload: readonly TrapVarbind[], device: TrapDevice): { ifIndex?: number; name: string } {
  const byValue = int(column(payload, COLUMNS.ifIndex)?.value);
  const byInstance = [COLUMNS.ifIndex, COLUMNS.ifAdminStatus, COLUMNS.ifOperStatus, COLUMNS.ifDescr, COLUMNS.ifName, COLUMNS.locIfReason]
    .map((c) => positiveInt(column(payload, c)?.instance))
    .find((n) => n !== undefined);
  const ifIndex = byValue !== undefined && byValue > 0 ? byValue : byInstance;
  if (ifIndex === undefined) return { name: '' };
  // The poller's name first, so that the trap and the next poll speak of the same link.
  const reported = column(payload, COLUMNS.ifName)?.value ?? column(payload, COLUMNS.ifDescr)?.value;
  const name = device.ifName(ifIndex) || (reported !== undefined && String(reported)) || `ifIndex ${ifIndex}`;
  return { ifIndex, name };
}

const defaultInterfaceRule = interfaceRule();

/**
 * The interface's verdict is the interface polling rule's own for the statuses the trap carries
 * (admin down is `ok (admin down)` by default there too), so trap and poll agree; an interface
 * that rule does not take as a link (a VLAN, an excluded unused port) gets no link report.
 */
function linkEvent(
  event: 'linkDown' | 'linkUp',
  trapOid: string,
  payload: readonly TrapVarbind[],
  device: TrapDevice,
  rule: LinkRule,
): Omit<TrapEvent, 'varbinds'> {
  const { ifIndex, name } = interfaceOf(payload, device);
  const admin = int(column(payload, COLUMNS.ifAdminStatus)?.value);
  const oper = int(column(payload, COLUMNS.ifOperStatus)?.value);
  const why = column(payload, COLUMNS.locIfReason)?.value;
  const down = event === 'linkDown';
  // The notification itself says up or down where its varbinds do not (or contradict it).
  const operStatus = down ? (oper !== undefined && oper !== 1 ? oper : 2) : (oper ?? 1);
  const polled = rule.evaluate(admin === undefined ? { oper_status: operStatus } : { admin_status: admin, oper_status: operStatus });
  const verdict: Verdict = polled.state === 'ok' ? polled : { state: polled.state, reasons: [...polled.reasons, `${event} trap`] };
  const state = down ? (admin === 2 ? 'admin down' : (oper !== undefined && IF_STATUS[oper]) || 'down') : 'up';
  const text = `${event} ${name || 'unknown interface'} on ${device.device}${why !== undefined && String(why) ? `: ${String(why)}` : ''}`;
  const tags = { ...device.tags, device: device.device, ifName: name };
  const isLink = ifIndex !== undefined && (rule.accepts?.(tags) ?? true);
  return {
    event,
    trapOid,
    kind: 'interface',
    object: name,
    state,
    text,
    key: ifIndex === undefined ? `interface:?` : `interface:${ifIndex}`,
    ...(ifIndex !== undefined ? { ifIndex } : {}),
    ...(isLink ? { link: { kind: rule.kind, id: rule.linkId(tags), group: rule.group(tags), verdict } } : {}),
  };
}

const ds1Rule = ds1SpanRule();

/** The span's verdict is the DS1 polling rule's own for the same alarms, so trap and poll agree. */
function ds1Event(trapOid: string, payload: readonly TrapVarbind[], device: TrapDevice): Omit<TrapEvent, 'varbinds'> {
  const status = column(payload, COLUMNS.dsx1LineStatus);
  const ifIndex = positiveInt(status?.instance);
  const bits = int(status?.value);
  // The span's name as the ds1 profile gives it when the poller has not seen it.
  const span = ifIndex === undefined ? '' : device.ifName(ifIndex) || `ds1 ${ifIndex}`;
  const alarms = bits === undefined ? [] : decodeLineStatus(bits);
  const polled = ds1Rule.evaluate({ alarms: alarms.join(',') });
  const verdict: Verdict =
    polled.state === 'ok' ? polled : { state: polled.state, reasons: [...polled.reasons, 'dsx1LineStatusChange trap'] };
  const state = bits === undefined ? 'unknown' : alarms.length ? alarms.join(', ') : 'no alarm';
  return {
    event: 'dsx1LineStatusChange',
    trapOid,
    kind: 'ds1',
    object: span,
    state,
    text: `DS1 ${span || 'unknown span'} on ${device.device}: ${state}`,
    key: `ds1:${ifIndex ?? '?'}`,
    ...(ifIndex !== undefined && bits !== undefined
      ? { ifIndex, link: { kind: ds1Rule.kind, id: `${device.device}/${span}`, group: ds1Rule.group(device.tags), verdict } }
      : {}),
  };
}

const truth = (value: SnmpValue | undefined): boolean | undefined => (value === 1 ? true : value === 2 ? false : undefined);

/** What an IP SLA notification says: the condition, whether it is occurring, and how bad. */
function slaCondition(
  event: NotificationName,
  payload: readonly TrapVarbind[],
): { occurred?: boolean; condition: string; severity: 'down' | 'degraded' } {
  switch (event) {
    case 'rttMonTimeoutNotification':
      return { occurred: truth(column(payload, COLUMNS.rttMonCtrlOperTimeoutOccurred)?.value), condition: 'timeout', severity: 'down' };
    case 'rttMonConnectionChangeNotification':
      return {
        occurred: truth(column(payload, COLUMNS.rttMonCtrlOperConnectionLostOccurred)?.value),
        condition: 'connection loss',
        severity: 'down',
      };
    case 'rttMonThresholdNotification':
      return {
        occurred: truth(column(payload, COLUMNS.rttMonCtrlOperOverThresholdOccurred)?.value),
        condition: 'over threshold',
        severity: 'degraded',
      };
    default: {
      const reactVar = int(column(payload, COLUMNS.rttMonReactVar)?.value);
      const name = (reactVar !== undefined && RTT_REACT_VARS[reactVar]) || `reaction ${reactVar ?? '?'}`;
      const value = int(column(payload, COLUMNS.rttMonReactValue)?.value);
      const rising = int(column(payload, COLUMNS.rttMonReactThresholdRising)?.value);
      const falling = int(column(payload, COLUMNS.rttMonReactThresholdFalling)?.value);
      // MOS is reported in hundredths and violates downwards; the others violate upwards.
      const condition =
        value === undefined
          ? name
          : reactVar === 6
            ? `MOS ${value / 100}${falling !== undefined ? ` < ${falling / 100}` : ''}`
            : `${name} ${value}${rising !== undefined ? ` > ${rising}` : ''}`;
      return {
        occurred: truth(column(payload, COLUMNS.rttMonReactOccurred)?.value),
        condition,
        severity: reactVar === 7 || reactVar === 8 ? 'down' : 'degraded',
      };
    }
  }
}

function slaEvent(
  event: NotificationName,
  trapOid: string,
  payload: readonly TrapVarbind[],
  device: TrapDevice,
): Omit<TrapEvent, 'varbinds'> {
  const index = [
    COLUMNS.rttMonCtrlAdminTag,
    COLUMNS.rttMonReactVar,
    COLUMNS.rttMonReactOccurred,
    COLUMNS.rttMonCtrlOperOverThresholdOccurred,
    COLUMNS.rttMonCtrlOperTimeoutOccurred,
    COLUMNS.rttMonCtrlOperConnectionLostOccurred,
    COLUMNS.rttMonHistoryCollectionAddress,
  ]
    .map((c) => positiveInt(column(payload, c)?.instance.split('.')[0]))
    .find((n) => n !== undefined);
  const tag = column(payload, COLUMNS.rttMonCtrlAdminTag)?.value;
  const { occurred, condition, severity } = slaCondition(event, payload);
  const object = index === undefined ? '' : String(index);
  const state = occurred === undefined ? condition : occurred ? condition : `${condition} cleared`;
  const label = `IP SLA ${object || '?'}${tag !== undefined && String(tag) ? ` (${String(tag)})` : ''}`;
  const verdict: Verdict = occurred ? { state: severity, reasons: [condition, `${event} trap`] } : { state: 'ok', reasons: [] };
  return {
    event,
    trapOid,
    kind: 'ipsla',
    object,
    state,
    text: `${label} on ${device.device}: ${state}`,
    key: `ipsla:${object || '?'}`,
    ...(index !== undefined && occurred !== undefined
      ? { link: { kind: 'ipsla', id: `${device.device}/${object}`, group: linkGroup(device), verdict } }
      : {}),
  };
}

const VOICE_STATES: Partial<Record<NotificationName, string>> = {
  dialCtlPeerCallInformation: 'call ended',
  dialCtlPeerCallSetup: 'call setup',
  isdnMibCallInformation: 'ISDN call information',
  cvdcPoorQoVNotification: 'poor quality of voice',
};

function voiceEvent(
  event: NotificationName,
  trapOid: string,
  payload: readonly TrapVarbind[],
  device: TrapDevice,
): Omit<TrapEvent, 'varbinds'> {
  // These are indexed by dial peer, call or ifIndex: the first varbind's instance names the object.
  const first = payload[0]?.oid;
  const prefixEnd = first ? first.lastIndexOf('.') : -1;
  const object = first && prefixEnd > 0 ? first.slice(prefixEnd + 1) : '';
  const cause = column(payload, COLUMNS.dialCtlPeerStatsLastDisconnectText)?.value;
  const state = VOICE_STATES[event] ?? event;
  return {
    event,
    trapOid,
    kind: 'voice',
    object,
    state,
    text: `${state} on ${device.device}${object ? ` (${object})` : ''}${cause !== undefined && String(cause) ? `: ${String(cause)}` : ''}`,
    key: `voice:${event}:${object}`,
  };
}

function deviceEvent(
  event: 'coldStart' | 'warmStart' | 'authenticationFailure' | 'egpNeighborLoss',
  trapOid: string,
  device: TrapDevice,
): Omit<TrapEvent, 'varbinds'> {
  const restart = event === 'coldStart' || event === 'warmStart';
  const state = restart ? 'restarted' : event === 'authenticationFailure' ? 'authentication failure' : 'EGP neighbour lost';
  return {
    event,
    trapOid,
    kind: 'device',
    object: '',
    state,
    text: `${event} from ${device.device}`,
    key: `device:${event}`,
    ...(restart ? { counterRestart: true } : {}),
  };
}

/**
 * Throws TrapFormatError for a v2c/v3 notification without snmpTrapOID.0 (RFC 3416 requires it).
 * `interfaces`: the collector's interface rule (HealthEngine.rule), so that its config judges the trap too.
 */
export function translateTrap(trap: ReceivedTrap, device: TrapDevice, interfaces: LinkRule = defaultInterfaceRule): TrapEvent {
  const { trapOid, uptime, payload } = header(trap);
  const name = BY_OID.get(trapOid);
  let event: Omit<TrapEvent, 'varbinds'>;
  switch (name) {
    case 'linkDown':
    case 'linkUp':
      event = linkEvent(name, trapOid, payload, device, interfaces);
      break;
    case 'coldStart':
    case 'warmStart':
    case 'authenticationFailure':
    case 'egpNeighborLoss':
      event = deviceEvent(name, trapOid, device);
      break;
    case 'dsx1LineStatusChange':
      event = ds1Event(trapOid, payload, device);
      break;
    case 'rttMonNotification':
    case 'rttMonThresholdNotification':
    case 'rttMonTimeoutNotification':
    case 'rttMonConnectionChangeNotification':
      event = slaEvent(name, trapOid, payload, device);
      break;
    case 'dialCtlPeerCallInformation':
    case 'dialCtlPeerCallSetup':
    case 'isdnMibCallInformation':
    case 'cvdcPoorQoVNotification':
      event = voiceEvent(name, trapOid, payload, device);
      break;
    default:
      event = {
        event: 'unknown',
        trapOid,
        kind: 'other',
        object: '',
        state: 'unknown',
        text: `notification ${trapOid} from ${device.device}`,
        key: `other:${trapOid}`,
      };
  }
  return { ...event, ...(uptime !== undefined ? { uptime } : {}), varbinds: payload };
}

/** Raw varbinds as stored: JSON, bigints as text, bounded so one odd trap cannot write a huge point. */
export function varbindsJson(varbinds: readonly TrapVarbind[], maxChars = 4096): string {
  const json = JSON.stringify(
    varbinds.map((vb) => ({ oid: vb.oid, type: vb.type, value: typeof vb.value === 'bigint' ? vb.value.toString() : vb.value })),
  );
  return json.length <= maxChars ? json : `${json.slice(0, maxChars - 1)}…`;
}

/** An object name as a tag: a name from the packet (ifDescr) may hold what line protocol cannot, and must stay short. */
const tagValue = (name: string) =>
  name
    .slice(0, 128)
    .replace(/[\r\n]+/g, ' ')
    .replace(/\\+$/, '');

/** The `snmp_events` point: one per event, text and title ready for a Grafana annotation. */
export function eventMetric(event: TrapEvent, trap: ReceivedTrap, device: TrapDevice, time: number): Metric {
  return {
    measurement: snmpEvents.measurement,
    // Empty tag values do not exist in InfluxDB: a device-wide event has no object tag.
    tags: { ...device.tags, event: event.event, kind: event.kind, ...(tagValue(event.object) ? { object: tagValue(event.object) } : {}) },
    time,
    fields: {
      title: `${event.event} ${device.device}${event.object ? ` ${event.object}` : ''}`,
      text: event.text,
      state: event.state,
      trap_oid: event.trapOid,
      source: trap.source,
      version: trap.version,
      inform: trap.pdu === 'inform',
      varbinds: varbindsJson(event.varbinds),
      ...(event.ifIndex !== undefined ? { if_index: event.ifIndex } : {}),
      ...(event.link ? { link_state: event.link.verdict.state } : {}),
    },
  };
}
