import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

// Helpers for the CDR tests in test/cdr-*.test.ts.
export const ROOT = join(import.meta.dirname, '..', '..', '..', '..', '..');
export const FIXTURES = join(ROOT, '..', 'shared', 'fixtures', 'cdr');
export const ENTRY = join(import.meta.dirname, 'cli-entry.ts');
export const RUN_INPUT = join(import.meta.dirname, 'run-input.ts');

/** Runs `callboard <args>` (the cdr and sim commands) as a child process; returns its exit code and output. */
export function callboard(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function callboardJson<T>(...args: string[]): T {
  const result = callboard(...args);
  if (result.status !== 0) throw new Error(`callboard ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export interface DayTotals {
  day: string;
  calls: number;
  answered: number;
  minutes: number;
  billableSeconds: number;
  hours?: number;
  byClass: Record<string, { calls: number; answered: number; minutes: number }>;
}

export interface ImportJson {
  days: DayTotals[];
  rejected: number;
  files: { file: string; format: string | null; lines: number; calls: number; rejected: number; skipped: number }[];
}

export interface SimJson {
  days: DayTotals[];
  files: string[];
  dialPlan: string;
}

/** A deliberately plain RFC 4180 line splitter for the tests' own arithmetic (not the one under test). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  const re = /("((?:[^"]|"")*)"|[^,]*)(,|$)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    fields.push(m[2] !== undefined ? m[2].replace(/""/g, '"') : m[1]!);
    if (m[3] === '') break;
  }
  return fields;
}
