import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../src/core/data/types.js';
import type { ModelFamily, WeightMap } from '../../../src/core/model/types.js';
import { loadModelFolder } from '../../../src/core/model/modelFolder.js';
import { SafetensorsFile } from '../../../src/core/model/safetensors/safetensors.js';
import { writeSafetensors, type TensorToWrite } from '../../../src/core/model/safetensors/safetensorsWriter.js';
import { expectedWeights } from '../../../src/core/model/weights.js';
import { tinyConfig, writeTinyModel } from '../../helpers/tinyModel.js';
import { parseEncoderConfig } from '../../../src/core/model/config.js';
import { withTempDir } from './craftSafetensors.js';

const FAMILIES: ModelFamily[] = ['bert', 'roberta', 'xlm-roberta', 'distilbert', 'electra', 'deberta-v2', 'modernbert'];

function assertSameWeights(actual: WeightMap, expected: WeightMap): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [name, tensor] of expected) {
    assert.deepEqual(actual.get(name)!.shape, tensor.shape, name);
    assert.deepEqual(actual.get(name)!.data, tensor.data, name);
  }
}

async function rewriteWeights(path: string, edit: (tensors: Map<string, TensorToWrite>) => void): Promise<void> {
  const file = await SafetensorsFile.open(path);
  const tensors = new Map<string, TensorToWrite>();
  for (const name of file.names) tensors.set(name, { dtype: file.info(name).dtype, shape: file.info(name).shape, bytes: await file.readBytes(name) });
  await file.close();
  edit(tensors);
  await writeSafetensors(path, tensors);
}

async function rejectsWith(dir: string, pattern: RegExp): Promise<void> {
  await assert.rejects(loadModelFolder(dir), (error: unknown) => {
    assert.ok(error instanceof InputError, String(error));
    assert.ok(!error.message.includes('\n'));
    assert.match(error.message, pattern);
    return true;
  });
}

for (const family of FAMILIES) {
  test(`${family}: a prefixed checkpoint with pre-training heads loads the encoder weights under their HF names`, async () => {
    await withTempDir(async (dir) => {
      const model = await writeTinyModel(dir, family);
      const loaded = await loadModelFolder(dir);
      assert.deepEqual(loaded.config, model.config);
      assert.deepEqual(loaded.files, [join(dir, 'model.safetensors')]);
      assertSameWeights(loaded.weights, model.weights);
      const names = [...loaded.weights.keys()];
      assert.ok(
        !names.some((n) => /^(bert|roberta|distilbert|electra|deberta|model)\.|^(cls|lm_head|lm_predictions|vocab_|discriminator_|head\.|decoder\.)/.test(n)),
        names.join(' '),
      );
    });
  });

  test(`${family}: unprefixed, sharded BF16 checkpoint with gamma/beta names`, async () => {
    await withTempDir(async (dir) => {
      const model = await writeTinyModel(dir, family, { prefix: false, shards: 3, dtype: 'BF16', legacyLayerNormNames: true, seed: 7 });
      const loaded = await loadModelFolder(dir);
      assert.equal(loaded.files.length, 3);
      assertSameWeights(loaded.weights, model.weights);
    });
  });
}

