/**
 * Pure parsers for Kamailio JSON-RPC results. Each throws KamailioParseError naming the method and
 * the offending member, so a malformed reply is one clear poll error, never a crash or a NaN.
 */
export class KamailioParseError extends Error {
  readonly code = 'CALLBOARD_KAMAILIO_BAD_REPLY';
  constructor(readonly method: string, detail: string) {
    super(`${method}: ${detail}`);
  }
}

function record(value: unknown, method: string, what: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new KamailioParseError(method, `${what} is not an object`);
  return value as Record<string, unknown>;
}

function count(value: unknown, method: string, what: string): number {
  // stats.fetch returns counters as strings ("60"); dlg.stats_active as numbers.
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new KamailioParseError(method, `${what} is not a non-negative integer: ${JSON.stringify(value)}`);
  }
  return n;
}

export interface DialogStates {
  /** INVITE seen, no reply yet. */
  starting: number;
  /** Provisional (1xx) reply. */
  connecting: number;
  /** 2xx sent, ACK not yet seen: answered. */
  answering: number;
  /** Confirmed by ACK. */
  ongoing: number;
}

export function parseDialogStates(result: unknown): DialogStates {
  const m = 'dlg.stats_active';
  const r = record(result, m, 'result');
  return {
    starting: count(r.starting, m, 'starting'),
    connecting: count(r.connecting, m, 'connecting'),
    answering: count(r.answering, m, 'answering'),
    ongoing: count(r.ongoing, m, 'ongoing'),
  };
}

/** The cumulative counters the poller derives call attempts, answers and failures from. */
export interface SwitchCounters {
  /** dialog:processed_dialogs, one per initial INVITE handled by dlg_manage(). */
  processedDialogs: number;
  /** dialog:failed_dialogs, negative final reply (busy, no answer, cancel, 5xx). */
  failedDialogs: number;
  /** dialog:expired_dialogs, confirmed dialogs ended by timeout instead of BYE. */
  expiredDialogs: number;
  /**
   * Calls the caller cancelled, each counted once: script:cancelled_calls, which the script
   * increments in its failure route (see README). Without it, core:rcv_requests_cancel, which
   * counts CANCEL requests: a retransmitted CANCEL counts twice there.
   */
  cancelledCalls: number;
  busyReplies: number;
  unavailableReplies: number;
  declineReplies: number;
}

export const STATS_FETCH_PARAMS = [
  'dialog:',
  'script:cancelled_calls',
  'core:rcv_requests_cancel',
  'core:rcv_replies_480',
  'core:rcv_replies_486',
  'core:rcv_replies_6xx_invite',
];

export function parseSwitchCounters(result: unknown): SwitchCounters {
  const m = 'stats.fetch';
  const r = record(result, m, 'result');
  const get = (key: string) => count(r[key], m, key);
  return {
    processedDialogs: get('dialog.processed_dialogs'),
    failedDialogs: get('dialog.failed_dialogs'),
    expiredDialogs: get('dialog.expired_dialogs'),
    // stats.fetch leaves out a statistic the script does not declare
    cancelledCalls: get(r['script.cancelled_calls'] === undefined ? 'core.rcv_requests_cancel' : 'script.cancelled_calls'),
    busyReplies: get('core.rcv_replies_486'),
    unavailableReplies: get('core.rcv_replies_480'),
    declineReplies: get('core.rcv_replies_6xx_invite'),
  };
}

/** core.uptime: `up_since` identifies one run of Kamailio; it changes on every restart. */
export function parseUptime(result: unknown): { upSince: string; uptimeS: number } {
  const m = 'core.uptime';
  const r = record(result, m, 'result');
  if (typeof r.up_since !== 'string' || !r.up_since) throw new KamailioParseError(m, 'up_since missing');
  return { upSince: r.up_since, uptimeS: count(r.uptime, m, 'uptime') };
}

export type GatewayState = 'up' | 'down' | 'probing' | 'disabled';

export interface Gateway {
  setId: number;
  uri: string;
  /** The gateway's `name` attribute, else its duid, else its URI: what the NOC calls the trunk. */
  name: string;
  state: GatewayState;
  flags: string;
  latencyAvgMs: number;
  latencyMaxMs: number;
  probeTimeouts: number;
}

/** dispatcher FLAGS: first letter A(ctive) I(nactive) D(isabled) T(rying); second P(robing) or X. */
export function gatewayState(flags: string): GatewayState {
  switch (flags[0]) {
    case 'A':
      return 'up';
    case 'I':
      return 'down';
    case 'T':
      return 'probing';
    case 'D':
      return 'disabled';
    default:
      throw new KamailioParseError('dispatcher.list', `unknown FLAGS "${flags}"`);
  }
}

