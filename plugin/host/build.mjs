// Bundles the preview host (React, @grafana/*, SystemJS) into host/out/host.js with esbuild.
// monaco-editor (pulled in by @grafana/ui's CodeEditor, 40 % of the bundle) is replaced by an
// empty module: the Callboard panel never renders a code editor.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out');
mkdirSync(out, { recursive: true });

const noMonaco = {
  name: 'no-monaco',
  setup(b) {
    b.onResolve({ filter: /^monaco-editor/ }, (args) => ({ path: args.path, namespace: 'no-monaco' }));
    b.onLoad({ filter: /.*/, namespace: 'no-monaco' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const started = Date.now();
await build({
  entryPoints: [join(here, 'host.tsx')],
  outfile: join(out, 'host.js'),
  bundle: true,
  format: 'iife',
  target: 'es2020',
  minify: true,
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  loader: { '.svg': 'file', '.png': 'file', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file' },
  plugins: [noMonaco],
  logLevel: 'error',
  logOverride: { 'invalid-package-json': 'silent' },
});
copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
console.log(`preview host built in ${Date.now() - started} ms → ${out}`);
