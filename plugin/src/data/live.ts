import type { MetricSeries } from './series';

/** One series as /live sends it (collector/src/api/README.md). */
export interface LiveSeries {
  topic: string;
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, unknown>;
  /** ms since the epoch, server clock. */
  time: number;
}

export type LiveMessage =
  | { type: 'hello'; version: number; serverTime: number; maxUpdatesPerSecond: number; heartbeatMs: number }
  | { type: 'snapshot'; serverTime: number; series: LiveSeries[] }
  | { type: 'update'; serverTime: number; series: LiveSeries }
  | { type: 'heartbeat'; serverTime: number };

export interface LiveState {
  series: ReadonlyMap<string, LiveSeries>;
  /** Local time of the last message of any kind (heartbeats included): the link is alive. */
  lastMessageAt: number | null;
  heartbeatMs: number | null;
  /** server clock − local clock, from the last message: series times are server times. */
  clockOffsetMs: number;
  /** Bumped on every change of `series`, so views can memoise on it cheaply. */
  revision: number;
}

export const EMPTY_LIVE_STATE: LiveState = {
  series: new Map(),
  lastMessageAt: null,
  heartbeatMs: null,
  clockOffsetMs: 0,
  revision: 0,
};

/** Parses one text frame; anything that is not a known message is ignored (null), never thrown. */
export function parseLiveMessage(text: string): LiveMessage | null {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof message !== 'object' || message === null) {
    return null;
  }
  const m = message as { type?: unknown; serverTime?: unknown; series?: unknown };
  if (typeof m.serverTime !== 'number') {
    return null;
  }
  switch (m.type) {
    case 'hello':
    case 'heartbeat':
      return message as LiveMessage;
    case 'snapshot':
      return Array.isArray(m.series) ? (message as LiveMessage) : null;
    case 'update':
      return isSeries(m.series) ? (message as LiveMessage) : null;
    default:
      return null;
  }
}

function isSeries(value: unknown): value is LiveSeries {
  const s = value as LiveSeries;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.topic === 'string' &&
    typeof s.fields === 'object' &&
    typeof s.time === 'number'
  );
}

/** Pure reducer: the state after one message arrived at local time `now`. */
export function applyLiveMessage(state: LiveState, message: LiveMessage, now: number): LiveState {
  const base = { ...state, lastMessageAt: now, clockOffsetMs: message.serverTime - now };
  switch (message.type) {
    case 'hello':
      return { ...base, heartbeatMs: message.heartbeatMs };
    case 'heartbeat':
      return base;
    case 'snapshot': {
      // A snapshot is the whole truth after a (re)connect: series gone while we were away go too.
      const series = new Map<string, LiveSeries>();
      for (const s of message.series) {
        if (isSeries(s)) {
          series.set(s.topic, s);
        }
      }
      return { ...base, series, revision: state.revision + 1 };
    }
    case 'update': {
      const series = new Map(state.series);
      series.set(message.series.topic, message.series);
      return { ...base, series, revision: state.revision + 1 };
    }
  }
}

/** Live series of one measurement as metric series (one point each), times in the local clock. */
export function liveMetricSeries(state: LiveState, measurement: string): MetricSeries[] {
  const out: MetricSeries[] = [];
  for (const s of state.series.values()) {
    if (s.measurement !== measurement) {
      continue;
    }
    const time = s.time - state.clockOffsetMs;
    for (const [metric, raw] of Object.entries(s.fields)) {
      const value =
        typeof raw === 'number' || typeof raw === 'string' ? raw : typeof raw === 'boolean' ? (raw ? 1 : 0) : null;
      out.push({ metric, labels: s.tags ?? {}, times: [time], values: [value] });
    }
  }
  return out;
}

/** The link is dead when nothing (not even a heartbeat) came for 3 heartbeat periods. */
export function liveSilent(state: LiveState, now: number, defaultHeartbeatMs = 5000): boolean {
  if (state.lastMessageAt === null) {
    return true;
  }
  return now - state.lastMessageAt > 3 * (state.heartbeatMs ?? defaultHeartbeatMs);
}
