import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PreviewPanel } from './panels.js';

export const PLUGIN_ID = 'callboard-live-panel';

/** plugin/ of this repository: the built panel (dist/) and the preview host page (host/out/). */
export const PLUGIN_DIR = resolve(fileURLToPath(new URL('../../../plugin', import.meta.url)));

export interface InfluxSource {
  url: string;
  database: string;
  username?: string;
  password?: string;
}

export interface PreviewServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Where /preview/query sends InfluxQL; or `query` to answer it in-process (the bench). */
  influx?: InfluxSource;
  query?: (influxql: string) => Promise<unknown>;
  panels: Record<string, PreviewPanel>;
  /** How often the page re-runs its queries, like a dashboard's refresh; 0 = once. */
  refreshMs?: number;
  pluginDir?: string;
}

export interface PreviewServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

function sendFile(res: ServerResponse, root: string, relative: string): void {
  const file = normalize(join(root, relative));
  // Never serve outside the folder (../ in the URL).
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${relative}`);
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  createReadStream(file).pipe(res);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function influxQuery(source: InfluxSource, influxql: string): Promise<{ status: number; body: string }> {
  const url = new URL('/query', source.url);
  url.searchParams.set('db', source.database);
  url.searchParams.set('epoch', 'ms');
  url.searchParams.set('q', influxql);
  const headers: Record<string, string> = {};
  if (source.username) headers.authorization = `Basic ${Buffer.from(`${source.username}:${source.password ?? ''}`).toString('base64')}`;
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}

/**
 * Serves the preview host page, the built plugin at Grafana's URL (/public/plugins/<id>/), the
 * panel definitions, and a read-only InfluxQL pass-through (SELECT only) for the page's queries.
 */
export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const pluginDir = options.pluginDir ?? PLUGIN_DIR;
  const dist = join(pluginDir, 'dist');
  const hostOut = join(pluginDir, 'host', 'out');
  for (const [dir, build] of [[dist, 'npm run build -w plugin'], [hostOut, 'npm run build:host -w plugin']] as const) {
    if (!existsSync(dir)) throw Object.assign(new Error(`${dir} is missing: run \`${build}\` first`), { code: 'CALLBOARD_USAGE' });
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://preview');
    if (req.method !== 'GET') return json(res, 405, { error: 'GET only' });
    if (url.pathname === '/' || url.pathname === '/index.html') return sendFile(res, hostOut, 'index.html');
    if (url.pathname.startsWith('/preview/host.')) return sendFile(res, hostOut, url.pathname.slice('/preview/'.length));
    if (url.pathname === '/preview/config') return json(res, 200, { pluginId: PLUGIN_ID, refreshMs: options.refreshMs ?? 5000, panels: options.panels });
    if (url.pathname === '/preview/query') {
      const q = url.searchParams.get('q') ?? '';
      // The page is a viewer: it may read, never write or drop.
      if (!/^\s*SELECT\b/i.test(q) || /;\s*\S/.test(q) || /\bINTO\b/i.test(q)) return json(res, 400, { error: 'only single SELECT statements without INTO' });
      if (options.query) return json(res, 200, await options.query(q));
      if (!options.influx) return json(res, 503, { error: 'no InfluxDB configured' });
      const { status, body } = await influxQuery(options.influx, q);
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      return;
    }
    const pluginPrefix = `/public/plugins/${PLUGIN_ID}/`;
    if (url.pathname.startsWith(pluginPrefix)) return sendFile(res, dist, decodeURIComponent(url.pathname.slice(pluginPrefix.length)));
    json(res, 404, { error: `not found: ${url.pathname}` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) json(res, 502, { error: error.message });
      else res.destroy();
    });
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => ready());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    server,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
