import { Collector } from '../app.js';
import { loadConfig } from '../config.js';
import { parseShard } from '../inputs/snmp/shard.js';
import { createLogger } from '../lib/log.js';

/** `callboard run`: runs until SIGINT/SIGTERM, then shuts down in order (API, inputs, outputs). */
export async function runCommand(options: { config: string; shard?: string }): Promise<void> {
  const loaded = loadConfig(options.config);
  // --shard K/N: the same config file on N hosts, each polling its share of the targets.
  const config = options.shard ? { ...loaded, shard: parseShard(options.shard) } : loaded;
  const log = createLogger({ level: config.log.level });
  const collector = new Collector(config, log);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await collector.stop();
    log.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await collector.start();
}
