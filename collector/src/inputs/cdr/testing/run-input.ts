// Runs one cdr input in its own process with a sink that appends every metric to a JSON-lines file
// and fsyncs it on flush: the crash tests kill -9 this process and check the file afterwards.
// Usage: node --import tsx run-input.ts '<cdr input config as JSON>' <stateDir> <out.jsonl> [timezone]
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { Registry } from 'prom-client';
import { createLogger } from '../../../lib/log.js';
import type { Metric } from '../../../pipeline/metric.js';
import { cdrConfigSchema } from '../config.js';
import { CdrInput } from '../input.js';

const [configJson, stateDir, outFile, timezone = 'America/New_York'] = process.argv.slice(2);
if (!configJson || !stateDir || !outFile) throw new Error('usage: run-input.ts <config-json> <stateDir> <out.jsonl> [timezone]');

const fd = openSync(outFile, 'a');
let pending: Metric[] = [];
const input = new CdrInput(cdrConfigSchema.parse(JSON.parse(configJson)), {
  log: createLogger({ level: 'warn' }),
  registry: new Registry(),
  stateDir,
  timezone,
  flush: async () => {
    if (pending.length === 0) return;
    writeSync(fd, pending.map((m) => JSON.stringify(m)).join('\n') + '\n');
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