test('expected weight names and shapes follow transformers (BERT layer, DistilBERT layer, ELECTRA projection)', () => {
  const bert = new Map(expectedWeights(tinyConfig('bert')).map((w) => [w.name, w]));
  assert.deepEqual(bert.get('encoder.layer.1.attention.self.query.weight'), {
    name: 'encoder.layer.1.attention.self.query.weight',
    shape: [32, 32],
    optional: false,
  });
  assert.deepEqual(bert.get('encoder.layer.1.intermediate.dense.weight')!.shape, [64, 32]);
  assert.deepEqual(bert.get('encoder.layer.1.output.dense.weight')!.shape, [32, 64]);
  assert.deepEqual(bert.get('embeddings.token_type_embeddings.weight')!.shape, [2, 32]);
  assert.equal(bert.get('pooler.dense.weight')!.optional, true);
  assert.equal(bert.size, 5 + 2 * 16 + 2);

  const distil = new Map(expectedWeights(tinyConfig('distilbert')).map((w) => [w.name, w]));
  for (const name of [
    'transformer.layer.0.attention.q_lin.weight',
    'transformer.layer.0.sa_layer_norm.bias',
    'transformer.layer.1.ffn.lin1.weight',
    'transformer.layer.1.ffn.lin2.weight',
    'transformer.layer.1.output_layer_norm.weight',
  ]) {
    assert.ok(distil.has(name), name);
  }
  assert.ok(!distil.has('embeddings.token_type_embeddings.weight'));
  assert.ok(!distil.has('pooler.dense.weight'));

  const electra = new Map(expectedWeights(tinyConfig('electra')).map((w) => [w.name, w]));
  assert.deepEqual(electra.get('embeddings.word_embeddings.weight')!.shape, [112, 16]);
  assert.deepEqual(electra.get('embeddings_project.weight')!.shape, [32, 16]);
  assert.ok(!expectedWeights(tinyConfig('electra', { embeddingSize: 32 })).some((w) => w.name.startsWith('embeddings_project')));
});

test('DeBERTa-v2/v3 weights: relative embeddings of 2 x position_buckets rows, shared or own position projections', () => {
  const v3 = new Map(expectedWeights(tinyConfig('deberta-v2')).map((w) => [w.name, w]));
  assert.deepEqual(v3.get('encoder.rel_embeddings.weight')!.shape, [16, 32]);
  assert.deepEqual(v3.get('encoder.LayerNorm.weight')!.shape, [32]);
  assert.deepEqual(v3.get('encoder.layer.1.attention.self.query_proj.weight')!.shape, [32, 32]);
  assert.ok(!v3.has('embeddings.position_embeddings.weight'));
  assert.ok(!v3.has('embeddings.token_type_embeddings.weight'));
  assert.ok(![...v3.keys()].some((name) => name.includes('pos_key_proj') || name.includes('pos_query_proj')));
  assert.equal(v3.size, 1 + 2 + 2 + 2 * 16 + 1);

  const raw = {
    ...tinyConfig('deberta-v2').raw,
    share_att_key: false,
    position_buckets: -1,
    max_relative_positions: 6,
    position_biased_input: true,
    type_vocab_size: 2,
    embedding_size: 16,
    norm_rel_ebd: 'none',
  };
  const v2 = new Map(expectedWeights(parseEncoderConfig(raw)).map((w) => [w.name, w]));
  assert.deepEqual(v2.get('encoder.rel_embeddings.weight')!.shape, [12, 32]);
  assert.deepEqual(v2.get('encoder.layer.0.attention.self.pos_key_proj.weight')!.shape, [32, 32]);
  assert.deepEqual(v2.get('encoder.layer.0.attention.self.pos_query_proj.bias')!.shape, [32]);
  assert.deepEqual(v2.get('embeddings.embed_proj.weight')!.shape, [32, 16]);
  assert.ok(!v2.has('embeddings.embed_proj.bias'));
  assert.deepEqual(v2.get('embeddings.position_embeddings.weight')!.shape, [64, 16]);
  assert.ok(!v2.has('encoder.LayerNorm.weight'));
});

test('a DeBERTa checkpoint whose relative embeddings disagree with position_buckets is refused naming both', async () => {
  await withTempDir(async (dir) => {
    await writeTinyModel(dir, 'deberta-v2');
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, position_buckets: 16 }));
    await rejectsWith(dir, /model\.safetensors: weight 'deberta\.encoder\.rel_embeddings\.weight' has shape \[16, 32\] but .*config\.json implies \[32, 32\]$/);
  });
});

