#!/usr/bin/env node
// Bundles the extension host code, the CLI and the webview apps with esbuild. With --watch, keeps one esbuild
// context per bundle and rebuilds on change, printing the lines the $esbuild-watch problem matcher reads.
import { build, context } from 'esbuild';
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

const bundles = [
  ...nodeTargets.map((t) => ({
    ...common,
    entryPoints: [t.entry],
    outfile: t.out,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'onnxruntime-node'],
    // ESM dependencies (fdir, through tinyglobby) call createRequire(import.meta.url), which a CommonJS bundle lacks.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "var importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  })),
  ...webviewApps.map((t) => ({ ...common, entryPoints: [t.entry], outfile: t.out, platform: 'browser', format: 'iife', target: 'es2022' })),
];

/** Reports each rebuild in the format of the esbuild problem matchers (connor4312.esbuild-problem-matchers). */
const problemMatcher = {
  name: 'problem-matcher',
  setup(b) {
    b.onStart(() => console.log('[watch] build started'));
    b.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

if (watch) {
  const contexts = await Promise.all(bundles.map((options) => context({ ...options, plugins: [problemMatcher] })));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(bundles.map((options) => build(options)));
}
