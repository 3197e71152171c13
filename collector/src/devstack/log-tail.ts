// The end of a service's log file, for error messages: when a service fails to come up
// the reason is nearly always in its last lines, and a test report should show it
// without anyone having to find the temp dir.
import { open } from 'node:fs/promises';

export async function logTail(file: string, maxLines = 30, maxBytes = 16_384): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return `(no log file ${file})`;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-maxLines).join('\n');
  } finally {
    await handle.close();
  }
}
