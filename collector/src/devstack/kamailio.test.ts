// @vitest-environment node
// Config rendering for the devstack Kamailio; `kamailio -c` parses the result for real.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { gatewayUri, renderDispatcherList, renderKamailioConfig } from './kamailio.js';

const dir = mkdtempSync(join(tmpdir(), 'callboard-kamailio-cfg-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const values = {
  workDir: dir,
  sipPort: 25060,
  httpPort: 25061,
  evapiPort: 25062,
  dispatcherList: join(dir, 'dispatcher.list'),
  accDir: join(dir, 'acc'),
  pingIntervalS: 2,
};

describe('devstack kamailio.cfg', () => {
  it('fills every placeholder and binds loopback only', () => {
    const cfg = renderKamailioConfig(values);
    expect(cfg).not.toMatch(/\$\{[A-Z_]+\}/);
    expect(cfg).toContain('listen=udp:127.0.0.1:25060');
    expect(cfg).toContain('listen=tcp:127.0.0.1:25061');
    expect(cfg).toContain('modparam("evapi", "bind_addr", "127.0.0.1:25062")');
    expect(cfg).toContain('modparam("dispatcher", "ds_ping_interval", 2)');
    expect(cfg.match(/^listen=.*$/gm)!.every((line) => line.includes('127.0.0.1'))).toBe(true);
  });

  it('sends the 503 statefully, so the dialog module sees the call fail', () => {
    const cfg = renderKamailioConfig(values);
    expect(cfg).toMatch(/t_newtran\(\);\s*t_reply\("503", "No gateway available"\);/);
    expect(cfg).not.toMatch(/sl_send_reply\("503"/);
  });

  it('passes `kamailio -c`', async () => {
    mkdirSync(join(dir, 'run'), { recursive: true });
    mkdirSync(values.accDir, { recursive: true });
    writeFileSync(values.dispatcherList, renderDispatcherList([{ name: 'trunk-a', port: 25070, duid: 'gw-a' }]));
    writeFileSync(join(dir, 'kamailio.cfg'), renderKamailioConfig(values));
    const { stdout, stderr } = await promisify(execFile)('kamailio', ['-c', '-f', join(dir, 'kamailio.cfg')]);
    expect(stdout + stderr).toContain('config file ok');
  });
});

describe('dispatcher.list', () => {
  it('puts every gateway in set 1 with its duid and name', () => {
    const list = renderDispatcherList([
      { name: 'trunk-a', port: 25070, duid: 'gw-a' },
      { name: 'trunk-b', port: 25072, duid: 'gw-b' },
    ]);
    expect(list.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      '1 sip:127.0.0.1:25070 0 0 duid=gw-a;name=trunk-a',
      '1 sip:127.0.0.1:25072 0 0 duid=gw-b;name=trunk-b',
    ]);
    expect(gatewayUri(25070)).toBe('sip:127.0.0.1:25070');
  });

  it('rejects names that would break the attrs field', () => {
    expect(() => renderDispatcherList([{ name: 'trunk a', port: 1, duid: 'x' }])).toThrow(/name "trunk a"/);
    expect(() => renderDispatcherList([{ name: 'a', port: 1, duid: 'x;y=1' }])).toThrow(/duid/);
    expect(() => renderDispatcherList([{ name: 'a', port: 70000, duid: 'x' }])).toThrow(/bad port/);
  });
});
