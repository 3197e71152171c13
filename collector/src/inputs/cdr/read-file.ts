import { fstatSync, readSync } from 'node:fs';

const CHUNK_BYTES = 4 * 1024 * 1024;
const MIN_CHUNK_BYTES = 64 * 1024;
/**
 * Text is handed over in pieces of about this size (whole lines), however much was read at once:
 * what the caller builds from one piece (calls, points) is then short-lived, and the garbage
 * collector's young generation frees it instead of copying a whole chunk's worth of objects.
 */
const PIECE_BYTES = 64 * 1024;

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
    let from = 0;
    while (from <= lastBreak) {
      let to = lastBreak + 1;
      if (to - from > PIECE_BYTES) {
        const cut = buffer.lastIndexOf(10, from + PIECE_BYTES - 1);
        to = cut >= from ? cut + 1 : buffer.indexOf(10, from + PIECE_BYTES) + 1;
      }
      const text = buffer.toString('utf8', from, to);
      position += to - from;
      from = to;
      onText(text, position);
    }
    buffer.copy(buffer, 0, lastBreak + 1, filled);
    carry = filled - lastBreak - 1;
  }
  return position;
}
