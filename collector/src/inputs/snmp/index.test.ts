import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildTargets, snmpInput } from './index.js';
import type { InterfaceSample } from './poll-result.js';
import { interfaceFields, newRateState, pollMetrics } from './to-metrics.js';

describe('snmp config', () => {
  it("takes timeout and retries per inventory row (CSV or YAML), else the input's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'callboard-snmp-row-'));
    writeFileSync(
      join(dir, 'iads.csv'),
      'device,address,role,timeout,retries\nslow-iad,10.1.0.1,iad,3s,0\nplain-iad,10.1.0.2,iad,,\nms-iad,10.1.0.3,iad,2500,4\n',
    );
    process.env.CALLBOARD_TEST_SNMP_ROW_COMMUNITY = 'row-community';
    const defaults = { default: { community: { env: 'CALLBOARD_TEST_SNMP_ROW_COMMUNITY' } } };
    const config = snmpInput.configSchema.parse({
      type: 'snmp',
      name: 'iads',
      timeout: '800ms',
      retries: 2,
      credentials: defaults,
      inventory: join(dir, 'iads.csv'),
      targets: [{ device: 'core1', address: '10.0.0.1', timeout: '5s' }],
    });
    const byId = new Map(buildTargets(config).map((t) => [t.id, t.snmp]));
    expect(byId.get('slow-iad')).toMatchObject({ timeoutMs: 3000, retries: 0 });
    expect(byId.get('plain-iad')).toMatchObject({ timeoutMs: 800, retries: 2 });
    expect(byId.get('ms-iad')).toMatchObject({ timeoutMs: 2500, retries: 4 });
    expect(byId.get('core1')).toMatchObject({ timeoutMs: 5000, retries: 2 });
    writeFileSync(join(dir, 'bad.csv'), 'device,address,timeout\nx,10.0.0.9,soon\n');
    expect(() =>
      buildTargets(snmpInput.configSchema.parse({ type: 'snmp', name: 'iads', credentials: defaults, inventory: join(dir, 'bad.csv') })),
    ).toThrow(/bad\.csv: row 1: timeout: expected a duration/);
  });

  it('resolves credentials from secrets and builds targets with bounded tags', () => {
    process.env.CALLBOARD_TEST_SNMP_COMMUNITY = 's3cret';
    process.env.CALLBOARD_TEST_SNMP_AUTH = 'auth-pass';
    process.env.CALLBOARD_TEST_SNMP_PRIV = 'priv-pass';
    const config = snmpInput.configSchema.parse({
      type: 'snmp',
      name: 'core',
      credentials: {
        default: { community: { env: 'CALLBOARD_TEST_SNMP_COMMUNITY' } },
        v3: {
          version: '3',
          v3: {
            user: 'nocv3',
            authProtocol: 'sha256',
            authKey: { env: 'CALLBOARD_TEST_SNMP_AUTH' },
            privKey: { env: 'CALLBOARD_TEST_SNMP_PRIV' },
          },
        },
      },
      targets: [
        { device: 'gw1', address: '10.0.0.1', region: 'east', role: 'voice-gateway' },
        { device: 'core1', address: '10.0.0.2:1161', credentials: 'v3', profiles: 'if-mib cisco-cpu-mem' },
      ],
    });
    expect(config).toMatchObject({ interval: 15_000, timeout: 1000, retries: 1, maxInFlight: 500 });
    // secrets never print
    expect(JSON.stringify(config)).not.toContain('s3cret');
    const [gw, core] = buildTargets(config);
    expect(gw).toMatchObject({
      id: 'gw1',
      profiles: ['auto'],
      tags: { device: 'gw1', region: 'east', role: 'voice-gateway' },
      snmp: { host: '10.0.0.1', port: 161, version: '2c', community: 's3cret' },
    });
    expect(core).toMatchObject({
      profiles: ['if-mib', 'cisco-cpu-mem'],
      tags: { device: 'core1' },
      snmp: {
        port: 1161,
        version: '3',
        v3: { user: 'nocv3', level: 'authPriv', authProtocol: 'sha256', authKey: 'auth-pass', privProtocol: 'aes', privKey: 'priv-pass' },
      },
    });
  });

  it('refuses a community written in the config, unknown profiles, unknown keys and no targets', () => {
    const base = { type: 'snmp', name: 'x', targets: [{ device: 'a', address: '10.0.0.1' }] };
    expect(snmpInput.configSchema.safeParse({ ...base, credentials: { default: { community: 'public' } } }).success).toBe(false);
    expect(snmpInput.configSchema.safeParse({ ...base, profiles: ['nope'] }).success).toBe(false);
    expect(snmpInput.configSchema.safeParse({ ...base, intervall: '5s' }).success).toBe(false);
    expect(snmpInput.configSchema.safeParse({ type: 'snmp', name: 'x' }).success).toBe(false);
  });

  it('refuses a target naming credentials that do not exist, or naming none without a "default" entry, by its path', () => {
    process.env.CALLBOARD_TEST_SNMP_COMMUNITY = 's3cret';
    const problems = issues({
      type: 'snmp',
      name: 'x',
      credentials: { lab: { community: { env: 'CALLBOARD_TEST_SNMP_COMMUNITY' } } },
      targets: [
        { device: 'a', address: '10.0.0.1', credentials: 'missing' },
        { device: 'b', address: '10.0.0.2', credentials: 'lab' },
        { device: 'c', address: '10.0.0.3' },
      ],
    });
    expect(problems).toEqual([
      'targets[0].credentials: device "a": no credentials named "missing"',
      'targets[2].credentials: device "c" names no credentials and there is no "default" entry in credentials (no community is assumed)',
    ]);
  });

  it('an explicit "default" entry is what targets without credentials use', () => {
    process.env.CALLBOARD_TEST_SNMP_COMMUNITY = 's3cret';
    const config = snmpInput.configSchema.parse({
      type: 'snmp',
      name: 'x',
      credentials: { default: { community: { env: 'CALLBOARD_TEST_SNMP_COMMUNITY' } } },
      targets: [{ device: 'c', address: '10.0.0.3' }],
    });
    expect(buildTargets(config)[0]!.snmp).toMatchObject({ version: '2c', community: 's3cret' });
  });

  it('refuses an inventory row without credentials, naming the file, row and device', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callboard-snmp-creds-'));
    writeFileSync(join(dir, 'iads.csv'), 'device,address,credentials\niad-1,10.1.0.1,iads\niad-2,10.1.0.2,\n');
    process.env.CALLBOARD_TEST_SNMP_COMMUNITY = 's3cret';
    const config = snmpInput.configSchema.parse({
      type: 'snmp',
      name: 'iads',
      credentials: { iads: { community: { env: 'CALLBOARD_TEST_SNMP_COMMUNITY' } } },
      inventory: join(dir, 'iads.csv'),
    });
    expect(() => buildTargets(config)).toThrow(
      `${join(dir, 'iads.csv')}: row 2: device "iad-2" names no credentials and there is no "default" entry`,
    );
  });

  it('refuses credentials that leave a secret to be assumed: no community, no v3 keys for the level, empty secrets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callboard-snmp-empty-'));
    writeFileSync(join(dir, 'empty'), '\n');
    process.env.CALLBOARD_TEST_SNMP_AUTH = 'auth-pass';
    const v3 = (v3: Record<string, unknown>) => ({ version: '3', v3: { user: 'noc', ...v3 } });
    const problems = issues({
      type: 'snmp',
      name: 'x',
      credentials: {
        default: { version: '2c' },
        v1: { version: '1', community: { file: join(dir, 'empty') } },
        bare: { version: '3' },
        priv: v3({ authKey: { env: 'CALLBOARD_TEST_SNMP_AUTH' } }),
        auth: v3({ level: 'authNoPriv' }),
        none: v3({ level: 'noAuthNoPriv' }),
      },
      targets: [{ device: 'a', address: '10.0.0.1' }],
    });
    expect(problems).toEqual([
      'credentials.default.community: required for SNMP v2c (no community is assumed)',
      `credentials.v1.community: [secret file:${join(dir, 'empty')}] is empty`,
      'credentials.bare.v3: required for version "3" (user, level and keys)',
      'credentials.priv.v3.privKey: required for level authPriv (no empty key is assumed)',
      'credentials.auth.v3.authKey: required for level authNoPriv (no empty key is assumed)',
    ]);
  });
});

