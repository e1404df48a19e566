import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../../src/core/data/types.js';
import { writeSafetensors } from '../../../src/core/model/safetensors/safetensorsWriter.js';
import type { BertLikeConfig, EncoderConfig } from '../../../src/core/model/types.js';
import { loadAdapter, saveAdapter, verifyAdapterForBase, type AdapterConfig } from '../../../src/core/adapter/index.js';
import { BASE_SHA, fixtureConfig, fixtureTensors } from './adapterFixture.js';

const root = mkdtempSync(join(tmpdir(), 'pasta-adapter-refuse-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** An adapter folder whose config file holds `configText` and whose weights are the fixture's unless given. */
async function writeAdapter(configText: string, tensors?: Parameters<typeof writeSafetensors>[1]): Promise<string> {
  const dir = join(root, `a${counter++}`, 'ner');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'adapter_config.json'), configText);
  await writeSafetensors(join(dir, 'adapter_model.safetensors'), tensors ?? { ...fixtureTensors(fixtureConfig()) });
  return dir;
}

const pretty = (config: unknown) => `${JSON.stringify(config, null, 2)}\n`;

async function refusal(dir: string): Promise<string> {
  try {
    await loadAdapter(dir);
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), 'one line');
    return error.message.slice(dir.length);
  }
  throw new Error('loadAdapter accepted it');
}

