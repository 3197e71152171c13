import { fstatSync, readSync } from 'node:fs';

const CHUNK_BYTES = 4 * 1024 * 1024;
/** The longest line that can be read: a longer one is reported through `onLongLine` instead. */
export const MAX_LINE_BYTES = CHUNK_BYTES;
const MIN_CHUNK_BYTES = 64 * 1024;
/**
 * Text is handed over in pieces of about this size (whole lines), however much was read at once:
 * what the caller builds from one piece (calls, points) is then short-lived, and the garbage
 * collector's young generation frees it instead of copying a whole chunk's worth of objects.
 */
const PIECE_BYTES = 64 * 1024;

/** A line that does not fit in one read chunk: its first bytes, its length and the limit it broke. */
export interface LongLine {
  head: string;
  bytes: number;
  limit: number;
}

/** Bytes of an over-long line kept for the report (the file and line number find the rest). */
export const LONG_LINE_HEAD_BYTES = 2000;

/**
 * Reads a file from `offset` in chunks, handing over text that ends on a line break; bytes after
 * the last "\n" (a line still being written) are left unread. Returns the offset after the last
 * complete line. Splitting on the 0x0A byte is safe in UTF-8: it never occurs inside a character.
 * A line longer than a chunk goes to `onLongLine` in its place among the pieces (and is skipped),
 * once its line break is in; without `onLongLine` it throws.
 */
export function readCompleteLines(
  fd: number,
  offset: number,
  onText: (text: string, endOffset: number) => void,
  maxBytes = Infinity,
  onLongLine?: (line: LongLine, endOffset: number) => void,
): number {
  const size = fstatSync(fd).size;
  // A batch limit smaller than the chunk size shrinks the chunks (a line must still fit in one).
  const chunkBytes = Math.max(MIN_CHUNK_BYTES, Math.min(CHUNK_BYTES, maxBytes));
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let position = offset;
  let carry = 0; // bytes of a partial line kept at the start of buffer
  let long: { start: number; head: string } | undefined; // an over-long line being skipped (buffer holds its continuation)
  // Skipping goes past the batch limit: the line would otherwise start every batch again, for ever.
  while (position + carry < size && (long || position - offset < maxBytes)) {
    const want = Math.min(chunkBytes - carry, size - position - carry);
    const got = readSync(fd, buffer, carry, want, position + carry);
    if (got <= 0) break;
    const filled = carry + got;
    let from = 0;
    if (long) {
      const lineEnd = buffer.indexOf(10);
      if (lineEnd < 0 || lineEnd >= filled) {
        position += filled;
        carry = 0;
        continue;
      }
      position += lineEnd + 1;
      from = lineEnd + 1;
      onLongLine!({ head: long.head, bytes: position - long.start, limit: chunkBytes }, position);
      long = undefined;
    }
    const lastBreak = buffer.lastIndexOf(10, filled - 1);
    if (lastBreak < from) {
      if (filled - from === chunkBytes) {
        if (!onLongLine) throw new Error(`a line longer than ${chunkBytes} bytes at byte ${position}`);
        long = { start: position, head: buffer.toString('utf8', 0, LONG_LINE_HEAD_BYTES) };
        position += filled;
        carry = 0;
        continue;
      }
      buffer.copy(buffer, 0, from, filled);
      carry = filled - from;
      continue;
    }
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
  // An over-long line whose break is not written yet: read again from its start next time.
  return long ? long.start : position;
}
