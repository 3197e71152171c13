import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readCompleteLines, type LongLine } from './read-file.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function read(content: string, offset = 0, maxBytes = Infinity, longLines?: Array<{ bytes: number; limit: number; end: number }>) {
  dir = mkdtempSync(join(tmpdir(), 'callboard-read-file-'));
  const file = join(dir, 'cdr.log');
  writeFileSync(file, content);
  const fd = openSync(file, 'r');
  try {
    const pieces: Array<{ text: string; end: number }> = [];
    const onLongLine = longLines && ((l: LongLine, end: number) => void longLines.push({ bytes: l.bytes, limit: l.limit, end }));
    const end = readCompleteLines(fd, offset, (text, endOffset) => pieces.push({ text, end: endOffset }), maxBytes, onLongLine);
    return { end, pieces };
  } finally {
    closeSync(fd);
  }
}

describe('readCompleteLines', () => {
  it('hands over whole lines in pieces, in order, up to the last line break', () => {
    // Several MB: more than one read chunk and many pieces; one line is longer than a piece.
    const lines = Array.from({ length: 60_000 }, (_, i) => `${i}|${'x'.repeat(i % 300)}|é`);
    lines[1234] = 'y'.repeat(200_000);
    const content = `${lines.join('\n')}\npartial line without its break`;
    const { end, pieces } = read(content);
    expect(pieces.length).toBeGreaterThan(10);
    for (const p of pieces) expect(p.text.endsWith('\n')).toBe(true);
    const text = pieces.map((p) => p.text).join('');
    expect(text).toBe(`${lines.join('\n')}\n`);
    expect(end).toBe(Buffer.byteLength(text));
    // Each piece reports the byte offset after it.
    let offset = 0;
    for (const p of pieces) expect(p.end).toBe((offset += Buffer.byteLength(p.text)));
  });

  it('starts at an offset; an empty file gives nothing', () => {
    const content = 'aaaa\nbbbb\ncccc\ndddd\n';
    expect(read(content, 5).pieces.map((p) => p.text)).toEqual(['bbbb\ncccc\ndddd\n']);
    expect(read('', 0)).toEqual({ end: 0, pieces: [] });
  });

  it('skips a line longer than a read chunk in its place, past the batch limit; throws without a handler', () => {
    const long = 'z'.repeat(300_000);
    const content = `a\n${long}\nb\nc\n`;
    const longLines: Array<{ bytes: number; limit: number; end: number }> = [];
    const { end, pieces } = read(content, 0, 65_536, longLines);
    expect(longLines).toEqual([{ bytes: long.length + 1, limit: 65_536, end: 2 + long.length + 1 }]);
    expect(pieces.map((p) => p.text).join('')).toBe('a\nb\nc\n');
    expect(end).toBe(Buffer.byteLength(content));
    expect(() => read(content, 0, 65_536)).toThrow('a line longer than 65536 bytes at byte 2');
  });

  it('an over-long line still without its line break is left unread, from its start', () => {
    const longLines: Array<{ bytes: number; limit: number; end: number }> = [];
    const { end, pieces } = read(`a\n${'z'.repeat(200_000)}`, 0, 65_536, longLines);
    expect(longLines).toEqual([]);
    expect(pieces.map((p) => p.text)).toEqual(['a\n']);
    expect(end).toBe(2);
  });
});