describe('loadAdapter refuses', () => {
  it('bad JSON, naming the file and the line', async () => {
    const text = pretty(fixtureConfig()).replace('"num_layers": 2,', '"num_layers": 2');
    const dir = await writeAdapter(text);
    const line = text.split('\n').findIndex((l) => l.includes('"num_layers"')) + 2;
    assert.equal(await refusal(dir), `/adapter_config.json:${line}: invalid JSON: expected ',' or '}' after the value of "num_layers", found "\\"hidden_size"`);
  });

  it('a missing or wrong field, naming its line', async () => {
    const { hidden_size: _, ...noHidden } = fixtureConfig();
    assert.match(await refusal(await writeAdapter(pretty(noHidden))), /^\/adapter_config\.json:1: hidden_size is missing$/);
    const text = pretty({ ...fixtureConfig(), task_type: 'NER' });
    const line = text.split('\n').findIndex((l) => l.includes('"task_type"')) + 1;
    assert.equal(await refusal(await writeAdapter(text)), `/adapter_config.json:${line}: task_type must be "TOKEN_CLS" or "SEQ_CLS", found "NER"`);
    const badSha = { ...fixtureConfig(), base_model_fingerprint: { ...fixtureConfig().base_model_fingerprint, sha256: 'abc' } };
    assert.match(await refusal(await writeAdapter(pretty(badSha))), /:\d+: base_model_fingerprint\.sha256 must be "sha256:" and 64 lowercase hex digits$/);
  });

  it('labels that do not agree with each other', async () => {
    const config = fixtureConfig();
    assert.match(
      await refusal(await writeAdapter(pretty({ ...config, label2id: { ...config.label2id, O: 3 } }))),
      /:\d+: label2id must map "O" to 0 as id2label does$/,
    );
    const { 'B-person': _, ...label2id } = config.label2id;
    const noInside = { ...config, id2label: { ...config.id2label, '1': 'X-person' }, label2id: { ...label2id, 'X-person': 1 } };
    assert.match(await refusal(await writeAdapter(pretty(noInside))), /id2label\["1"\] "X-person" is neither O nor an IOB2 tag/);
  });

  it('a config whose shapes contradict its own base signature', async () => {
    const config = { ...fixtureConfig(), hidden_size: 16 };
    assert.match(await refusal(await writeAdapter(pretty(config))), /:\d+: hidden_size is 16 but the base model signature has hidden_size 8$/);
  });

  it('a missing tensor', async () => {
    const { 'classifier.bias': _, ...tensors } = fixtureTensors(fixtureConfig());
    const dir = await writeAdapter(pretty(fixtureConfig()), tensors);
    assert.equal(
      await refusal(dir),
      "/adapter_model.safetensors: has no tensor 'classifier.bias' (an adapter holds pasta_vectors, classifier.weight, classifier.bias)",
    );
  });

  it('a tensor of the wrong shape, and vectors for another number of slots', async () => {
    const tensors = fixtureTensors(fixtureConfig());
    const wrongHead = await writeAdapter(pretty(fixtureConfig()), { ...tensors, 'classifier.weight': { shape: [5, 9], data: new Float32Array(45) } });
    assert.equal(
      await refusal(wrongHead),
      "/adapter_model.safetensors: tensor 'classifier.weight' has shape [5, 9] but adapter_config.json says [5, 8] (labels in id2label, hidden_size)",
    );
    const threeSlots = fixtureTensors(fixtureConfig({ slots: 3 }));
    const slots = await writeAdapter(pretty(fixtureConfig()), { ...threeSlots });
    assert.equal(
      await refusal(slots),
      "/adapter_model.safetensors: tensor 'pasta_vectors' has shape [2, 3, 8] but adapter_config.json says [2, 2, 8] (num_layers, num_special_token_slots, hidden_size)",
    );
  });

  it('a tensor that is not part of an adapter, or not float32', async () => {
    const tensors = fixtureTensors(fixtureConfig());
    const extra = await writeAdapter(pretty(fixtureConfig()), { ...tensors, 'bert.pooler.dense.bias': { shape: [8], data: new Float32Array(8) } });
    assert.match(await refusal(extra), /holds the tensor "bert\.pooler\.dense\.bias", which is not part of a PASTA adapter/);
    const half = await writeAdapter(pretty(fixtureConfig()), { ...tensors, pasta_vectors: { ...tensors.pasta_vectors, dtype: 'F16' } });
    assert.equal(await refusal(half), "/adapter_model.safetensors: tensor 'pasta_vectors' is F16; adapters are stored as F32");
  });

  it('a truncated weight file, and a folder that is not there', async () => {
    const dir = await writeAdapter(pretty(fixtureConfig()));
    writeFileSync(join(dir, 'adapter_model.safetensors'), Buffer.from([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    assert.match(await refusal(dir), /^\/adapter_model\.safetensors: header length 200 exceeds the file \(9 bytes\)/);
    const missing = join(root, 'nothing', 'ner');
    await assert.rejects(loadAdapter(missing), { message: `${missing}: no adapter here (expected adapter_config.json and adapter_model.safetensors)` });
  });
});

describe('verifyAdapterForBase', () => {
  const baseConfig = (overrides: Partial<BertLikeConfig> = {}): EncoderConfig => ({
    model_type: 'bert',
    vocab_size: 100,
    hidden_size: 8,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    intermediate_size: 32,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-12,
    max_position_embeddings: 64,
    type_vocab_size: 2,
    pad_token_id: 0,
    embedding_size: 8,
    initializer_range: 0.02,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1,
    raw: {},
    ...overrides,
  });
  const base = (overrides: Partial<BertLikeConfig> = {}, sha256 = BASE_SHA) => {
    const config = baseConfig(overrides);
    return {
      config,
      fingerprint: {
        sha256,
        signature: {
          model_type: config.model_type,
          hidden_size: config.hidden_size,
          num_hidden_layers: config.num_hidden_layers,
          num_attention_heads: config.num_attention_heads,
          vocab_size: config.vocab_size,
        },
      },
    };
  };
  const adapter = { name: 'ner', dir: '/ws/.pasta/adapters/ner', config: fixtureConfig() as AdapterConfig };
  const file = '/ws/.pasta/adapters/ner/adapter_config.json';

  it('accepts the base it was trained on', () => {
    verifyAdapterForBase(adapter, { ...base(), numSpecialTokenSlots: 2 });
  });

  it('refuses another hidden size, layer count or model type, saying which', () => {
    assert.throws(() => verifyAdapterForBase(adapter, base({ hidden_size: 768, embedding_size: 768 })), {
      name: 'InputError',
      message: `${file}: adapter 'ner' was trained on a base with hidden size 8; this base has 768`,
    });
    assert.throws(() => verifyAdapterForBase(adapter, base({ num_hidden_layers: 12 })), {
      message: `${file}: adapter 'ner' was trained on a base with layers 2; this base has 12`,
    });
    assert.throws(() => verifyAdapterForBase(adapter, base({ model_type: 'roberta', num_hidden_layers: 12 })), {
      message: `${file}: adapter 'ner' was trained on a base with model type bert, layers 2; this base has model type roberta, layers 12`,
    });
  });

  it('refuses inputs with another number of special-token slots', () => {
    assert.throws(() => verifyAdapterForBase(adapter, { ...base(), numSpecialTokenSlots: 3 }), {
      message: `${file}: adapter 'ner' has vectors for 2 special-token slots ([CLS] [SEP]); these inputs have 3`,
    });
  });

  it('refuses a base of the same shapes with other weights', () => {
    const other = `sha256:${'ef'.repeat(32)}`;
    assert.throws(() => verifyAdapterForBase(adapter, base({}, other)), {
      message: `${file}: adapter 'ner' was trained on base all-MiniLM-L6-v2 with weights sha256:abababababab...; this base has the same shapes but weights sha256:efefefefefef...`,
    });
  });

  it('checks a loaded adapter the same way', async () => {
    const dir = join(root, 'verify', 'ner');
    const config = fixtureConfig();
    await saveAdapter(dir, config, fixtureTensors(config));
    const loaded = await loadAdapter(dir);
    verifyAdapterForBase(loaded, base());
    assert.throws(() => verifyAdapterForBase(loaded, base({ vocab_size: 101 })), {
      message: `${join(dir, 'adapter_config.json')}: adapter 'ner' was trained on a base with vocabulary size 100; this base has 101`,
    });
  });
});