/** The schema's problems as `path: message` lines (what the config loader prints). */
function issues(raw: unknown): string[] {
  const result = snmpInput.configSchema.safeParse(raw);
  expect(result.success).toBe(false);
  return result.error!.issues.map(
    (i) =>
      `${i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '')}: ${i.message}`,
  );
}

describe('example config', () => {
  it('collector/examples/snmp.yaml: both inputs parse, the IADs come from the inventory file', () => {
    for (const name of ['SNMP_COMMUNITY', 'SNMP_IAD_COMMUNITY', 'SNMP_V3_AUTH', 'SNMP_V3_PRIV']) process.env[name] ??= `example-${name}`;
    // snmp.yaml.next until the input is registered (the config test loads every examples/*.yaml)
    const file = [
      new URL('../../../examples/snmp.yaml', import.meta.url),
      new URL('../../../examples/snmp.yaml.next', import.meta.url),
    ].find((f) => existsSync(f))!;
    const example = parseYaml(readFileSync(file, 'utf8')) as { inputs: { type: string; inventory?: string }[] };
    const [core, iads] = example.inputs.map((raw) =>
      snmpInput.configSchema.parse(
        raw.inventory ? { ...raw, inventory: new URL(`../../../../${raw.inventory}`, import.meta.url).pathname } : raw,
      ),
    );
    expect(buildTargets(core!).map((t) => t.id)).toEqual(['core1-nyc', 'gw1-nyc']);
    const targets = buildTargets(iads!);
    expect(targets.map((t) => [t.id, t.profiles, t.tags.customer, t.device.profileState.iad])).toEqual([
      ['iad-000001', ['iad'], 'acme-dental', { wanIfIndex: 2 }],
      ['iad-000002', ['iad'], 'bluebird-cafe', { wanIfIndex: 2 }],
      ['iad-000003', ['iad'], 'cedar-law', undefined],
    ]);
  });
});

