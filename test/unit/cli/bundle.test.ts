// The CLI bundled by esbuild behaves as the source does: a fresh bundle built here with the options of
// scripts/build.mjs, and dist/cli.js through bin/pasta.cjs when `npm run build` has made it from the current source.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { BUNDLE, bundleIsFresh, REPO, runPasta, type Entry } from './runPasta.js';
import { skipIfMissing } from '../../helpers/requirements.js';

const ws = mkdtempSync(join(tmpdir(), 'pasta-cli-bundle-'));
// Inside the repository (and git-ignored), so that the bundle finds onnxruntime-node, which stays external.
const artifacts = join(REPO, '.test-artifacts', `cli-bundle-${process.pid}`);
const fresh = join(artifacts, 'cli.js');
after(() => {
  rmSync(ws, { recursive: true, force: true });
  rmSync(artifacts, { recursive: true, force: true });
});

before(async () => {
  await build({
    entryPoints: [join(REPO, 'src', 'cli', 'main.ts')],
    outfile: fresh,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'onnxruntime-node'],
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "var importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'error',
  });
});

function checks(entry: () => Entry) {
  it('prints the same help as the source', () => {
    const bundled = runPasta(['--help'], { cwd: ws, entry: entry() });
    assert.equal(bundled.stderr, '');
    assert.equal(bundled.status, 0);
    assert.equal(bundled.stdout, runPasta(['--help'], { cwd: ws }).stdout);
    assert.equal(runPasta(['export', '--help'], { cwd: ws, entry: entry() }).stdout, runPasta(['export', '--help'], { cwd: ws }).stdout);
  });

  it('imports, lists adapters and reports bad input with exit 1', () => {
    const dir = mkdtempSync(join(ws, 'w'));
    mkdirSync(join(dir, '.pasta'), { recursive: true });
    writeFileSync(join(dir, 'train.conll'), 'Alice\tB-person\nslept\tO\n');
    const imported = runPasta(['import', 'train.conll'], { cwd: dir, entry: entry() });
    assert.equal(imported.status, 0, imported.stderr);
    assert.equal(
      readFileSync(join(dir, '.pasta', 'datasets', 'train.jsonl'), 'utf8'),
      '{"text":"Alice slept","spans":[{"start":0,"end":5,"label":"person"}]}\n',
    );
    assert.equal(runPasta(['adapters'], { cwd: dir, entry: entry() }).status, 0);
    writeFileSync(join(dir, 'bad.conll'), 'Alice\tI-person\n');
    const bad = runPasta(['import', 'bad.conll'], { cwd: dir, entry: entry() });
    assert.equal(bad.stderr, `error: ${join(dir, 'bad.conll')}:1: tag "I-person" follows "O": I-person must continue a person entity\n`);
    assert.equal(bad.status, 1);
  });
}

describe('a fresh esbuild bundle of src/cli/main.ts', () => checks(() => ({ bundle: fresh })));

describe('bin/pasta.cjs with dist/cli.js', { skip: skipIfMissing(!bundleIsFresh() && `${BUNDLE} is missing or older than src/; run npm run build`) }, () =>
  checks(() => 'bin'),
);
