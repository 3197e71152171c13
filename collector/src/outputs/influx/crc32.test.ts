// @vitest-environment node
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';

/** The textbook bitwise CRC-32, to check the table-driven one against. */
function reference(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32', () => {
  it('has the standard check value and matches the bitwise definition on every length and offset', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const data = randomBytes(300);
    for (let start = 0; start < 9; start++)
      for (let end = start; end <= 300; end += 7) expect(crc32(data, start, end)).toBe(reference(data.subarray(start, end)));
  });
});