test('ModernBERT weights: fused Wqkv and Wi, no attn_norm on layer 0, biases only where the config has them', () => {
  const plain = new Map(expectedWeights(tinyConfig('modernbert')).map((w) => [w.name, w]));
  assert.deepEqual(plain.get('embeddings.tok_embeddings.weight')!.shape, [112, 32]);
  assert.deepEqual(plain.get('layers.0.attn.Wqkv.weight')!.shape, [96, 32]);
  assert.deepEqual(plain.get('layers.2.mlp.Wi.weight')!.shape, [128, 32]);
  assert.deepEqual(plain.get('layers.2.mlp.Wo.weight')!.shape, [32, 64]);
  assert.ok(!plain.has('layers.0.attn_norm.weight'));
  assert.ok(plain.has('layers.1.attn_norm.weight') && plain.has('final_norm.weight'));
  assert.ok(![...plain.keys()].some((name) => name.endsWith('.bias')));
  const biased = parseEncoderConfig({ ...tinyConfig('modernbert').raw, norm_bias: true, attention_bias: true, mlp_bias: true });
  const names = new Set(expectedWeights(biased).map((w) => w.name));
  for (const name of [
    'embeddings.norm.bias',
    'layers.1.attn_norm.bias',
    'layers.0.attn.Wqkv.bias',
    'layers.0.attn.Wo.bias',
    'layers.0.mlp.Wi.bias',
    'final_norm.bias',
  ])
    assert.ok(names.has(name), name);
});

test('the pooler is optional', async () => {
  await withTempDir(async (dir) => {
    await writeTinyModel(dir, 'bert');
    await rewriteWeights(join(dir, 'model.safetensors'), (t) => {
      t.delete('bert.pooler.dense.weight');
      t.delete('bert.pooler.dense.bias');
    });
    const loaded = await loadModelFolder(dir);
    assert.ok(!loaded.weights.has('pooler.dense.weight'));
    assert.ok(loaded.weights.has('encoder.layer.1.output.LayerNorm.bias'));
  });
});

test('a missing weight is named with its expected shape', async () => {
  await withTempDir(async (dir) => {
    await writeTinyModel(dir, 'bert');
    await rewriteWeights(join(dir, 'model.safetensors'), (t) => t.delete('bert.encoder.layer.1.attention.self.key.bias'));
    await rejectsWith(dir, /model\.safetensors: missing weight 'encoder\.layer\.1\.attention\.self\.key\.bias' \(shape \[32\]\) that the bert encoder needs/);
  });
});

test('a weight whose shape disagrees with config.json names both shapes', async () => {
  await withTempDir(async (dir) => {
    await writeTinyModel(dir, 'distilbert');
    const configPath = join(dir, 'config.json');
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    await writeFile(configPath, JSON.stringify({ ...config, hidden_dim: 48 }));
    await rejectsWith(
      dir,
      new RegExp(
        `model\\.safetensors: weight 'distilbert\\.transformer\\.layer\\.0\\.ffn\\.lin1\\.weight' has shape \\[64, 32\\] but ${configPath.replace(/[.]/g, '\\.')} implies \\[48, 32\\]`,
      ),
    );
  });
});

test('a vocabulary larger than the embeddings is refused', async () => {
  await withTempDir(async (dir) => {
    await writeTinyModel(dir, 'roberta', { prefix: false });
    const configPath = join(dir, 'config.json');
    await writeFile(configPath, JSON.stringify({ ...JSON.parse(await readFile(configPath, 'utf8')), vocab_size: 50265 }));
    await rejectsWith(dir, /weight 'embeddings\.word_embeddings\.weight' has shape \[293, 32\] but .*config\.json implies \[50265, 32\]/);
  });
});

test('an integer tensor where a float weight is needed', async () => {
  await withTempDir(async (dir) => {
    await writeTinyModel(dir, 'bert');
    await rewriteWeights(join(dir, 'model.safetensors'), (t) => {
      t.set('bert.embeddings.LayerNorm.bias', { dtype: 'I32', shape: [32], bytes: new Uint8Array(128) });
    });
    await rejectsWith(dir, /weight 'bert\.embeddings\.LayerNorm\.bias' has dtype I32, expected a float type/);
  });
});

