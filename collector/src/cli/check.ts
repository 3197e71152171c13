import { ConfigError, loadConfig } from '../config.js';

/** `callboard check`: validates config files like `promtool check config`; exit 0 when all are valid. */
export function checkCommand(files: string[], options: { json?: boolean }): number {
  const results = files.map((file) => {
    try {
      const config = loadConfig(file);
      return { file, valid: true, inputs: config.inputs.length, problems: [] as readonly string[] };
    } catch (error) {
      if (error instanceof ConfigError) return { file, valid: false, inputs: 0, problems: error.problems };
      throw error;
    }
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ valid: results.every((r) => r.valid), files: results })}\n`);
  } else {
    for (const r of results) {
      if (r.valid) process.stdout.write(`${r.file}: OK (${r.inputs} input${r.inputs === 1 ? '' : 's'})\n`);
      else process.stderr.write(`${r.file}: INVALID\n${r.problems.map((p) => `  ${p}\n`).join('')}`);
    }
  }
  return results.every((r) => r.valid) ? 0 : 1;
}
