import { closeSync, fsyncSync, mkdirSync, openSync, readSync, statSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RejectedLine } from './reader.js';

/**
 * Rejected CDR lines, one JSON object a line: {"time","file","line","reason","text"}. Written and
 * synced before the checkpoint that moves past them, so a rejected line is never lost. The checkpoint
 * keeps the file's size: what was written after it (a batch read again after a crash or a rollback)
 * is cut before it is read again, so each rejected line is here once. One file per input.
 */
export class Quarantine {
  constructor(readonly file: string) {}

  /** Bytes in the file (0 before the first rejected line). */
  size(): number {
    try {
      return statSync(this.file).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
  }

  /**
   * Back to `bytes` (a checkpoint's size). Only at a line break: a file rotated or emptied by hand
   * since, which no longer breaks a line there, is left alone.
   */
  cutTo(bytes: number | undefined): void {
    if (bytes === undefined || this.size() <= bytes) return;
    if (bytes > 0 && this.#byteAt(bytes - 1) !== 10) return;
    truncateSync(this.file, bytes);
  }

  #byteAt(offset: number): number {
    const fd = openSync(this.file, 'r');
    try {
      const one = Buffer.alloc(1);
      readSync(fd, one, 0, 1, offset);
      return one[0]!;
    } finally {
      closeSync(fd);
    }
  }

  write(lines: readonly RejectedLine[], now = Date.now()): void {
    if (lines.length === 0) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const fd = openSync(this.file, 'a');
    try {
      writeSync(fd, lines.map((l) => JSON.stringify({ time: new Date(now).toISOString(), ...l })).join('\n') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
