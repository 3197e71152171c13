import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code and run in parallel; test/ holds cross-component tests against
// real InfluxDB, Kamailio and SIPp, which run one file at a time so their timing is not disturbed.
export default defineConfig({
  test: {
    // The JSON report lets .ci/run print one plain "N passed, N failed" line at the end.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-artifacts/results.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['collector/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        // The Grafana panel: @grafana/* ship ESM that imports CSS and CommonJS named exports, so all of
        // it is inlined (transformed by vite) rather than loaded by Node; jsdom for the components.
        test: {
          name: 'plugin',
          include: ['plugin/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['plugin/src/testing/vitest.setup.ts'],
          server: { deps: { inline: [/@grafana\//] } },
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
