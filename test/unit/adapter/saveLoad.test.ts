import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SafetensorsFile } from '../../../src/core/model/safetensors/safetensors.js';
import { createAdapterConfig, loadAdapter, PASTA_STUDIO_VERSION, saveAdapter, type AdapterTensors } from '../../../src/core/adapter/index.js';
import { fixtureConfig, fixtureTensors } from './adapterFixture.js';

const root = mkdtempSync(join(tmpdir(), 'pasta-adapter-'));
after(() => rmSync(root, { recursive: true, force: true }));

function bytesOf(tensors: AdapterTensors): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)]));
}

describe('saveAdapter / loadAdapter', () => {
  it('round trips the config and the exact tensor bytes, and writes only the two files', async () => {
    const dir = join(root, 'roundtrip', '.pasta', 'adapters', 'ner');
    const config = fixtureConfig();
    const tensors = fixtureTensors(config);
    await saveAdapter(dir, config, tensors);

    assert.deepEqual(readdirSync(dir).sort(), ['adapter_config.json', 'adapter_model.safetensors']);
    assert.deepEqual(readdirSync(join(dir, '..')), ['ner']);
    const loaded = await loadAdapter(dir);
    assert.equal(loaded.name, 'ner');
    assert.deepEqual(loaded.config, config);
    assert.deepEqual(bytesOf(loaded.tensors), bytesOf(tensors));
    assert.deepEqual(loaded.tensors.pasta_vectors.shape, [2, 2, 8]);
    assert.deepEqual(loaded.tensors['classifier.weight'].shape, [5, 8]);
    assert.deepEqual(loaded.tensors['classifier.bias'].shape, [5]);

    const file = await SafetensorsFile.open(join(dir, 'adapter_model.safetensors'));
    assert.deepEqual(file.names.sort(), ['classifier.bias', 'classifier.weight', 'pasta_vectors']);
    assert.ok(file.names.every((name) => file.info(name).dtype === 'F32'));
    assert.deepEqual(file.metadata, { format: 'pt' });
    await file.close();
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'adapter_config.json'), 'utf8')), config);
  });

  it('writes byte-identical files for identical input', async () => {
    const config = fixtureConfig({ task: 'SEQ_CLS', labels: ['ham', 'spam'] });
    const a = join(root, 'same', 'a');
    const b = join(root, 'same', 'b');
    await saveAdapter(a, config, fixtureTensors(config));
    await saveAdapter(b, config, fixtureTensors(config));
    for (const name of ['adapter_config.json', 'adapter_model.safetensors']) {
      assert.ok(readFileSync(join(a, name)).equals(readFileSync(join(b, name))), name);
    }
  });

  it('replaces an existing adapter and leaves nothing else behind', async () => {
    const dir = join(root, 'replace', 'ner');
    const config = fixtureConfig();
    await saveAdapter(dir, config, fixtureTensors(config, 1));
    const newer = fixtureTensors(config, 2);
    await saveAdapter(dir, config, newer);
    assert.deepEqual(bytesOf((await loadAdapter(dir)).tensors), bytesOf(newer));
    assert.deepEqual(readdirSync(join(root, 'replace')), ['ner']);
  });

  it('refuses to save tensors that do not match the config', async () => {
    const config = fixtureConfig();
    const tensors = fixtureTensors(config);
    tensors['classifier.bias'] = { shape: [4], data: new Float32Array(4) };
    const dir = join(root, 'refuse', 'ner');
    await assert.rejects(
      saveAdapter(dir, config, tensors),
      /adapter_model\.safetensors: cannot save: tensor 'classifier\.bias' has shape \[4\] but the config needs \[5\]/,
    );
    await assert.rejects(
      saveAdapter(dir, { ...config, peft_type: 'LORA' as 'PASTA' }, fixtureTensors(config)),
      /adapter_config\.json: peft_type must be "PASTA", found "LORA"/,
    );
    assert.equal(existsSync(join(root, 'refuse')), false);
  });
});

describe('a crash in the middle of replacing an adapter', () => {
  const crashChild = join(import.meta.dirname, 'crashingSave.ts');
  const runChild = (dir: string, seed: number, killAt: number) =>
    spawnSync(process.execPath, ['--import', 'tsx', crashChild, dir, String(seed), String(killAt)], { encoding: 'utf8' });

  it('leaves the old adapter or the new one, complete, whichever step it dies at', async () => {
    const config = fixtureConfig({ hidden: 64, layers: 4 });
    const old = bytesOf(fixtureTensors(config, 1));
    const fresh = bytesOf(fixtureTensors(config, 2));
    const clean = runChild(join(root, 'crash-count', 'ner'), 1, 0);
    assert.equal(clean.status, 0, clean.stderr);
    // First save into an empty parent: the config's rename, the weights' rename, temp -> ner.
    assert.equal(clean.stdout.trim(), 'steps 3');

    const outcomes: string[] = [];
    for (let killAt = 1; killAt <= 6; killAt++) {
      const dir = join(root, `crash-${killAt}`, 'ner');
      assert.equal(runChild(dir, 1, 0).status, 0);
      const crashed = runChild(dir, 2, killAt);
      const died = crashed.signal === 'SIGKILL';
      const loaded = bytesOf((await loadAdapter(dir)).tensors);
      const which = JSON.stringify(loaded) === JSON.stringify(old) ? 'old' : JSON.stringify(loaded) === JSON.stringify(fresh) ? 'new' : 'torn';
      outcomes.push(`${killAt}:${died ? 'killed' : 'finished'}:${which}`);
      // The next save cleans up whatever the crash left.
      await saveAdapter(dir, config, fixtureTensors(config, 3));
      assert.deepEqual(readdirSync(join(dir, '..')), ['ner'], `after a crash at step ${killAt}`);
    }
    // Steps of a replacement: rename config, rename weights, ner -> .ner.previous, temp -> ner, rm .ner.previous.
    assert.deepEqual(outcomes, ['1:killed:old', '2:killed:old', '3:killed:old', '4:killed:old', '5:killed:new', '6:finished:new']);
  });
});

describe('createAdapterConfig', () => {
  it('fills shapes from the base signature and label maps from the labels, and saves as is', async () => {
    const base = fixtureConfig().base_model_fingerprint;
    const config = createAdapterConfig({
      task: 'TOKEN_CLS',
      baseModel: 'all-MiniLM-L6-v2',
      fingerprint: base,
      specialTokenSlots: ['[CLS]', '[SEP]'],
      labels: ['person', 'location'],
      trainingDataFingerprint: `sha256:${'cd'.repeat(32)}`,
      metrics: fixtureConfig().metrics,
      hyperparameters: fixtureConfig().hyperparameters,
      created: new Date('2026-11-30T04:30:00.000Z'),
    });
    assert.deepEqual(config, { ...fixtureConfig(), pasta_studio_version: PASTA_STUDIO_VERSION });
    assert.match(PASTA_STUDIO_VERSION, /^\d+\.\d+\.\d+/);
    const dir = join(root, 'created', 'ner');
    await saveAdapter(dir, config, fixtureTensors(config));
    assert.deepEqual((await loadAdapter(dir)).config, config);
  });
});
