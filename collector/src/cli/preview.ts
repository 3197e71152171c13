import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { previewPanels, type PreviewLive } from '../preview/panels.js';
import { startPreviewServer, type InfluxSource } from '../preview/server.js';

interface PreviewOptions {
  config?: string;
  influxUrl?: string;
  database: string;
  liveUrl?: string;
  tokenEnv?: string;
  port: string;
  host: string;
  live: boolean;
  staleAfter: string;
  refresh: string;
}

function usage(message: string): Error {
  return Object.assign(new Error(message), { code: 'CALLBOARD_USAGE' });
}

/**
 * `callboard preview`: the built panel in a Grafana-like page (SystemJS/AMD, shared React and
 * @grafana/*), fed by InfluxDB queries and the collector's /live, without a Grafana server.
 * Open /?view=calls|milestone|links&theme=dark|light&width=1920&height=1080.
 */
export function registerPreviewCommand(program: Command): void {
  program
    .command('preview')
    .description('serve the built Grafana panel on a preview page, fed by InfluxDB and the collector /live (from a config, or given directly)')
    .option('-c, --config <file>', 'collector YAML config: outputs.influx and api are used')
    .option('--influx-url <url>', 'InfluxDB to query (overrides the config)')
    .option('--database <db>', 'InfluxDB database (without --config)', 'callboard')
    .option('--live-url <url>', 'collector /live, e.g. ws://127.0.0.1:8089/live (overrides the config)')
    .option('--token-env <name>', 'environment variable holding the API token (overrides the config)')
    .option('--port <port>', 'preview port on --host (0 = any free port)', '8090')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--no-live', 'queries only, no /live subscription')
    .option('--stale-after <s>', 'seconds after which the panel shows STALE', '10')
    .option('--refresh <ms>', 'query refresh interval, ms', '5000')
    .action(async (options: PreviewOptions) => previewCommand(options));
}

async function previewCommand(options: PreviewOptions): Promise<void> {
  const config = options.config ? loadConfig(options.config) : undefined;
  const configured = config?.outputs.influx;
  let influx: InfluxSource | undefined;
  if (options.influxUrl) influx = { url: options.influxUrl, database: configured?.database ?? options.database };
  else if (configured) influx = { url: configured.url, database: configured.database, username: configured.username, password: configured.password?.reveal() };
  if (!influx) throw usage('preview needs an InfluxDB: --config with outputs.influx, or --influx-url');

  let live: PreviewLive | undefined;
  if (options.live) {
    const token = options.tokenEnv ? (process.env[options.tokenEnv] ?? '') : (config?.api.token?.reveal() ?? '');
    if (options.liveUrl) live = { url: options.liveUrl, token };
    else if (config) {
      // A wildcard listen address is reached on loopback from this machine.
      const host = config.api.host === '0.0.0.0' || config.api.host === '::' ? '127.0.0.1' : config.api.host;
      live = { url: `ws://${host.includes(':') ? `[${host}]` : host}:${config.api.port}/live`, token };
    }
  }
  const preview = await startPreviewServer({
    host: options.host,
    port: Number(options.port),
    refreshMs: Number(options.refresh),
    influx,
    panels: previewPanels({ live, staleAfterSeconds: Number(options.staleAfter) }),
  });
  process.stdout.write(`preview: ${preview.url}/?view=calls  (views: calls, milestone, links; &theme=light; &width=&height=)\n`);
  const stop = () => void preview.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
