import { readdirSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A file on disk, by identity: device and inode survive a rename, the path does not. */
export interface FoundFile {
  path: string;
  id: string;
  size: number;
}

export const fileId = (s: Pick<Stats, 'dev' | 'ino'>) => `${s.dev}:${s.ino}`;

const WILDCARD = /[*?]/;

/** "acc_*.log" → /^acc_.*\.log$/ ; only "*" and "?" are special. */
export function wildcardPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

function statFile(path: string): Stats | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? s : undefined;
  } catch {
    return undefined;
  }
}

function filesIn(dir: string, match?: RegExp): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => !match || match.test(name))
      .sort()
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/**
 * The files the configured paths name now: a file, every file in a directory, or a wildcard in
 * the file-name part ("/var/log/kamailio/acc/acc_*.log"). A file reached by two paths is listed once.
 */
export function discover(paths: readonly string[], exclude: (path: string) => boolean = () => false): FoundFile[] {
  const found = new Map<string, FoundFile>();
  for (const configured of paths) {
    let candidates: string[];
    if (WILDCARD.test(basename(configured))) candidates = filesIn(dirname(configured), wildcardPattern(basename(configured)));
    else {
      let isDir = false;
      try {
        isDir = statSync(configured).isDirectory();
      } catch {
        isDir = false;
      }
      candidates = isDir ? filesIn(configured) : [configured];
    }
    for (const path of candidates) {
      if (exclude(path)) continue;
      const s = statFile(path);
      if (s && !found.has(fileId(s))) found.set(fileId(s), { path, id: fileId(s), size: s.size });
    }
  }
  return [...found.values()];
}

/** Where a file went when it is no longer at its path: a rotated name in the same directory (Master.csv → Master.csv.1). */
export function findRenamed(previousPath: string, id: string): FoundFile | undefined {
  for (const path of filesIn(dirname(previousPath))) {
    const s = statFile(path);
    if (s && fileId(s) === id) return { path, id, size: s.size };
  }
  return undefined;
}
