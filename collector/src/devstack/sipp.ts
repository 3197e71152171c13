// SIPp 3.6 as gateways (UAS) and as the calling side (UAC) of the devstack.
//
// Scenarios (why each is as it is, in the file): sipp/uas.xml and sipp/uac.xml (Record-Route
// honouring), uas-congested.xml (503 with Q.850 cause 34), uas-ringing.xml + uac-cancel.xml
// (callers who cancel, with a retransmitted CANCEL).
// Everything binds 127.0.0.1 only: -i + -bind_local for SIP (without -bind_local SIPp
// listens on all addresses), -mi/-mp for its RTP echo sockets, -ci/-cp for its UDP
// control socket (default INADDR_ANY:8888, shared by every SIPp on the machine).
//
// SIPp exit codes (sipp -h):
//     0  all calls successful
//     1  at least one call failed: expected whenever a test dials busy numbers, not an error
//    97  exit on internal command (calls may have been processed)
//    99  normal exit without calls processed
//   255  (-1) fatal error
//   254  (-2) fatal error binding a socket
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { logTail } from './log-tail.js';
import { freePort, freeUdpPortWithSibling } from './ports.js';
import { spawnReady, spawnService, waitFor, type ServiceHandle } from './process.js';
import { sipOptions } from './sip-options.js';
import { readSippCounts, type SippCounts } from './sipp-counts.js';
import { summarizeSippStats, type SippStats } from './sipp-stats.js';
import { launchOnFreePorts, restartable, type Restartable } from './restartable.js';
import { workDir } from './work-dir.js';

export const SIPP_UAS_SCENARIO = fileURLToPath(new URL('./sipp/uas.xml', import.meta.url));
export const SIPP_UAC_SCENARIO = fileURLToPath(new URL('./sipp/uac.xml', import.meta.url));

const scenario = (file: string) => fileURLToPath(new URL(`./sipp/${file}`, import.meta.url));

/** Gateway behaviours besides the default (answers; "busy…" users get 486). */
export const SIPP_UAS_SCENARIOS = {
  /** All circuits busy: every INVITE is answered 503 with Reason Q.850 cause 34. */
  congested: scenario('uas-congested.xml'),
  /** Rings (180) and never answers; replies 487 `holdMs` after the 200 for the caller's CANCEL. */
  ringing: scenario('uas-ringing.xml'),
} as const;

/** Caller behaviours besides the default (calls, holds, hangs up). */
export const SIPP_UAC_SCENARIOS = {
  /** Cancels `holdMs` after the 180, sending its CANCEL twice (the second a retransmission). */
  cancel: scenario('uac-cancel.xml'),
} as const;

export const SIPP_EXIT = {
  ALL_OK: 0,
  SOME_FAILED: 1,
  INTERNAL_COMMAND: 97,
  NO_CALLS: 99,
  FATAL: 255,
  BIND_ERROR: 254,
} as const;

/** Exit codes after which SIPp's statistics are meaningful. */
const COMPLETED_EXIT_CODES = new Set<number>([SIPP_EXIT.ALL_OK, SIPP_EXIT.SOME_FAILED, SIPP_EXIT.INTERNAL_COMMAND, SIPP_EXIT.NO_CALLS]);

/** Common loopback-only arguments; each SIPp gets its own control and media ports. */
async function loopbackArgs(sipPort: number): Promise<string[]> {
  const mediaPort = await freeUdpPortWithSibling(2);
  const controlPort = await freePort('udp');
  return ['-i', '127.0.0.1', '-p', String(sipPort), '-bind_local', '-mi', '127.0.0.1', '-mp', String(mediaPort), '-ci', '127.0.0.1', '-cp', String(controlPort)];
}

// ---------------------------------------------------------------- UAS (gateway)

export interface UasOptions {
  /** UDP port; default a free one. */
  port?: number;
  /** Logs go here; default a new temp dir, removed by stop(). */
  dir?: string;
  /** For messages and the log name, e.g. "gw-a". */
  name?: string;
  /** Log every SIP message with timestamps (-trace_msg) to messageLog. */
  traceMsg?: boolean;
  startTimeoutMs?: number;
  /** Default: sipp/uas.xml. */
  scenario?: keyof typeof SIPP_UAS_SCENARIOS;
  /** -d: the `<pause/>` of the scenario (the ringing gateway's delay before its 487). */
  holdMs?: number;
  /** Keep SIPp's per-message counts (-trace_counts, a row a second), for messageCounts(). */
  traceCounts?: boolean;
}

/** stop() makes it stop answering: Kamailio's OPTIONS probe then marks the gateway IP; restart() answers again on the same port. */
export interface Uas extends Restartable {
  port: number;
  /** sip:127.0.0.1:<port>, as in dispatcher.list */
  uri: string;
  dir: string;
  logFile: string;
  errorLog: string;
  messageLog?: string | undefined;
  /** How many of each message this run of SIPp has sent and received, as of its last -trace_counts row (one a second); needs traceCounts. */
  messageCounts(): SippCounts;
}

