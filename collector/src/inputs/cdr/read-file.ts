import { fstatSync, readSync } from 'node:fs';

const CHUNK_BYTES = 4 * 1024 * 1024;
const MIN_CHUNK_BYTES = 64 * 1024;

/**
 * Reads a file from `offset` in chunks, handing over text that ends on a line break; bytes after
 * the last "\n" (a line still being written) are left unread. Returns the offset after the last
 * complete line. Splitting on the 0x0A byte is safe in UTF-8: it never occurs inside a character.
 */
export function readCompleteLines(
  fd: number,
  offset: number,
  onText: (text: string, endOffset: number) => void,
  maxBytes = Infinity,
): number {
  const size = fstatSync(fd).size;
  // A batch limit smaller than the chunk size shrinks the chunks (a line must still fit in one).
  const chunkBytes = Math.max(MIN_CHUNK_BYTES, Math.min(CHUNK_BYTES, maxBytes));
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let position = offset;
  let carry = 0; // bytes of a partial line kept at the start of buffer
  while (position + carry < size && position - offset < maxBytes) {
    const want = Math.min(chunkBytes - carry, size - position - carry);
    const got = readSync(fd, buffer, carry, want, position + carry);
    if (got <= 0) break;
    const filled = carry + got;
    const lastBreak = buffer.lastIndexOf(10, filled - 1);
    if (lastBreak < 0) {
      if (filled === chunkBytes) throw new Error(`a line longer than ${chunkBytes} bytes at byte ${position}`);
      carry = filled;
      continue;
    }
    const text = buffer.toString('utf8', 0, lastBreak + 1);
    position += lastBreak + 1;
    onText(text, position);
    buffer.copy(buffer, 0, lastBreak + 1, filled);
    carry = filled - lastBreak - 1;
  }
  return position;
}
