// Targets from the config and from an inventory file (CSV with a header line, or YAML list), so
// that 60,000 IADs are not written by hand. Each row names its credentials by reference; the
// secrets themselves live in the input's `credentials` map ({env}/{file} secrets).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { duration } from '../../lib/config-types.js';

const tagValue = z
  .string()
  .regex(/^[^,=\s"]*$/, 'no commas, equals signs, quotes or spaces')
  .default('');

export const inventoryRow = z.strictObject({
  device: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'expected letters, digits, "_", ".", ":" or "-"'),
  /** host or host:port */
  address: z.string().min(1),
  credentials: z.string().default('default'),
  customer: tagValue,
  site: tagValue,
  region: tagValue,
  role: tagValue,
  /** Profile names separated by spaces or "+", or "auto"; default: iad for role iad, else auto. */
  profiles: z.union([z.string(), z.array(z.string())]).optional(),
  /** The IAD's WAN ifIndex when known (saves the one-time ifType walk). */
  wan_if_index: z.coerce.number().int().positive().optional(),
  /** This device's request timeout ("3s", or ms), instead of the input's. */
  timeout: z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v), duration()).optional(),
  /** This device's retries after a timeout, instead of the input's. */
  retries: z.coerce.number().int().min(0).max(5).optional(),
});
export type InventoryRow = z.output<typeof inventoryRow>;

/** Minimal CSV: a header line, comma separated, optional double quotes (no embedded newlines). */
export function parseCsv(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const split = (line: string) => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') ((cell += '"'), i++);
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') (cells.push(cell.trim()), (cell = ''));
      else cell += c;
    }
    cells.push(cell.trim());
    return cells;
  };
  const header = split(lines[0] ?? '');
  return lines.slice(1).map((line) => {
    const cells = split(line);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']).filter(([, v]) => v !== ''));
  });
}

export class InventoryError extends Error {}

export function readInventory(file: string): InventoryRow[] {
  const text = readFileSync(file, 'utf8');
  const raw: unknown[] = /\.ya?ml$/i.test(file) ? ((parseYaml(text) as unknown[] | null) ?? []) : parseCsv(text);
  if (!Array.isArray(raw)) throw new InventoryError(`${file}: expected a list of devices`);
  return raw.map((row, i) => {
    const parsed = inventoryRow.safeParse(row);
    if (!parsed.success)
      throw new InventoryError(`${file}: row ${i + 1}: ${parsed.error.issues.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ')}`);
    return parsed.data;
  });
}

export function splitAddress(address: string, defaultPort = 161): { host: string; port: number } {
  const m = /^(.*?)(?::(\d+))?$/.exec(address.trim())!;
  return { host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort };
}

export function profilesOf(row: InventoryRow): string[] {
  if (row.profiles === undefined) return [row.role === 'iad' ? 'iad' : 'auto'];
  const list = Array.isArray(row.profiles) ? row.profiles : row.profiles.split(/[\s+]+/);
  return list.filter(Boolean);
}

/** Duplicate device names would merge two devices' series: refused. */
export function checkUnique(rows: readonly InventoryRow[]): void {
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.device)) throw new InventoryError(`device "${row.device}" is listed twice`);
    seen.add(row.device);
  }
}