export async function startUas(options: UasOptions = {}): Promise<Uas> {
  const name = options.name ?? 'uas';
  const work = workDir(options.dir, `sipp-${name}`);
  const dir = work.path;
  const logFile = join(dir, `${name}.out`);
  const errorLog = join(dir, `${name}-errors.log`);
  const messageLog = options.traceMsg ? join(dir, `${name}-messages.log`) : undefined;
  let port = options.port ?? (await freePort('udp'));

  const launch = async (): Promise<ServiceHandle> => {
    const args = [
      '-sf', options.scenario ? SIPP_UAS_SCENARIOS[options.scenario] : SIPP_UAS_SCENARIO,
      ...(await loopbackArgs(port)),
      '-aa', // 200 OK to OPTIONS: the dispatcher's liveness probe
      '-nostdin',
      ...(options.holdMs === undefined ? [] : ['-d', String(options.holdMs)]),
      ...(options.traceCounts ? ['-trace_counts', '-fd', '1'] : []),
      '-trace_err', '-error_file', errorLog,
      ...(messageLog ? ['-trace_msg', '-message_file', messageLog] : []),
    ];
    return spawnReady({ name: `sipp-${name}`, command: 'sipp', args, cwd: dir, logFile }, (h) =>
      waitFor(async () => (await sipOptions(port, '127.0.0.1', 150)) === 200, {
        timeoutMs: options.startTimeoutMs ?? 10_000,
        intervalMs: 50,
        what: `SIPp UAS ${name} answering OPTIONS on 127.0.0.1:${port}`,
        service: h,
        logFile: errorLog,
      }),
    );
  };

  const first = await launchOnFreePorts(
    async (attempt) => {
      if (attempt > 1) port = await freePort('udp');
    },
    launch,
    // 254 = could not bind: the free port was taken meanwhile; pick another unless it was given
    (error) => options.port === undefined && /exited \(254\)/.test(String(error)),
  );

  const messageCounts = () => {
    if (!options.traceCounts) throw new Error(`SIPp UAS ${name} was started without traceCounts`);
    return readSippCounts(dir);
  };
  return restartable({ port, uri: `sip:127.0.0.1:${port}`, dir, logFile, errorLog, messageLog, messageCounts }, first, launch, () =>
    work.release(),
  );
}

// ---------------------------------------------------------------- UAC (callers)

export interface UacOptions {
  /** Kamailio's SIP address, "127.0.0.1:<sipPort>". */
  target: string;
  /** Total calls (-m). */
  calls: number;
  /** Default: sipp/uac.xml. */
  scenario?: keyof typeof SIPP_UAC_SCENARIOS;
  /** Every busyEvery-th call (the 10th, 20th, ... for 10) dials a "busy…" number, which the UAS answers 486. */
  busyEvery?: number;
  /** Explicit callee users (overrides busyEvery); "busy…" users get 486. SIPp cycles through
   *  the list when there are more calls than entries. */
  callees?: string[];
  /** New calls per second (-r). */
  rateCps: number;
  /** Hold time of an answered call before the BYE, or ringing time before the CANCEL (-d). */
  holdMs: number;
  /** Simultaneous calls limit (-l). Default: enough for rate × hold, at least 100. */
  maxConcurrent?: number;
  /** Stat CSV, logs and the injection file go here and stay; default a temp dir, removed once
   *  the statistics are read (kept when SIPp failed, or with CALLBOARD_KEEP_DEVSTACK=1). */
  dir?: string;
  name?: string;
  /** Log every SIP message with timestamps (-trace_msg). */
  traceMsg?: boolean;
  /** runUac gives up (and kills SIPp) after this; default calls/rate + hold + 30 s. */
  timeoutMs?: number;
}

export interface UacResult extends SippStats {
  /** SIPp's exit code: 0 all ok, 1 some failed (see SIPP_EXIT) */
  exitCode: number;
  /** Each scenario message sent or received, as SIPp counted them (-trace_counts), at exit. */
  messages: SippCounts;
  /** SIPp's files; only when options.dir was given (a temp dir is removed after parsing). */
  files?: { dir: string; statFile: string; errorLog: string; messageLog?: string };
}

export interface UacRun {
  readonly handle: ServiceHandle;
  dir: string;
  /** Settles when SIPp exits by itself (all calls done). */
  result: Promise<UacResult>;
  /** Soft stop (SIGUSR1: no new calls, ongoing calls finish), then the statistics. */
  stop(): Promise<UacResult>;
}

/**
 * SIPp reads the -inf file in a loop, so a long run (the demo asks for millions of calls)
 * needs only one cycle of the busy pattern, not a line per call.
 */
