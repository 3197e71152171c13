// Runs one cdr input in its own process with a sink that appends every metric to a JSON-lines file
// and fsyncs it on flush: the crash tests kill -9 this process and check the file afterwards.
// Usage: node --import tsx run-input.ts '<cdr input config as JSON>' <stateDir> <out.jsonl> [timezone]
import { closeSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { Registry } from 'prom-client';
import { createLogger } from '../../../lib/log.js';
import type { Metric } from '../../../pipeline/metric.js';
import { cdrConfigSchema } from '../config.js';
import { CdrInput } from '../input.js';

const [configJson, stateDir, outFile, timezone = 'America/New_York'] = process.argv.slice(2);
if (!configJson || !stateDir || !outFile) throw new Error('usage: run-input.ts <config-json> <stateDir> <out.jsonl> [timezone]');

// A kill -9 in the middle of a flush can leave a torn last line: like a write InfluxDB never
// finished receiving, it is not stored (the input did not checkpoint it and writes it again).
try {
  const text = readFileSync(outFile);
  if (text.length > 0 && text[text.length - 1] !== 10) truncateSync(outFile, text.lastIndexOf(10) + 1);
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
const fd = openSync(outFile, 'a');
let pending: Metric[] = [];
const input = new CdrInput(cdrConfigSchema.parse(JSON.parse(configJson)), {
  log: createLogger({ level: 'warn' }),
  registry: new Registry(),
  stateDir,
  timezone,
  flush: async () => {
    if (pending.length === 0) return;
    const bytes = Buffer.from(pending.map((m) => JSON.stringify(m)).join('\n') + '\n');
    for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
    pending = [];
    process.stdout.write('flushed\n');
  },
});
await input.start((metrics) => {
  pending.push(...metrics);
});
process.on('SIGTERM', () => {
  void input.stop().then(() => {
    closeSync(fd);
    process.exit(0);
  });
});
