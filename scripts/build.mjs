#!/usr/bin/env node
// Bundles the extension host code, the CLI and the webview apps with esbuild.
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const nodeTargets = [
  { entry: 'src/extension/extension.ts', out: 'dist/extension.js' },
  { entry: 'src/cli/main.ts', out: 'dist/cli.js' },
  { entry: 'src/extension/trainingWorker.ts', out: 'dist/trainingWorker.js' },
].filter((t) => existsSync(t.entry));

const webviewApps = existsSync('webview')
  ? readdirSync('webview', { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join('webview', d.name, 'main.ts')))
      .map((d) => ({ entry: join('webview', d.name, 'main.ts'), out: join('dist', 'webview', `${d.name}.js`) }))
  : [];

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

await Promise.all([
  ...nodeTargets.map((t) =>
    build({
      ...common,
      entryPoints: [t.entry],
      outfile: t.out,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', 'onnxruntime-node'],
    }),
  ),
  ...webviewApps.map((t) =>
    build({ ...common, entryPoints: [t.entry], outfile: t.out, platform: 'browser', format: 'iife', target: 'es2022' }),
  ),
]);
if (watch) console.log('watch mode is not implemented; rerun npm run build');