test('a checkpoint of another family says so', async () => {
  await withTempDir(async (dir) => {
    await writeTinyModel(dir, 'distilbert');
    const configPath = join(dir, 'config.json');
    await writeFile(
      configPath,
      JSON.stringify({
        model_type: 'bert',
        vocab_size: 112,
        hidden_size: 32,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        intermediate_size: 64,
        max_position_embeddings: 64,
      }),
    );
    await rejectsWith(dir, /has neither 'bert\.embeddings\.word_embeddings\.weight' nor 'embeddings\.word_embeddings\.weight': not a bert checkpoint/);
  });
});

test('folder problems: missing folder, missing config, no weights, a pytorch_model.bin that is not torch.save', async () => {
  await withTempDir(async (dir) => {
    await rejectsWith(join(dir, 'absent'), /absent: not found/);
    await writeTinyModel(dir, 'bert');
    await rm(join(dir, 'model.safetensors'));
    await writeFile(join(dir, 'tf_model.h5'), 'hdf5');
    await rejectsWith(
      dir,
      /no model\.safetensors, model\.safetensors\.index\.json or pytorch_model\.bin in the model folder; it has tf_model\.h5, which is not read: convert it to safetensors/,
    );
    await writeFile(join(dir, 'pytorch_model.bin'), 'pickle');
    await rejectsWith(dir, /pytorch_model\.bin: is neither a torch\.save zip archive nor safetensors/);
    await rm(join(dir, 'config.json'));
    await rejectsWith(dir, /config\.json: not found/);
  });
});

test('shard index problems name the index file', async () => {
  await withTempDir(async (dir) => {
    await writeTinyModel(dir, 'bert', { shards: 2 });
    const index = join(dir, 'model.safetensors.index.json');
    const original = JSON.parse(await readFile(index, 'utf8'));
    const cases: [unknown, RegExp][] = [
      [{ metadata: {} }, /index\.json: has no weight_map object/],
      [{ weight_map: {} }, /index\.json: weight_map is empty/],
      [
        { weight_map: { ...original.weight_map, 'bert.embeddings.word_embeddings.weight': '../outside.safetensors' } },
        /weight_map entry 'bert\.embeddings\.word_embeddings\.weight' must name a file in the same folder, got "\.\.\/outside\.safetensors"/,
      ],
      [
        {
          weight_map: {
            ...original.weight_map,
            'bert.pooler.dense.bias': 'model-00001-of-00002.safetensors',
            'bert.embeddings.LayerNorm.bias': 'model-00002-of-00002.safetensors',
          },
        },
        /weight_map puts tensor '.*' in model-0000[12]-of-00002\.safetensors, which does not contain it/,
      ],
      [{ weight_map: { ...original.weight_map, x: 'model-00003-of-00003.safetensors' } }, /model-00003-of-00003\.safetensors: not found/],
    ];
    for (const [json, pattern] of cases) {
      await writeFile(index, JSON.stringify(json));
      await rejectsWith(dir, pattern);
    }
    await writeFile(index, '{"weight_map": ');
    await rejectsWith(dir, /index\.json: is not valid JSON/);
  });
});

test('a weight missing from a sharded checkpoint names the index', async () => {
  await withTempDir(async (dir) => {
    await writeTinyModel(dir, 'electra', { shards: 2, prefix: false });
    const index = join(dir, 'model.safetensors.index.json');
    const json = JSON.parse(await readFile(index, 'utf8'));
    delete json.weight_map['embeddings_project.weight'];
    await writeFile(index, JSON.stringify(json));
    await rejectsWith(dir, /model\.safetensors\.index\.json: missing weight 'embeddings_project\.weight' \(shape \[32, 16\]\) that the electra encoder needs/);
  });
});
