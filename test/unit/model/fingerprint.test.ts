import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeSignatureMismatch, fingerprintBaseModel, hashWeightFiles, shapeSignature } from '../../../src/core/model/fingerprint.js';
import { loadModelFolder } from '../../../src/core/model/modelFolder.js';
import { tinyConfig, writeTinyModel } from '../../helpers/tinyModel.js';
import { withTempDir } from './craftSafetensors.js';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

test('one weight file: the fingerprint is its plain sha256, cached under fingerprints/', async () => {
  await withTempDir(async (dir) => {
    const cacheDir = join(dir, 'cache');
    const model = await writeTinyModel(join(dir, 'model'), 'bert');
    const { config, files } = await loadModelFolder(model.dir);
    const fingerprint = await fingerprintBaseModel(config, files, { cacheDir });
    assert.equal(fingerprint.sha256, `sha256:${sha256(await readFile(files[0]))}`);
    assert.deepEqual(fingerprint.signature, { model_type: 'bert', hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, vocab_size: 112 });
    assert.equal((await readdir(join(cacheDir, 'fingerprints'))).length, 1);
  });
});

test('the cache answers while (path, size, mtime) hold, and is bypassed when the file changes', async () => {
  await withTempDir(async (dir) => {
    const cacheDir = join(dir, 'cache');
    const file = join(dir, 'w.safetensors');
    await writeFile(file, 'first');
    const first = await hashWeightFiles([file], { cacheDir });
    assert.equal(first, `sha256:${sha256('first')}`);

    // Poison the cache entry: a hit must return what the cache says, proving the file was not re-read.
    const [entryName] = await readdir(join(cacheDir, 'fingerprints'));
    const entryPath = join(cacheDir, 'fingerprints', entryName);
    const entry = JSON.parse(await readFile(entryPath, 'utf8'));
    await writeFile(entryPath, JSON.stringify({ ...entry, sha256: 'a'.repeat(64) }));
    assert.equal(await hashWeightFiles([file], { cacheDir }), `sha256:${'a'.repeat(64)}`);

    // Same size, new content and mtime: a new key, so the file is hashed again.
    await writeFile(file, 'other');
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    assert.equal(await hashWeightFiles([file], { cacheDir }), `sha256:${sha256('other')}`);

    // A damaged entry is recomputed, not trusted.
    for (const name of await readdir(join(cacheDir, 'fingerprints'))) await writeFile(join(cacheDir, 'fingerprints', name), '{not json');
    assert.equal(await hashWeightFiles([file], { cacheDir }), `sha256:${sha256('other')}`);
  });
});

test('shards: sha256 of a sha256sum-style manifest in name order, whatever order the files are given in', async () => {
  await withTempDir(async (dir) => {
    const cacheDir = join(dir, 'cache');
    const model = await writeTinyModel(join(dir, 'model'), 'roberta', { shards: 2 });
    const [a, b] = model.files;
    const manifest = `${sha256(await readFile(a))}  model-00001-of-00002.safetensors\n${sha256(await readFile(b))}  model-00002-of-00002.safetensors\n`;
    assert.equal(await hashWeightFiles([b, a], { cacheDir }), `sha256:${sha256(manifest)}`);
    assert.equal(await hashWeightFiles([a, b], { cacheDir }), `sha256:${sha256(manifest)}`);
  });
});

test('an unwritable cache only costs a re-hash; a missing file is a one-line error', async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, 'w.safetensors');
    await writeFile(file, 'x');
    const blocker = join(dir, 'blocker');
    await writeFile(blocker, 'a file where the cache folder should be');
    assert.equal(await hashWeightFiles([file], { cacheDir: blocker }), `sha256:${sha256('x')}`);
    await assert.rejects(hashWeightFiles([join(dir, 'absent')], { cacheDir: blocker }), { name: 'InputError', message: `${join(dir, 'absent')}: not found` });
  });
});

test('shape signatures explain precisely how two base models differ', () => {
  const bert = shapeSignature(tinyConfig('bert'));
  assert.equal(describeSignatureMismatch(bert, bert), undefined);
  const wider = shapeSignature(tinyConfig('bert', { hiddenSize: 64, numLayers: 3 }));
  assert.equal(
    describeSignatureMismatch(bert, wider),
    'base model has hidden_size 64 where the adapter expects 32, num_hidden_layers 3 where the adapter expects 2',
  );
  assert.match(
    describeSignatureMismatch(bert, shapeSignature(tinyConfig('roberta')))!,
    /^base model has model_type roberta where the adapter expects bert, vocab_size 293 where the adapter expects 112$/,
  );
});
