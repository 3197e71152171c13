// Writes dashboards/<name>.json from dashboards.ts: `npx tsx dashboards/src/build.ts`.
// test/dashboards-json.test.ts fails when a committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboards } from './dashboards.js';

export const DASHBOARDS_DIR = join(import.meta.dirname, '..');

export function renderDashboard(json: unknown): string {
  return `${JSON.stringify(json, null, 2)}\n`;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  for (const [name, json] of Object.entries(buildDashboards())) {
    writeFileSync(join(DASHBOARDS_DIR, `${name}.json`), renderDashboard(json));
    process.stdout.write(`dashboards/${name}.json\n`);
  }
}
