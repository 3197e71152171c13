// Background services (influxd, kamailio, sipp) as child processes we can always stop.
//
// Each service is started detached, i.e. as the leader of a new process group (and
// session), so that:
//  - stop() signals the whole group: Kamailio forks a dozen children, and a SIGTERM to
//    the main PID alone leaves them behind when the main process dies abnormally;
//  - Ctrl-C in the terminal reaches only Node, which then stops the services in order
//    instead of every process dying at once (see service-registry.ts).
// stdout and stderr go straight to a log file (an fd, not a pipe), so a chatty service
// never blocks on a full pipe and the log survives the Node process.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { groupAlive, signalGroup, waitGroupGone } from './process-groups.js';
import { registerServiceGroup } from './service-registry.js';

export { waitFor, type WaitForOptions, type WatchedService } from './wait-for.js';

export interface ServiceSpec {
  /** Short name for messages: "influxd", "kamailio", "sipp-uas-gw-a". */
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  /** Added to (not replacing) the current environment. */
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr, appended (a restarted service keeps its earlier log). */
  logFile: string;
  /**
   * Keep Node running while this process runs. Default false: a forgotten long-running
   * service must not keep a script alive forever (the exit hook stops it). Set it for
   * finite runs that the caller awaits, such as a SIPp UAC.
   */
  keepsNodeAlive?: boolean;
}

export interface ServiceHandle {
  pid: number;
  name: string;
  logFile: string;
  /** Signal the process group, wait for it to go, SIGKILL it after timeoutMs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<void>;
  /** SIGKILL the whole group (a crash, for tests), and wait until it is gone. */
  kill9(): Promise<void>;
  /** Resolves with the exit code, or null when the process was killed by a signal. */
  exited: Promise<number | null>;
  /** Exit code or signal name once exited, undefined while running. */
  readonly exitStatus: number | string | undefined;
}

const GROUP_LINGER_MS = 2000;

export async function spawnService(spec: ServiceSpec): Promise<ServiceHandle> {
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const logFd = openSync(spec.logFile, 'a');
  let child;
  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd); // the child has its own copy
  }

  // spawn() reports a missing binary asynchronously; turn that into a rejected start.
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot start ${spec.name} (${spec.command}): ${error.message}`)));
  });
  const pid = child.pid!;
  const unregister = registerServiceGroup(pid, spec.name);

  let exitStatus: number | string | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = code ?? signal ?? 'unknown';
      // a service that ended on its own (a finished SIPp run) needs no cleanup at exit
      if (!groupAlive(pid)) unregister();
      resolve(code);
    });
  });
  if (!spec.keepsNodeAlive) child.unref();

  const finish = async (): Promise<void> => {
    // The leader is gone; wait for its children too, since they share its group.
    if (!(await waitGroupGone(pid, GROUP_LINGER_MS))) {
      signalGroup(pid, 'SIGKILL');
      await waitGroupGone(pid, GROUP_LINGER_MS);
    }
    unregister();
  };

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 5000): Promise<void> => {
    child.ref(); // an unref'd child's exit would not keep Node alive while we await it
    if (exitStatus === undefined || groupAlive(pid)) {
      signalGroup(pid, signal);
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref()),
      ]);
      if (timedOut) signalGroup(pid, 'SIGKILL');
      await exited;
    }
    await finish();
  };

  const kill9 = async (): Promise<void> => {
    child.ref();
    signalGroup(pid, 'SIGKILL');
    await exited;
    await finish();
  };

  return {
    pid,
    name: spec.name,
    logFile: spec.logFile,
    stop,
    kill9,
    exited,
    get exitStatus() {
      return exitStatus;
    },
  };
}

/**
 * Spawns a service and waits until `ready` says it serves; a service that never gets ready is
 * killed (its whole group) before the error goes up, so a failed start leaves nothing behind.
 */
export async function spawnReady(spec: ServiceSpec, ready: (handle: ServiceHandle) => Promise<unknown>): Promise<ServiceHandle> {
  const handle = await spawnService(spec);
  try {
    await ready(handle);
  } catch (error) {
    await handle.stop('SIGKILL');
    throw error;
  }
  return handle;
}