function attrValue(body: unknown, key: string): string | undefined {
  if (typeof body !== 'string') return undefined;
  for (const pair of body.split(';')) {
    const [k, v] = pair.split('=');
    if (k?.trim() === key && v) return v.trim();
  }
  return undefined;
}

function latency(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

export function parseDispatcherList(result: unknown): Gateway[] {
  const m = 'dispatcher.list';
  // An empty dispatcher list is a valid configuration, answered without RECORDS.
  if (result === null || result === undefined) return [];
  const r = record(result, m, 'result');
  if (r.RECORDS === undefined) return [];
  if (!Array.isArray(r.RECORDS)) throw new KamailioParseError(m, 'RECORDS is not a list');
  const gateways: Gateway[] = [];
  r.RECORDS.forEach((entry, i) => {
    const set = record(record(entry, m, `RECORDS[${i}]`).SET, m, `RECORDS[${i}].SET`);
    const setId = count(set.ID, m, `RECORDS[${i}].SET.ID`);
    const targets = set.TARGETS ?? [];
    if (!Array.isArray(targets)) throw new KamailioParseError(m, `RECORDS[${i}].SET.TARGETS is not a list`);
    targets.forEach((target, j) => {
      const where = `RECORDS[${i}].SET.TARGETS[${j}].DEST`;
      const dest = record(record(target, m, where).DEST, m, where);
      if (typeof dest.URI !== 'string' || typeof dest.FLAGS !== 'string') throw new KamailioParseError(m, `${where} lacks URI or FLAGS`);
      const attrs = dest.ATTRS && typeof dest.ATTRS === 'object' ? (dest.ATTRS as Record<string, unknown>) : {};
      const lat = dest.LATENCY && typeof dest.LATENCY === 'object' ? (dest.LATENCY as Record<string, unknown>) : {};
      const duid = typeof attrs.DUID === 'string' && attrs.DUID ? attrs.DUID : undefined;
      gateways.push({
        setId,
        uri: dest.URI,
        name: attrValue(attrs.BODY, 'name') ?? duid ?? dest.URI,
        state: gatewayState(dest.FLAGS),
        flags: dest.FLAGS,
        latencyAvgMs: latency(lat.AVG),
        latencyMaxMs: latency(lat.MAX),
        probeTimeouts: typeof lat.TIMEOUT === 'number' && lat.TIMEOUT >= 0 ? lat.TIMEOUT : 0,
      });
    });
  });
  return gateways;
}

/** Per-trunk cumulative counters kept by the Kamailio script in an htable (see README). */
export interface TrunkCounters {
  attempts: number;
  answered: number;
  failed: number;
  /** Of the failed, those the gateway refused for want of a circuit: a 503, or Q.850 cause 34 in a Reason header. */
  blocked: number;
  /** Answered calls in progress on the trunk: its channels in use. */
  active: number;
}

const TRUNK_COUNTER_KEYS = ['attempts', 'answered', 'failed', 'blocked', 'active'] as const;

/** htable.dump: `[{entry, size, slot: [{name: "<gateway URI>::<counter>", value, type}]}]`. */
export function parseTrunkCounters(result: unknown, table: string): Map<string, TrunkCounters> {
  const m = `htable.dump ${table}`;
  const trunks = new Map<string, TrunkCounters>();
  if (result === null || result === undefined) return trunks;
  if (!Array.isArray(result)) throw new KamailioParseError(m, 'result is not a list');
  result.forEach((entry, i) => {
    const slots = record(entry, m, `[${i}]`).slot;
    if (!Array.isArray(slots)) throw new KamailioParseError(m, `[${i}].slot is not a list`);
    slots.forEach((slot, j) => {
      const item = record(slot, m, `[${i}].slot[${j}]`);
      const name = typeof item.name === 'string' ? item.name : '';
      const split = name.lastIndexOf('::');
      const key = name.slice(split + 2) as (typeof TRUNK_COUNTER_KEYS)[number];
      if (split <= 0 || !TRUNK_COUNTER_KEYS.includes(key)) return; // other keys in the table are not ours
      const uri = name.slice(0, split);
      const counters = trunks.get(uri) ?? { attempts: 0, answered: 0, failed: 0, blocked: 0, active: 0 };
      // a level kept with inc/dec can dip below zero for an instant under races; never report that
      counters[key] = key === 'active' ? Math.max(0, Number(item.value) || 0) : count(item.value, m, name);
      trunks.set(uri, counters);
    });
  });
  return trunks;
}
