import { describe, expect, it } from 'vitest';
import { CdrFileReader, newReadOutput } from './reader.js';
import { Zone } from './zone.js';

const utc = new Zone('UTC');
const FS = (uuid: string, bleg: string) => `"n","1001","1002","default","2023-10-10 23:44:11","2023-10-10 23:44:13","2023-10-10 23:44:19","8","6","NORMAL_CLEARING","${uuid}","${bleg}","","PCMA","PCMA"`;

describe('CdrFileReader', () => {
  it('numbers lines as in the file (CRLF, blank lines, a byte-order mark) for quarantine', () => {
    const reader = new CdrFileReader('/x/acc_cdrs_1.log', { format: 'auto', sourceZone: utc }, 60_000);
    const out = newReadOutput();
    reader.feed('\ufeff1795621534|1795621538|4.0|a|b|gw\r\n\r\nnot a cdr\r\n1795621534|1795621538|x|a|b|gw\n', out);
    expect(out.calls).toHaveLength(1);
    expect(out.rejected).toEqual([
      { file: '/x/acc_cdrs_1.log', line: 3, reason: expect.stringContaining('expected "|"-separated'), text: 'not a cdr' },
      { file: '/x/acc_cdrs_1.log', line: 4, reason: 'field 3 (duration): not seconds: "x"', text: '1795621534|1795621538|x|a|b|gw' },
    ]);
    expect(reader.state().line).toBe(4);
  });

  it('carries a call whose B-leg has not arrived yet across a restart (state)', () => {
    const first = new CdrFileReader('f', { format: 'auto', sourceZone: utc }, 60_000);
    const out = newReadOutput();
    first.feed(`${FS('aaaaaaaa-0000-4000-8000-000000000001', '')}\n`, out);
    expect(out.calls).toHaveLength(0);
    const resumed = new CdrFileReader('f', { format: 'auto', sourceZone: utc }, 60_000, JSON.parse(JSON.stringify(first.state())));
    expect(resumed.format).toBe('freeswitch');
    resumed.feed(`${FS('bbbbbbbb-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000001')}\n`, out);
    resumed.closeBefore(Infinity, out);
    expect(out.calls).toHaveLength(1);
    expect(out.calls[0]).toMatchObject({ id: 'aaaaaaaa-0000-4000-8000-000000000001', billableMs: 6000 });
    expect(out.calls[0]!.pointTime).toBe(Date.parse('2023-10-10T23:44:19Z'));
  });
});
