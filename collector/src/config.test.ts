import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatPath, loadConfig, parseConfig } from './config.js';

function problems(raw: unknown): readonly string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('config', () => {
  it('applies safe defaults: loopback API, New York day, no token', () => {
    const config = parseConfig({});
    expect(config.api).toMatchObject({ host: '127.0.0.1', port: 8089, maxUpdatesPerSecond: 5 });
    expect(config.api.token).toBeUndefined();
    expect(config.timezone).toBe('America/New_York');
    expect(Object.isFrozen(config.api)).toBe(true);
  });

  it('parses durations and input defaults', () => {
    const config = parseConfig({ inputs: [{ type: 'kamailio', name: 'ss1', url: 'http://127.0.0.1:1/RPC', interval: '500ms' }] });
    expect(config.inputs[0]).toMatchObject({ interval: 500, timeout: 800, trunks: true });
  });

  it('reports every error with the path a person would look for', () => {
    expect(
      problems({
        timezone: 'Mars/Olympus',
        api: { port: '80', tokn: 'x' },
        inputs: [{ type: 'kamailio', name: 'ss 1', url: 'ftp://x', interval: 'soon' }, { type: 'kamailo' }, { name: 'x' }],
      }),
    ).toEqual([
      'timezone: expected an IANA time zone such as "America/New_York"',
      'api.port: expected number, got string "80"',
      'api.tokn: unknown key (misspelt or not supported here)',
      'inputs[2].type: required',
      'inputs[0].name: expected letters, digits, "_", "." or "-"',
      'inputs[0].url: expected an http(s) URL',
      'inputs[0].interval: expected a duration such as "500ms", "1s", "5m", got "soon"',
      'inputs[1].type: unknown input type "kamailo" (known: kamailio, cdr, snmp, snmp-trap)',
    ]);
  });

  it('rejects duplicate input names', () => {
    const input = { type: 'kamailio', name: 'ss1', url: 'http://h/RPC' };
    expect(problems({ inputs: [input, input] })).toEqual(['inputs[1].name: duplicate input name "ss1" (also inputs[0].name)']);
    // A CDR input named like a softswitch would make its trunk group members "ss1/<trunk>" ambiguous: the same check.
    expect(problems({ inputs: [input, { type: 'cdr', name: 'ss1', paths: ['/var/log/kamailio/acc_cdrs.log'] }] })).toEqual([
      'inputs[1].name: duplicate input name "ss1" (also inputs[0].name)',
    ]);
  });

  it('rejects a CDR input named like an SNMP device: trunk group members "<name>/<span>" would be ambiguous', () => {
    const snmp = { type: 'snmp', name: 'routers', credentials: { default: { community: { env: 'CALLBOARD_TEST_COMMUNITY' } } } };
    process.env.CALLBOARD_TEST_COMMUNITY = 'community-for-config-test';
    const targets = [
      { device: 'gw-core-1', address: '127.0.0.1:1161' },
      { device: 'gw-tdm-1', address: '127.0.0.1:1162' },
    ];
    const cdr = (name: string) => ({ type: 'cdr', name, paths: ['/var/log/asterisk/cdr-csv/Master.csv'] });
    expect(problems({ inputs: [cdr('gw-tdm-1'), { ...snmp, targets }, cdr('pbx1')] })).toEqual([
      'inputs[0].name: "gw-tdm-1" is also inputs[1].targets[1].device: trunk group members "gw-tdm-1/…" would be ambiguous',
    ]);
    expect(problems({ inputs: [{ ...snmp, targets }, cdr('pbx1')] })).toEqual([]);
  });

  it('rejects two CDR inputs sharing a quarantine file (each cuts it back to its own checkpoint)', () => {
    const cdr = (name: string, quarantine?: string) => ({ type: 'cdr', name, paths: [`/var/log/${name}/Master.csv`], quarantine });
    const shared = '/var/lib/callboard/../callboard/bad.jsonl';
    expect(problems({ inputs: [cdr('pbx1', '/var/lib/callboard/bad.jsonl'), cdr('pbx2', shared)] })).toEqual([
      `inputs[1].quarantine: "${shared}" is also inputs[0].quarantine: each CDR input needs a quarantine file of its own`,
    ]);
    expect(problems({ inputs: [cdr('pbx1', '/var/lib/callboard/bad1.jsonl'), cdr('pbx2')] })).toEqual([]);
  });

  it('takes secrets only from the environment or a file, and never prints them', () => {
    expect(problems({ api: { token: 'hunter22' } })[0]).toMatch(/^api.token: expected \{env: NAME\} or \{file: PATH\}/);
    expect(problems({ api: { token: { env: 'CALLBOARD_TEST_UNSET_VAR' } } })).toEqual(['api.token: environment variable CALLBOARD_TEST_UNSET_VAR is not set']);
    process.env.CALLBOARD_TEST_TOKEN = 's3cret-token-value';
    const config = parseConfig({ api: { token: { env: 'CALLBOARD_TEST_TOKEN' } } });
    expect(config.api.token?.reveal()).toBe('s3cret-token-value');
    expect(JSON.stringify(config)).not.toContain('s3cret-token-value');
    expect(String(config.api.token)).toBe('[secret env:CALLBOARD_TEST_TOKEN]');
    const dir = mkdtempSync(join(tmpdir(), 'cb-secret-'));
    writeFileSync(join(dir, 'token'), 'from-a-file\n');
    expect(parseConfig({ api: { token: { file: join(dir, 'token') } } }).api.token?.reveal()).toBe('from-a-file');
  });

  it('reports YAML syntax errors with line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'inputs:\n  - type: kamailio\n   name: x\n');
    expect(() => loadConfig(file)).toThrow(/line 3, column \d+/);
    expect(() => loadConfig(join(dir, 'missing.yaml'))).toThrow(/cannot read file: ENOENT/);
  });

  it('formats paths the YAML way', () => {
    expect(formatPath(['inputs', 0, 'evapi', 'port'])).toBe('inputs[0].evapi.port');
    expect(formatPath(['inputs', 0, 'credentials', 'noc-v3'])).toBe('inputs[0].credentials.noc-v3');
    // Found by the config fuzzer: a key such as ": x" or "" must not read as a bare or empty path.
    expect(formatPath([': VRi%I'])).toBe('[": VRi%I"]');
    expect(formatPath(['api', ''])).toBe('api[""]');
  });

  it('accepts every example config shipped in collector/examples', () => {
    process.env.CALLBOARD_API_TOKEN ??= 'example-token';
    for (const name of ['SNMP_COMMUNITY', 'SNMP_IAD_COMMUNITY', 'SNMP_V3_AUTH', 'SNMP_V3_PRIV', 'CALLBOARD_SIM_COMMUNITY']) process.env[name] ??= 'example';
    for (const name of ['CALLBOARD_PAGERDUTY_ROUTING_KEY', 'CALLBOARD_SMTP_PASSWORD', 'CALLBOARD_WEBHOOK_TOKEN']) process.env[name] ??= 'example';
    process.env.CALLBOARD_SLACK_WEBHOOK_URL ??= 'https://hooks.slack.com/services/T000/B000/example';
    const dir = new URL('../examples/', import.meta.url).pathname;
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(() => loadConfig(join(dir, file)), file).not.toThrow();
  });
});
