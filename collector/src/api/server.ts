import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { HealthEngine } from '../health/engine.js';
import type { TrunkGroupsDependencies } from './trunk-groups.js';
import type { AlertEngine } from '../alerting/engine.js';
import type { SelfChecks } from '../pipeline/self-checks.js';
import type { MilestoneBook } from '../inputs/cdr/milestones.js';
import type { Logger } from '../lib/log.js';
import type { LiveHub } from '../outputs/live/hub.js';
import type { LiveStore } from '../outputs/live/store.js';
import { ApiAuth } from './auth.js';
import { withSecurityDefaults, type ApiSecurityOptions } from './config.js';
import { createHttpApp } from './http.js';
import { LiveSocket } from './live-socket.js';
import { ApiGuard, requestPath } from './security.js';

/** Tokens, TLS, CORS origins, rate limit and body limit (apiSecurityOptions(config.api)); each defaults as in a default config. */
export interface ApiServerOptions extends Partial<ApiSecurityOptions> {
  host: string;
  port: number;
  /** The running config, shown to admin tokens with secrets redacted. */
  config?: unknown;
  maxUpdatesPerSecond: number;
  store: LiveStore;
  health?: HealthEngine;
  trunkGroups?: Omit<TrunkGroupsDependencies, 'store'>;
  milestones?: MilestoneBook;
  alerting?: AlertEngine;
  /** The collector's own state, reported by /healthz. */
  selfChecks?: SelfChecks;
  hub: LiveHub;
  registry: Registry;
  log: Logger;
  version: string;
}

/** HTTP API and the /live WebSocket on one listener. */
export class ApiServer {
  #server: Server | undefined;
  #live: LiveSocket | undefined;
  readonly #log: Logger;

  constructor(private readonly options: ApiServerOptions) {
    this.#log = options.log.child({ component: 'api' });
  }

  get url(): string {
    const address = this.#server?.address() as AddressInfo | null;
    if (!address) throw new Error('API server is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `${this.options.tls ? 'https' : 'http'}://${host}:${address.port}`;
  }

  async start(): Promise<void> {
    const { options } = this;
    const security = withSecurityDefaults(options);
    const auth = new ApiAuth(security.tokens);
    const guard = new ApiGuard({ auth, origins: security.origins, rateLimit: security.rateLimit, maxBodyBytes: security.maxBodyBytes, tls: Boolean(security.tls) });
    const app = createHttpApp({ store: options.store, health: options.health, trunkGroups: options.trunkGroups, milestones: options.milestones, alerting: options.alerting, selfChecks: options.selfChecks, registry: options.registry, auth, guard, config: options.config, startedAt: Date.now(), version: options.version });
    this.#live = new LiveSocket({ store: options.store, hub: options.hub, log: options.log, guard, maxUpdatesPerSecond: options.maxUpdatesPerSecond });
    const server = security.tls ? createTlsServer({ cert: security.tls.cert, key: security.tls.key }, app) : createServer(app);
    server.on('upgrade', (request, socket, head) => {
      const path = requestPath(request);
      if (path === '/live') this.#live!.handleUpgrade(request, socket, head);
      else socket.end(`HTTP/1.1 ${path === undefined ? '400 Bad Request' : '404 Not Found'}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    });
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      this.#log.debug({ err: error.message }, 'bad HTTP request');
      if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    this.#server = server;
    if (auth.open && !isLoopback(options.host)) {
      this.#log.warn({ code: 'CALLBOARD_API_OPEN' }, `API listens on ${options.host} without a token: anyone who can reach it can read it`);
    }
    this.#log.info({ url: this.url, auth: auth.open ? 'none' : security.tokens.map((t) => `${t.name}:${t.role}`), tls: Boolean(security.tls) }, 'API listening');
  }

  async stop(): Promise<void> {
    await this.#live?.close();
    const server = this.#server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}
