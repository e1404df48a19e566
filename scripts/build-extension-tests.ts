// Prepares the extension-host suite for desktop VS Code: bundles it twice (a Mocha file for @vscode/test-cli,
// and run() for the "Extension Tests" launch configuration) and writes the workspace it expects.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { NOTES_TEXT } from '../test/extension/workspaceFixture.js';

const OUT = join('.test-artifacts', 'extension-suite');

const bundle = (entry: string, outfile: string) =>
  build({
    entryPoints: [entry],
    outfile: join(OUT, outfile),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });

async function main(): Promise<void> {
  await Promise.all([bundle('test/extension/desktop.test.ts', 'desktop.test.js'), bundle('test/extension/suite.ts', 'suite.js')]);
  mkdirSync(join(OUT, 'workspace'), { recursive: true });
  writeFileSync(join(OUT, 'workspace', 'notes.txt'), NOTES_TEXT);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
