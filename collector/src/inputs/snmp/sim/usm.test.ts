import { describe, expect, it } from 'vitest';
import { localizedKey } from './usm.js';

describe('USM keys', () => {
  // RFC 3414 A.3.1 / A.3.2: password "maplesyrup", engine ID 00 00 … 00 02.
  const engineId = Buffer.from('000000000000000000000002', 'hex');

  it('localizes a passphrase as RFC 3414 A.3 does (MD5 and SHA-1)', () => {
    expect(localizedKey('md5', 'maplesyrup', engineId).toString('hex')).toBe('526f5eed9fcce26f8964c2930787d82b');
    expect(localizedKey('sha1', 'maplesyrup', engineId).toString('hex')).toBe('6695febc9288e36282235fc7151f128497b38f3f');
  });

  it('refuses an empty passphrase', () => {
    expect(() => localizedKey('sha1', '', engineId)).toThrow(/empty/);
  });
});
