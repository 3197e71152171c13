// The InfluxDB output's state as self checks (pipeline/self-checks.ts): is InfluxDB taking writes,
// and how full is the spool that holds the points meanwhile.
import type { SelfCheck } from '../../pipeline/self-checks.js';
import type { InfluxSink } from './index.js';

type InfluxState = Pick<InfluxSink, 'connectionStatus' | 'spoolStatus'>;

export function influxSelfChecks(sink: InfluxState, now: number): SelfCheck[] {
  const spool = sink.spoolStatus();
  return [writeCheck(sink.connectionStatus(), spool !== undefined, now), ...(spool ? [spoolCheck(spool, now)] : [])];
}

function writeCheck(status: ReturnType<InfluxState['connectionStatus']>, spooled: boolean, now: number): SelfCheck {
  const check = { name: 'influx_write' } as const;
  if (status.reachable) return { ...check, status: 'ok' };
  if (status.since === undefined) return { ...check, status: 'degraded', reason: 'InfluxDB not reached yet' };
  const waiting = spooled ? 'points wait in the spool' : 'points wait in memory (up to maxQueuedPoints)';
  return {
    ...check,
    status: 'degraded',
    since: status.since,
    value: Math.round((now - status.since) / 1000),
    reason: `InfluxDB not taking writes for ${elapsed(now - status.since)} (${withoutCredentials(status.error ?? 'no answer')}); ${waiting}`,
  };
}

function spoolCheck(spool: NonNullable<ReturnType<InfluxState['spoolStatus']>>, now: number): SelfCheck {
  const fill = spool.bytes / spool.maxBytes;
  const check = { name: 'influx_spool', value: Math.round(fill * 1000) / 1000 } as const;
  const held = `${percent(fill)} of spool.maxBytes (${spool.bytes} of ${spool.maxBytes} bytes)`;
  const oldest = spool.oldestPushedAt !== undefined ? `, oldest point unwritten for ${elapsed(now - spool.oldestPushedAt)}` : '';
  if (spool.alarm === 0) return { ...check, status: 'ok' };
  if (spool.alarm === 1) return { ...check, status: 'degraded', reason: `InfluxDB spool at ${held}${oldest}` };
  const cause =
    spool.diskError !== undefined ? `InfluxDB spool disk refuses writes (${spool.diskError})` : `InfluxDB spool full at ${held}`;
  return {
    ...check,
    status: 'failing',
    reason: `${cause}: ${spool.memoryPoints} points wait in memory, the oldest are dropped beyond maxQueuedPoints${oldest}`,
  };
}

function percent(ratio: number): string {
  return `${Math.floor(ratio * 100)} %`;
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Error texts may quote the InfluxDB URL, which may carry a user and password. */
function withoutCredentials(text: string): string {
  return text.replace(/(\w+:\/\/)[^/@\s]*@/g, '$1');
}