const MAX_INJECTION_LINES = 10_000;

export function injectionLineCount(calls: number, busyEvery = 0): number {
  if (calls <= MAX_INJECTION_LINES) return calls;
  if (busyEvery <= 0) return MAX_INJECTION_LINES;
  return Math.max(busyEvery, Math.floor(MAX_INJECTION_LINES / busyEvery) * busyEvery);
}

/** Callee users, one per call: "busy<n>" for every busyEvery-th call, "<n>" otherwise (n from 1001). */
export function calleesFor(calls: number, busyEvery = 0): string[] {
  return Array.from({ length: calls }, (_, i) => {
    const n = 1001 + i;
    return busyEvery > 0 && (i + 1) % busyEvery === 0 ? `busy${n}` : String(n);
  });
}

/** SIPp -inf file: SEQUENTIAL, one line per call, field0 = callee user. */
export function injectionCsv(callees: string[]): string {
  for (const callee of callees) {
    if (!/^[A-Za-z0-9_.+-]+$/.test(callee)) throw new Error(`callee "${callee}": use letters, digits and _ . + - only`);
  }
  return ['SEQUENTIAL', ...callees.map((c) => `${c};`)].join('\n') + '\n';
}

export async function startUac(options: UacOptions): Promise<UacRun> {
  const name = options.name ?? 'uac';
  const work = workDir(options.dir, `sipp-${name}`);
  const dir = work.path;
  const callees = options.callees ?? calleesFor(injectionLineCount(options.calls, options.busyEvery), options.busyEvery);
  if (callees.length === 0) throw new Error('no callees');
  const injectionFile = join(dir, `${name}-callees.csv`);
  writeFileSync(injectionFile, injectionCsv(callees));
  const statFile = join(dir, `${name}-stat.csv`);
  const errorLog = join(dir, `${name}-errors.log`);
  const messageLog = options.traceMsg ? join(dir, `${name}-messages.log`) : undefined;
  const logFile = join(dir, `${name}.out`);
  const maxConcurrent = options.maxConcurrent ?? Math.max(100, Math.ceil(options.rateCps * (options.holdMs / 1000 + 5)));

  const args = [
    '-sf', options.scenario ? SIPP_UAC_SCENARIOS[options.scenario] : SIPP_UAC_SCENARIO,
    options.target,
    '-inf', injectionFile,
    ...(await loopbackArgs(await freePort('udp'))),
    '-r', String(options.rateCps),
    '-d', String(options.holdMs),
    '-m', String(options.calls),
    '-l', String(maxConcurrent),
    '-nostdin',
    '-trace_stat', '-stf', statFile, '-fd', '1',
    '-trace_counts',
    '-trace_err', '-error_file', errorLog,
    ...(messageLog ? ['-trace_msg', '-message_file', messageLog] : []),
  ];
  const handle = await spawnService({ name: `sipp-${name}`, command: 'sipp', args, cwd: dir, logFile, keepsNodeAlive: true });

  const result = handle.exited.then(async (code): Promise<UacResult> => {
    await handle.stop(); // nothing left to stop; releases the registry entry
    if (code === null || !COMPLETED_EXIT_CODES.has(code) || !existsSync(statFile)) {
      work.keep();
      throw new Error(
        `SIPp UAC ${name} failed (exit ${code ?? handle.exitStatus}), files in ${dir}\n--- tail of ${logFile} ---\n${await logTail(logFile, 15)}` +
          `\n--- tail of ${errorLog} ---\n${await logTail(errorLog, 15)}`,
      );
    }
    const stats = { ...summarizeSippStats(readFileSync(statFile, 'utf8')), messages: readSippCounts(dir), exitCode: code };
    if (work.owned) {
      work.release();
      return stats;
    }
    return { ...stats, files: { dir, statFile, errorLog, messageLog } };
  });
  result.catch(() => {}); // whoever awaits it sees the error; an abandoned run must not crash the process

  return {
    handle,
    dir,
    result,
    async stop() {
      if (handle.exitStatus === undefined) {
        try {
          process.kill(handle.pid, 'SIGUSR1');
        } catch {
          // exited meanwhile: the result is on its way
        }
        const graceMs = options.holdMs + 10_000;
        const exited = await Promise.race([
          handle.exited.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref()),
        ]);
        if (!exited) await handle.stop();
      }
      return result;
    },
  };
}

/** Runs a UAC to the end; resolves with SIPp's own statistics (exit code 1 with busy calls is normal). */
export async function runUac(options: UacOptions): Promise<UacResult> {
  const run = await startUac(options);
  const timeoutMs = options.timeoutMs ?? (options.calls / options.rateCps) * 1000 + options.holdMs + 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`SIPp UAC did not finish ${options.calls} calls within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([run.result, timeout]);
  } catch (error) {
    await run.handle.stop('SIGTERM', 2000);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
