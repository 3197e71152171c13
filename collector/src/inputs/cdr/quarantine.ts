import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RejectedLine } from './reader.js';

/**
 * Rejected CDR lines, one JSON object a line: {"time","file","line","reason","text"}. Written and
 * synced before the checkpoint that moves past them, so a rejected line is never lost; after a
 * crash between the two, a line can appear twice here (its count, kept in the checkpoint, does not).
 */
export class Quarantine {
  constructor(readonly file: string) {}

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
