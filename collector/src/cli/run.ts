import { Collector } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../lib/log.js';

/** `callboard run`: runs until SIGINT/SIGTERM, then shuts down in order (API, inputs, outputs). */
export async function runCommand(options: { config: string }): Promise<void> {
  const config = loadConfig(options.config);
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
