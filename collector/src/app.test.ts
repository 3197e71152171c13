import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Collector } from './app.js';
import { parseConfig } from './config.js';
import { freePort } from './devstack/ports.js';
import { memoryLogger } from './lib/test-logger.js';

describe('Collector lifecycle', () => {
  it('serves its own health while its source is unreachable, then stops API → inputs → sinks', async () => {
    const closedPort = await freePort('tcp');
    const config = parseConfig({
      stateDir: mkdtempSync(join(tmpdir(), 'callboard-app-')),
      api: { port: 0 },
      inputs: [{ type: 'kamailio', name: 'nowhere', url: `http://127.0.0.1:${closedPort}/RPC`, interval: '200ms', timeout: '100ms' }],
    });
    const { log, lines } = memoryLogger();
    const collector = new Collector(config, log);
    await collector.start();
    const url = collector.api.url;
    await new Promise((r) => setTimeout(r, 700));
    const snapshot = (await (await fetch(`${url}/api/v1/snapshot`)).json()) as { measurements: Record<string, { fields: Record<string, unknown> }[]> };
    const source = snapshot.measurements.callboard_source![0]!.fields;
    expect(source.up).toBe(0);
    expect(String(source.error)).toMatch(/ECONNREFUSED|no reply/);
    expect(snapshot.measurements.softswitch_calls).toBeUndefined(); // no data is not zero
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/callboard_input_polls_total\{input="nowhere",type="kamailio"\} [1-9]/);
    expect(metrics).toMatch(/callboard_input_poll_errors_total\{input="nowhere",type="kamailio"\} [1-9]/);
    expect(metrics).toContain('callboard_input_polls_skipped_total');
    await collector.stop();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    const messages = lines.map((l) => l.msg);
    expect(messages.indexOf('collector started')).toBeLessThan(messages.indexOf('collector stopped'));
  });
});
