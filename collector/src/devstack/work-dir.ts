// Where a devstack service keeps its config, data and logs. A caller-given dir is the
// caller's (the demo keeps its InfluxDB data between runs); otherwise we make a temp dir
// and remove it when the service stops for good, or at process exit if it never does.
// CALLBOARD_KEEP_DEVSTACK=1 keeps every temp dir, to read the logs after a test run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEEP_MARKER, removeDirAtExit } from './service-registry.js';

export interface WorkDir {
  path: string;
  /** true when we created it (and will remove it) */
  owned: boolean;
  /** Removes the dir if we own it (and CALLBOARD_KEEP_DEVSTACK is not set). */
  release(): void;
  /** Never remove it: its files are named in an error message. */
  keep(): void;
}

export function workDir(given: string | undefined, prefix: string): WorkDir {
  if (given !== undefined) {
    mkdirSync(given, { recursive: true });
    return { path: given, owned: false, release() {}, keep() {} };
  }
  const path = mkdtempSync(join(tmpdir(), `callboard-${prefix}-`));
  const forget = removeDirAtExit(path);
  return {
    path,
    owned: true,
    release() {
      forget();
      if (!process.env.CALLBOARD_KEEP_DEVSTACK) rmSync(path, { recursive: true, force: true });
    },
    keep() {
      forget();
      writeFileSync(join(path, KEEP_MARKER), 'kept: its files are named in an error message\n');
    },
  };
}
