import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config.js';

const trapInput = (extra: Record<string, unknown>) => parseConfig({ inputs: [{ type: 'snmp-trap', name: 'traps', ...extra }] }).inputs[0];
const problems = (extra: Record<string, unknown>) => {
  try {
    trapInput(extra);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('snmp-trap config', () => {
  it('defaults: 127.0.0.1:1162, unknown sources dropped, storm limits', () => {
    process.env.CALLBOARD_TRAP_CONFIG_COMMUNITY = 'c0mmunity-1';
    expect(trapInput({ communities: [{ env: 'CALLBOARD_TRAP_CONFIG_COMMUNITY' }] })).toMatchObject({
      listen: { host: '127.0.0.1', port: 1162 },
      acceptUnknownSources: false,
      storm: { ratePerSecond: 100, burst: 500, maxPendingPerSource: 10_000 },
    });
  });

  it('needs a community or a user, secrets by reference, privKey for authPriv; errors name the path', () => {
    expect(problems({})).toEqual(['inputs[0]: give communities (v1/v2c) or users (v3): without either no notification is accepted']);
    expect(problems({ communities: ['public'] })).toEqual([
      'inputs[0].communities[0]: expected {env: NAME} or {file: PATH}; secrets are not written in the config itself',
    ]);
    process.env.CALLBOARD_TRAP_CONFIG_AUTH = 'auth-key-1234';
    expect(problems({ users: [{ user: 'noc', authKey: { env: 'CALLBOARD_TRAP_CONFIG_AUTH' } }] })).toEqual([
      'inputs[0].users[0].privKey: authPriv needs privKey',
    ]);
    expect(
      problems({ users: [{ user: 'noc', level: 'authNoPriv', authKey: { env: 'CALLBOARD_TRAP_CONFIG_AUTH' } }], listen: { port: 0 } }),
    ).toEqual(['inputs[0].listen.port: expected a port 1–65535 (0 is not possible: net-snmp takes it as 162)']);
  });

  it('devices: users named from users, a community not also shared, something given; engineId in hex', () => {
    process.env.CALLBOARD_TRAP_CONFIG_COMMUNITY = 'c0mmunity-1';
    process.env.CALLBOARD_TRAP_CONFIG_AUTH = 'auth-key-1234';
    const shared = { env: 'CALLBOARD_TRAP_CONFIG_COMMUNITY' };
    const users = [{ user: 'noc', level: 'authNoPriv', authKey: { env: 'CALLBOARD_TRAP_CONFIG_AUTH' } }];
    expect(
      problems({
        communities: [shared],
        users,
        devices: { rtr1: { communities: [shared], users: ['noc', 'ops'] }, rtr2: {} },
        engineId: '80ff',
      }),
    ).toEqual([
      'inputs[0].devices.rtr2: give the device communities or users',
      'inputs[0].engineId: expected 5 to 32 bytes in hex (e.g. 80001f8880c0ffee0001)',
      'inputs[0].devices.rtr1.communities[0]: this community is also in communities (shared by every device): it cannot belong to one device',
      'inputs[0].devices.rtr1.users[1]: no user "ops" in users',
    ]);
    // A device's own community is enough on its own; the config never shows the secret.
    const config = trapInput({ devices: { gw7: { communities: [shared] } }, engineId: '0x80001f8880c0ffee0001' });
    expect(JSON.stringify(config)).not.toContain('c0mmunity-1');
  });

  it('refuses empty secrets and a v3 user listed twice (only one set of keys would be kept)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-trap-config-'));
    writeFileSync(join(dir, 'empty'), '\n');
    process.env.CALLBOARD_TRAP_CONFIG_AUTH = 'auth-key-1234';
    const auth = { env: 'CALLBOARD_TRAP_CONFIG_AUTH' };
    expect(
      problems({
        communities: [{ file: join(dir, 'empty') }],
        users: [
          { user: 'noc', level: 'authNoPriv', authKey: auth },
          { user: 'noc', level: 'authNoPriv', authKey: { file: join(dir, 'empty') } },
        ],
      }),
    ).toEqual([
      'inputs[0].communities[0]: the secret is empty',
      'inputs[0].users[1].authKey: the secret is empty',
      'inputs[0].users[1].user: user "noc" is listed twice',
    ]);
  });
});
