// A real prometheus-snmp-exporter (Debian 0.21.0) for the SNMP benchmark, on a random loopback
// port, with the `iad` module of snmp/snmp-exporter-iad.yml (the collector's iad profile's
// varbinds). Debian's own /etc/prometheus/snmp.yml is empty, so we always give our own.
// Config: shared/docs/real-services.md section 5.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnReady, waitFor, type ServiceHandle } from './process.js';
import { fillTemplate } from './template.js';
import { workDir } from './work-dir.js';

export interface SnmpExporterOptions {
  /** v2c community of the `iad` module. */
  community: string;
  dir?: string;
  startTimeoutMs?: number;
}

export interface SnmpExporter {
  url: string;
  port: number;
  handle: ServiceHandle;
  configFile: string;
  /** Scrape one target with a module; the exposition text. */
  scrape(target: string, module?: string): Promise<string>;
  stop(): Promise<void>;
}

const TEMPLATE = new URL('./snmp/snmp-exporter-iad.yml', import.meta.url);

export async function startSnmpExporter(options: SnmpExporterOptions): Promise<SnmpExporter> {
  const work = workDir(options.dir, 'snmp-exporter');
  const configFile = join(work.path, 'snmp.yml');
  writeFileSync(configFile, fillTemplate(readFileSync(TEMPLATE, 'utf8'), { COMMUNITY: options.community }));
  const port = await freePort('tcp');
  const url = `http://127.0.0.1:${port}`;
  const handle = await spawnReady(
    {
      name: 'snmp-exporter',
      command: 'prometheus-snmp-exporter',
      args: [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      cwd: work.path,
      logFile: join(work.path, 'exporter.log'),
    },
    (h) =>
      waitFor(async () => (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(1000) })).ok, {
        timeoutMs: options.startTimeoutMs ?? 10_000,
        intervalMs: 20,
        what: `snmp_exporter /metrics on ${url}`,
        service: h,
      }),
  );
  return {
    url,
    port,
    handle,
    configFile,
    async scrape(target, module = 'iad') {
      const response = await fetch(`${url}/snmp?target=${encodeURIComponent(target)}&module=${module}`, { signal: AbortSignal.timeout(10_000) });
      const text = await response.text();
      if (!response.ok) throw new Error(`snmp_exporter ${response.status} for ${target}: ${text.slice(0, 200)}`);
      return text;
    },
    async stop() {
      await handle.stop();
      work.release();
    },
  };
}
