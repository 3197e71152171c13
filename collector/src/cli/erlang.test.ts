import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/callboard.mjs', import.meta.url).pathname;
const callboard = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('callboard erlang', () => {
  it('prints exactly one JSON object for circuits needed and for blocking', () => {
    const needed = callboard('erlang', '--traffic', '8.108', '--gos', '0.01', '--json');
    expect(needed.status).toBe(0);
    const parsed = JSON.parse(needed.stdout);
    expect(Object.keys(parsed).sort()).toEqual(['blocking', 'circuits']);
    expect(parsed.circuits).toBe(15);
    expect(parsed.blocking).toBeCloseTo(0.01, 4);
    const blocking = JSON.parse(callboard('erlang', '--traffic', '8.108', '--circuits', '15', '--json').stdout);
    expect(blocking).toEqual({ blocking: parsed.blocking });
  });

  it('names the problem and exits 2 on bad arguments', () => {
    const bad = callboard('erlang', '--traffic', 'lots', '--gos', '0.01');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('traffic must be a finite number');
    expect(callboard('erlang', '--traffic', '3').stderr).toContain('give --gos P');
  });
});