const iface = (inOctets: bigint, discontinuityTime?: number): InterfaceSample => ({
  ifIndex: 3,
  ifName: 'Gi0/1',
  ifDescr: 'GigabitEthernet0/1',
  ifAlias: '',
  ifType: 6,
  adminStatus: 1,
  operStatus: 1,
  speedBps: 1e6,
  ...(discontinuityTime !== undefined ? { discontinuityTime } : {}),
  counters: { inOctets: { value: inOctets, bits: 64 } },
});

describe('interface metrics', () => {
  it('gives bits/s and utilisation % of the line rate', () => {
    const state = newRateState();
    interfaceFields(state, iface(0n), 0, false);
    expect(interfaceFields(state, iface(62_500n), 1000, false)).toMatchObject({
      in_bps: 500_000,
      in_util_pct: 50,
      oper_status: 1,
      speed_bps: 1e6,
    });
  });

  it('leaves the rate out when ifCounterDiscontinuityTime changed or the device rebooted', () => {
    const state = newRateState();
    interfaceFields(state, iface(1000n, 5), 0, false);
    expect(interfaceFields(state, iface(2000n, 9), 1000, false).in_bps).toBeUndefined();
    expect(interfaceFields(state, iface(3000n, 9), 2000, false).in_bps).toBe(8000);
    expect(interfaceFields(state, iface(4000n, 9), 3000, true).in_bps).toBeUndefined();
  });

  it('flags a reboot from sysUpTime going backwards, on the device row', () => {
    const state = newRateState();
    const result = (ticks: number) => ({
      device: { sysName: '', sysDescr: '', sysObjectID: '', vendor: 'other' as const, profiles: [], uptimeTicks: ticks },
      interfaces: [iface(BigInt(ticks) * 100n)],
      cpu: [],
      memory: [],
      ipsla: [],
    });
    pollMetrics(result(5000), state, { device: 'a' }, 0, 1);
    const after = pollMetrics(result(100), state, { device: 'a' }, 1000, 1);
    expect(after[0]!.fields).toMatchObject({ up: 1, rebooted: 1, uptime_s: 1 });
    expect(after[1]!.fields.in_bps).toBeUndefined();
  });
});
