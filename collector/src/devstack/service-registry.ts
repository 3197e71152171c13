// Nothing left behind: every devstack service is registered here until it has stopped.
//
// Three layers, because each covers a way of dying the others cannot:
//  1. process 'exit' (normal end of a test run, process.exit()): SIGTERM every group,
//     wait up to 2 s synchronously, SIGKILL what is left.
//  2. SIGINT/SIGTERM/SIGHUP (Ctrl-C of the demo): Node's default action skips 'exit'
//     handlers, so when nobody else handles the signal we stop everything and re-raise it.
//     When the application has its own handler we stay out of its way: it decides the
//     shutdown order (e.g. flush to InfluxDB before InfluxDB stops) and layer 1 still runs.
//  3. SIGKILL of Node itself (a test runner killing a hung worker): no handler runs, so
//     each service gets a tiny detached shell "reaper" that polls for its parent and
//     kills the service group once the parent is gone. It exits when the group does.
// Temp dirs the devstack created are removed at exit too, and by a reaper of their own
// (5 s after the parent died, once the service reapers have killed what wrote there).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { groupAlive, signalGroup, sleepSync } from './process-groups.js';

const EXIT_GRACE_MS = 2000;
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const liveGroups = new Map<number, string>();
const tempDirs = new Set<string>();
let hooksInstalled = false;

// $1 = pid to watch (this Node process), $2 = service process group.
// dash's kill needs the "-s SIG --" form for negative (group) ids.
const REAPER_SCRIPT = `
while kill -s 0 "$1" 2>/dev/null && kill -s 0 -- "-$2" 2>/dev/null; do sleep 1; done
kill -s 0 -- "-$2" 2>/dev/null || exit 0
kill -s TERM -- "-$2" 2>/dev/null
sleep 3
kill -s KILL -- "-$2" 2>/dev/null
exit 0
`;

/** Track a service's process group until the returned function is called. */
export function registerServiceGroup(pgid: number, name: string): () => void {
  installHooks();
  liveGroups.set(pgid, name);
  startReaper(pgid);
  return () => {
    liveGroups.delete(pgid);
  };
}

/** A file of this name in a temp dir tells every cleanup to leave the dir alone. */
export const KEEP_MARKER = '.callboard-keep';

// $1 = pid to watch, $2 = dir; stops watching when someone else removed the dir.
const DIR_REAPER_SCRIPT = `
while kill -s 0 "$1" 2>/dev/null && [ -e "$2" ]; do sleep 1; done
[ -e "$2" ] || exit 0
sleep 5
[ -e "$2/${KEEP_MARKER}" ] || rm -rf -- "$2"
`;

/**
 * Remove a devstack-created temp dir at exit if nobody did before (a run that died half
 * way). Returns the function that forgets it. CALLBOARD_KEEP_DEVSTACK=1 keeps everything.
 */
export function removeDirAtExit(dir: string): () => void {
  installHooks();
  tempDirs.add(dir);
  if (!process.env.CALLBOARD_KEEP_DEVSTACK) startDetached(DIR_REAPER_SCRIPT, 'callboard-dir-reaper', dir);
  return () => {
    tempDirs.delete(dir);
  };
}

/** Names of services registered and not yet stopped (for diagnostics and tests). */
export function runningServiceNames(): string[] {
  return [...liveGroups.values()];
}

/** Synchronous stop of everything still registered; also what the exit hook runs. */
export function stopAllServicesSync(graceMs = EXIT_GRACE_MS): void {
  const groups = [...liveGroups.keys()];
  if (groups.length === 0) return;
  for (const pgid of groups) signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groups.some(groupAlive)) sleepSync(20);
  for (const pgid of groups) if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

function cleanUpEverything(): void {
  stopAllServicesSync();
  if (!process.env.CALLBOARD_KEEP_DEVSTACK) for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

function startReaper(pgid: number): void {
  startDetached(REAPER_SCRIPT, 'callboard-reaper', String(pgid));
}

function startDetached(script: string, name: string, arg: string): void {
  const reaper = spawn('/bin/sh', ['-c', script, name, String(process.pid), arg], { detached: true, stdio: 'ignore' });
  reaper.on('error', () => {}); // no /bin/sh: layers 1 and 2 still apply
  reaper.unref();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanUpEverything);
  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      if (process.listenerCount(signal) > 1) return;
      cleanUpEverything();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
