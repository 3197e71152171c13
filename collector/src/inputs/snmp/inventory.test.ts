import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkUnique, parseCsv, profilesOf, readInventory, splitAddress } from './inventory.js';

const dir = mkdtempSync(join(tmpdir(), 'callboard-snmp-inventory-'));

describe('inventory', () => {
  it('reads a CSV inventory with quotes and defaults', () => {
    const file = join(dir, 'iads.csv');
    writeFileSync(file, 'device,address,credentials,customer,site,region,role,wan_if_index\n# comment\niad-0001,10.1.0.1,iads,"acme",nyc-01,east,iad,2\niad-0002,10.1.0.2:1161,iads,acme,nyc-02,east,iad,\n');
    const rows = readInventory(file);
    expect(rows).toEqual([
      { device: 'iad-0001', address: '10.1.0.1', credentials: 'iads', customer: 'acme', site: 'nyc-01', region: 'east', role: 'iad', wan_if_index: 2 },
      { device: 'iad-0002', address: '10.1.0.2:1161', credentials: 'iads', customer: 'acme', site: 'nyc-02', region: 'east', role: 'iad' },
    ]);
    expect(profilesOf(rows[0]!)).toEqual(['iad']);
    expect(splitAddress(rows[1]!.address)).toEqual({ host: '10.1.0.2', port: 1161 });
  });

  it('reads a YAML inventory, with profiles', () => {
    const file = join(dir, 'core.yaml');
    writeFileSync(file, '- device: core1\n  address: 10.0.0.1\n  role: core\n  profiles: if-mib+cisco-cpu-mem\n');
    const [row] = readInventory(file);
    expect(row).toMatchObject({ device: 'core1', credentials: 'default', region: '' });
    expect(profilesOf(row!)).toEqual(['if-mib', 'cisco-cpu-mem']);
    expect(profilesOf({ ...row!, profiles: undefined })).toEqual(['auto']);
  });

  it('names the row and field of a bad entry, and refuses tag values that would break line protocol', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'device,address,region\nok-1,10.0.0.1,east\nbad 2,10.0.0.2,east\n');
    expect(() => readInventory(file)).toThrow(/row 2: device/);
    writeFileSync(file, 'device,address,region\nok-1,10.0.0.1,"east,west"\n');
    expect(() => readInventory(file)).toThrow(/row 1: region/);
  });

  it('refuses a device listed twice', () => {
    const row = { device: 'a', address: 'x', credentials: 'default', customer: '', site: '', region: '', role: '' };
    expect(() => checkUnique([row, row])).toThrow('listed twice');
  });

  it('parses CSV quoting', () => {
    expect(parseCsv('a,b\n"x ""y""",z\n')).toEqual([{ a: 'x "y"', b: 'z' }]);
  });
});
