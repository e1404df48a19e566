// Runs the real `pasta` CLI in a child process: from source through tsx, or the esbuild bundle when asked.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const REPO = join(import.meta.dirname, '../../..');
export const BUNDLE = join(REPO, 'dist', 'cli.js');
export const BIN = join(REPO, 'bin', 'pasta.cjs');
/** tsx by URL, so that the CLI can run with its working folder outside the repository. */
const TSX = pathToFileURL(createRequire(join(REPO, 'package.json')).resolve('tsx')).href;

export interface PastaResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The source through tsx, bin/pasta.cjs (which loads dist/cli.js), or a bundle file. */
export type Entry = 'source' | 'bin' | { bundle: string };

export function runPasta(args: string[], options: { cwd: string; entry?: Entry; input?: string }): PastaResult {
  const entry = options.entry ?? 'source';
  const node = entry === 'source' ? ['--import', TSX, join(REPO, 'src', 'cli', 'main.ts')] : entry === 'bin' ? [BIN] : [entry.bundle];
  const result = spawnSync(process.execPath, [...node, ...args], { cwd: options.cwd, encoding: 'utf8', input: options.input, env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** dist/cli.js exists and is newer than every source file it bundles. */
export function bundleIsFresh(): boolean {
  if (!existsSync(BUNDLE)) return false;
  const built = statSync(BUNDLE).mtimeMs;
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  return built >= newest(join(REPO, 'src'));
}
