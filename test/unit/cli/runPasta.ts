// Runs the real `pasta` CLI in a child process: from source through tsx, or the esbuild bundle when asked.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after } from 'node:test';
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

/** `prefix`: a command that runs node, e.g. qemu-x86_64 -cpu Haswell-noTSX (test/helpers/qemu.ts). */
export function runPasta(
  args: string[],
  options: { cwd: string; entry?: Entry; input?: string; env?: Record<string, string>; prefix?: string[] },
): PastaResult {
  const entry = options.entry ?? 'source';
  const node = entry === 'source' ? ['--import', TSX, join(REPO, 'src', 'cli', 'main.ts')] : entry === 'bin' ? [BIN] : [entry.bundle];
  const [command, ...prefixArgs] = [...(options.prefix ?? []), process.execPath];
  const result = spawnSync(command, [...prefixArgs, ...node, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    input: options.input,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
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

/** Fresh workspace folders (with .pasta/ and an optional project.json) under one temp folder removed after the file's tests. */
export function tempWorkspaces(prefix: string): (project?: object) => string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(root, { recursive: true, force: true }));
  let counter = 0;
  return (project) => {
    const ws = join(root, `ws${counter++}`);
    mkdirSync(join(ws, '.pasta'), { recursive: true });
    if (project) writeFileSync(join(ws, '.pasta', 'project.json'), `${JSON.stringify(project, null, 2)}\n`);
    return ws;
  };
}
