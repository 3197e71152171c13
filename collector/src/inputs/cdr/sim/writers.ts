import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Zone } from '../zone.js';
import type { SimCall } from './generate.js';

export const SIM_FORMATS = ['asterisk', 'freeswitch', 'cucm', 'kamailio'] as const;
export type SimFormat = (typeof SIM_FORMATS)[number];

/** A CDR line and the time the switch would write it (lines are written in that order). */
interface Line {
  at: number;
  text: string;
}

/** Local wall-clock "YYYY-MM-DD HH:MM:SS" in the zone, as Asterisk and FreeSWITCH write times. */
function localTime(zone: Zone, ms: number): string {
  return new Date(ms + zone.offsetAt(ms)).toISOString().slice(0, 19).replace('T', ' ');
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const seconds = (ms: number) => Math.floor(ms / 1000);
const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

const ASTERISK_DISPOSITION = { answered: 'ANSWERED', busy: 'BUSY', no_answer: 'NO ANSWER', failed: 'FAILED' } as const;

function asterisk(c: SimCall, zone: Zone): Line[] {
  const id = `${seconds(c.startMs)}.${c.seq}`;
  const from = c.inTrunk ? `SIP/${c.inTrunk}` : 'SIP/phones';
  const to = c.outTrunk ? `SIP/${c.outTrunk}` : 'SIP/phones';
  const row = (dstChannel: string, answer: number | undefined, end: number, billMs: number, disposition: string, sequence: number) =>
    [
      q(''), q(c.src), q(c.dst), q('from-callboard'), q(`"${c.src}" <${c.src}>`), q(`${from}-${hex(c.seq, 8)}`), q(`${dstChannel}-${hex(c.seq, 8)}`),
      q('Dial'), q(`${dstChannel}/${c.dst},60`), q(localTime(zone, c.startMs)), answer === undefined ? '' : q(localTime(zone, answer)), q(localTime(zone, end)),
      String(seconds(end) - seconds(c.startMs)), String(billMs / 1000), q(disposition), q('DOCUMENTATION'), q(id), q(''), q(''), q(id), String(sequence),
    ].join(',');
  const lines: Line[] = [];
  // A parallel-ring branch that lost (ended when the other answered): same linkedid, no billable time.
  // Asterisk >= 12 dispatches all CDRs of a call together when it ends.
  if (c.lostBranch) lines.push({ at: c.endMs, text: row('SIP/trunk-c', undefined, c.answerMs!, 0, 'NO ANSWER', 2 * c.seq + 1) });
  lines.push({ at: c.endMs, text: row(to, c.answerMs, c.endMs, c.billableMs, ASTERISK_DISPOSITION[c.disposition], 2 * c.seq) });
  return lines;
}

const FREESWITCH_CAUSE: Record<number, string> = {
  16: 'NORMAL_CLEARING', 17: 'USER_BUSY', 19: 'NO_ANSWER', 34: 'NORMAL_CIRCUIT_CONGESTION', 41: 'NORMAL_TEMPORARY_FAILURE',
  1: 'UNALLOCATED_NUMBER', 38: 'NETWORK_OUT_OF_ORDER', 28: 'INVALID_NUMBER_FORMAT',
};

function freeswitch(c: SimCall, zone: Zone): Line[] {
  const uuid = (leg: number) => `${hex(c.seq, 8)}-0000-4000-8${leg}00-${hex(c.startMs, 12)}`;
  const leg = (own: string, other: string) =>
    [
      c.src, c.src, c.dst, 'default', localTime(zone, c.startMs), c.answerMs === undefined ? '' : localTime(zone, c.answerMs), localTime(zone, c.endMs),
      String(seconds(c.endMs) - seconds(c.startMs)), String(c.billableMs / 1000), FREESWITCH_CAUSE[c.cause]!, own, other, '', 'PCMU', 'PCMU',
    ]
      .map(q)
      .join(',');
  const lines = [{ at: c.endMs, text: leg(uuid(0), '') }];
  // legs=ab: an answered call also writes its B-leg, pointing back at the A-leg.
  if (c.disposition === 'answered') lines.push({ at: c.endMs, text: leg(uuid(1), uuid(0)) });
  return lines;
}

export const CUCM_SIM_HEADER = [
  'cdrRecordType', 'globalCallID_callManagerId', 'globalCallID_callId', 'dateTimeOrigination', 'dateTimeConnect', 'dateTimeDisconnect', 'duration',
  'callingPartyNumber', 'finalCalledPartyNumber', 'origCause_value', 'destCause_value', 'origDeviceName', 'destDeviceName', 'pkid',
];
const CUCM_TYPES = ['INTEGER', 'INTEGER', 'INTEGER', 'INTEGER', 'INTEGER', 'INTEGER', 'INTEGER', 'VARCHAR(50)', 'VARCHAR(50)', 'INTEGER', 'INTEGER', 'VARCHAR(129)', 'VARCHAR(129)', 'UNIQUEIDENTIFIER'];

function cucm(c: SimCall): Line[] {
  const answered = c.disposition === 'answered';
  const origCause = answered ? 16 : 0;
  const destCause = answered ? 0 : c.cause;
  const row = [
    '1', '1', String(c.seq), String(seconds(c.startMs)), String(answered ? seconds(c.answerMs!) : 0), String(seconds(c.endMs)), String(c.billableMs / 1000),
    q(c.src), q(c.dst), String(origCause), String(destCause), q(c.inTrunk ?? `SEP${hex(c.seq % 4096, 12)}`), q(c.outTrunk ?? (answered ? `SEP${hex((c.seq * 7) % 4096, 12)}` : '')),
    q(`${hex(c.seq, 8)}-0000-4000-8000-${hex(c.startMs, 12)}`),
  ];
  return [{ at: c.endMs, text: row.join(',') }];
}

const SIP_REASON: Record<number, string> = { 200: 'OK', 486: 'Busy Here', 480: 'Temporarily Unavailable', 503: 'Service Unavailable', 404: 'Not Found', 484: 'Address Incomplete' };

function kamailio(c: SimCall): { cdrs: Line[]; acc: Line[] } {
  const callid = `${hex(c.seq, 8)}-${hex(c.startMs, 12)}@sim`;
  const tx = (method: string, code: number, at: number) => ({ at, text: [method, `f${hex(c.seq, 6)}`, `t${hex(c.seq, 6)}`, callid, String(code), SIP_REASON[code] ?? 'Error', String(seconds(at)), c.src, c.dst].join('|') });
  if (c.disposition !== 'answered') return { cdrs: [], acc: [tx('INVITE', c.sipCode, c.startMs)] };
  return {
    cdrs: [{ at: c.endMs, text: [seconds(c.startMs), seconds(c.endMs), `${c.billableMs / 1000}.000000`, c.src, c.dst, c.outTrunk ?? ''].join('|') }],
    acc: [tx('INVITE', 200, c.answerMs!), tx('BYE', 200, c.endMs)],
  };
}

/** Writes one local day's calls as the switch would have; returns the files written. */
export function writeDay(dir: string, day: string, calls: readonly SimCall[], format: SimFormat, zone: Zone): string[] {
  mkdirSync(dir, { recursive: true });
  switch (format) {
    case 'asterisk':
      return [writeLines(join(dir, `Master-${day}.csv`), [], calls.flatMap((c) => asterisk(c, zone)))];
    case 'freeswitch':
      return [writeLines(join(dir, `Master-${day}.csv`), [], calls.flatMap((c) => freeswitch(c, zone)))];
    case 'cucm':
      return [writeLines(join(dir, `cdr_${day}.txt`), [CUCM_SIM_HEADER.map(q).join(','), CUCM_TYPES.join(',')], calls.flatMap(cucm))];
    case 'kamailio': {
      const parts = calls.map(kamailio);
      return [
        writeLines(join(dir, `acc_cdrs_${day}.log`), [], parts.flatMap((p) => p.cdrs)),
        writeLines(join(dir, `acc_${day}.log`), [], parts.flatMap((p) => p.acc)),
      ];
    }
  }
}

function writeLines(file: string, header: readonly string[], lines: Line[]): string {
  lines.sort((a, b) => a.at - b.at);
  const fd = openSync(file, 'w');
  try {
    if (header.length) writeSync(fd, `${header.join('\n')}\n`);
    for (let i = 0; i < lines.length; i += 10_000) {
      writeSync(fd, `${lines.slice(i, i + 10_000).map((l) => l.text).join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
  return file;
}
