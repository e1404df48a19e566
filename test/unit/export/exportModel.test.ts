import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { exportModel } from '../../../src/core/export/exportModel';
import { defaultModelDir } from '../../../src/core/model/hub/cacheDir';
import { loadModelFolder } from '../../../src/core/model/modelFolder';
import type { ModelFamily } from '../../../src/core/model/types';
import { writeTinyModel } from '../../helpers/tinyModel';
import { syntheticNer } from '../pasta/tinyPasta';
import { saveRandomAdapter, type AdapterFixture } from './exportFixture';
import { compareWithProduct, sampleLines, type ParityResult } from './exportParity';
import { defaultModelMissing, skipIfMissing } from '../../helpers/requirements.js';

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'pasta-export-'));
});
after(() => rm(root, { recursive: true, force: true }));

const NER: AdapterFixture = { task: 'TOKEN_CLS', labels: ['person', 'location', 'corporation'], slots: ['[CLS]', '[SEP]'], seed: 3 };
const TOLERANCE = 1e-5;
let counter = 0;

/** A workspace with a tiny base model of `family` in it and one adapter on it; returns the workspace. */
async function tinyWorkspace(family: ModelFamily, fixture: AdapterFixture): Promise<string> {
  const ws = join(root, `ws${counter++}`);
  const model = await writeTinyModel(join(ws, 'model'), family);
  await saveRandomAdapter(ws, 'tagger', model.dir, fixture, join(root, 'cache'));
  return ws;
}

/** Equal to TOLERANCE both op for op and as deployed, on logits large enough for the comparison to mean something. */
function assertParity(parity: { unoptimised: ParityResult; deployed: ParityResult }): void {
  for (const [what, p] of Object.entries(parity)) {
    assert.ok(p.maxAbsLogit > 0.5, `${what}: logits far from zero (${p.maxAbsLogit})`);
    assert.ok(p.maxAbsDiff <= TOLERANCE, `${what}: max |difference| ${p.maxAbsDiff} over ${p.compared} logits`);
  }
}

const texts = () => [...sampleLines(), ...syntheticNer(12, 5).map((d) => d.text)];

describe("export-model: the standalone model computes the product's logits", () => {
  for (const family of ['bert', 'roberta', 'distilbert'] as const) {
    it(`${family}, entity adapter: logits equal the product's to ${TOLERANCE} on the sample workspace`, async () => {
      const slots = family === 'roberta' ? ['<s>', '</s>'] : NER.slots;
      const ws = await tinyWorkspace(family, { ...NER, slots });
      const exported = await exportModel({ workspaceRoot: ws, adapter: 'tagger', out: join(ws, 'export') });
      const session = await ort.InferenceSession.create(exported.modelFile);
      assert.deepEqual(session.inputNames, family === 'distilbert' ? ['input_ids', 'attention_mask'] : ['input_ids', 'attention_mask', 'token_type_ids']);
      assert.deepEqual(session.outputNames, ['logits']);
      await session.release();
      const parity = await compareWithProduct(ws, 'tagger', exported.modelFile, texts());
      assert.ok(parity.deployed.rows > 20 && parity.deployed.compared > 1000, `${parity.deployed.rows} windows, ${parity.deployed.compared} logits`);
      assertParity(parity);
    });
  }

  it("text classification, single texts and sentence pairs (3 slots): logits equal the product's", async () => {
    const lines = sampleLines();
    const single = await tinyWorkspace('bert', { task: 'SEQ_CLS', labels: ['ham', 'spam', 'other'], slots: ['[CLS]', '[SEP]'], seed: 7 });
    const a = await exportModel({ workspaceRoot: single, adapter: 'tagger', out: join(single, 'export') });
    assertParity(await compareWithProduct(single, 'tagger', a.modelFile, lines));
    const pairs = await tinyWorkspace('bert', {
      task: 'SEQ_CLS',
      labels: ['entailment', 'neutral'],
      slots: ['[CLS]', '[SEP]', '[SEP]'],
      textPair: true,
      seed: 8,
    });
    const b = await exportModel({ workspaceRoot: pairs, adapter: 'tagger', out: join(pairs, 'export') });
    assertParity(await compareWithProduct(pairs, 'tagger', b.modelFile, lines, [...lines.slice(1), lines[0]]));
    const config = JSON.parse(readFileSync(join(b.modelDir, 'config.json'), 'utf8'));
    assert.deepEqual(config.architectures, ['BertForSequenceClassification']);
    assert.equal(config.problem_type, 'single_label_classification');
  });

  it('weights in ONNX external data (model.onnx_data) compute the same logits', async () => {
    const ws = await tinyWorkspace('bert', NER);
    const exported = await exportModel({ workspaceRoot: ws, adapter: 'tagger', out: join(ws, 'export'), externalDataThreshold: 0 });
    assert.equal(exported.externalData, true);
    const weightBytes = [...(await loadModelFolder(join(ws, 'model'))).weights.values()].reduce((n, t) => n + t.data.byteLength, 0);
    const graphBytes = statSync(exported.modelFile).size;
    assert.ok(graphBytes < weightBytes / 4, `model.onnx holds the graph, not the weights (${graphBytes} bytes; weights ${weightBytes})`);
    assert.ok(statSync(join(exported.modelDir, 'model.onnx_data')).size >= weightBytes * 0.9, 'model.onnx_data holds the weights');
    assertParity(await compareWithProduct(ws, 'tagger', exported.modelFile, texts()));
  });
});

describe('export-model: the folder Optimum and Triton read', () => {
  it("config.json has the base's fields, the head's architecture and the labels; the tokenizer files are the base's", async () => {
    const ws = await tinyWorkspace('bert', NER);
    const exported = await exportModel({ workspaceRoot: ws, adapter: 'tagger', out: join(ws, 'export') });
    const base = JSON.parse(readFileSync(join(ws, 'model', 'config.json'), 'utf8'));
    const config = JSON.parse(readFileSync(join(exported.modelDir, 'config.json'), 'utf8'));
    for (const key of [
      'model_type',
      'hidden_size',
      'num_hidden_layers',
      'num_attention_heads',
      'intermediate_size',
      'vocab_size',
      'type_vocab_size',
      'max_position_embeddings',
      'layer_norm_eps',
    ]) {
      assert.deepEqual(config[key], base[key], key);
    }
    assert.deepEqual(config.architectures, ['BertForTokenClassification']);
    const tags = ['O', 'B-person', 'I-person', 'B-location', 'I-location', 'B-corporation', 'I-corporation'];
    assert.deepEqual(config.id2label, Object.fromEntries(tags.map((t, i) => [String(i), t])));
    assert.deepEqual(config.label2id, Object.fromEntries(tags.map((t, i) => [t, i])));
    const tokenizerFiles = readdirSync(join(ws, 'model')).filter((f) => /^(tokenizer|special_tokens_map|vocab|merges|added_tokens)/.test(f));
    assert.ok(tokenizerFiles.includes('vocab.txt') && tokenizerFiles.includes('tokenizer_config.json'), tokenizerFiles.join());
    for (const f of tokenizerFiles) assert.deepEqual(readFileSync(join(exported.modelDir, f)), readFileSync(join(ws, 'model', f)), f);
    assert.deepEqual(readdirSync(exported.out).sort(), ['README.md', 'config.json', 'model.onnx', ...tokenizerFiles].sort());
    const card = readFileSync(join(exported.modelDir, 'README.md'), 'utf8');
    assert.match(card, /^# tagger\n/);
    assert.match(card, /`person`, `location`, `corporation`/);
    assert.match(card, /\| \*\*micro avg\*\* \| \*\*50\.0\*\* \| \*\*25\.0\*\* \| \*\*33\.3\*\* \| \|/);
    assert.match(card, /ORTModelForTokenClassification\.from_pretrained/);
    assert.match(card, new RegExp(`a row holds at most ${base.max_position_embeddings} tokens`));
    assert.match(
      card,
      /session\.run\(\["logits"\], \{"input_ids": enc\["input_ids"\], "attention_mask": enc\["attention_mask"\], "token_type_ids": enc\["token_type_ids"\]\}\)/,
    );
  });

  it('--triton: a model repository with config.pbtxt and 1/model.onnx that onnxruntime loads', async () => {
    const ws = await tinyWorkspace('distilbert', NER);
    const exported = await exportModel({ workspaceRoot: ws, adapter: 'tagger', out: join(ws, 'repo'), triton: true });
    assert.equal(exported.modelFile, join(ws, 'repo', 'tagger', '1', 'model.onnx'));
    assert.deepEqual(readdirSync(exported.out), ['tagger']);
    assert.equal(
      readFileSync(join(ws, 'repo', 'tagger', 'config.pbtxt'), 'utf8'),
      [
        'name: "tagger"',
        'platform: "onnxruntime_onnx"',
        'max_batch_size: 0',
        'input [',
        '  {\n    name: "input_ids"\n    data_type: TYPE_INT64\n    dims: [ -1, -1 ]\n  },',
        '  {\n    name: "attention_mask"\n    data_type: TYPE_INT64\n    dims: [ -1, -1 ]\n  }',
        ']',
        'output [\n  {\n    name: "logits"\n    data_type: TYPE_FP32\n    dims: [ -1, -1, 7 ]\n  }\n]',
        '',
      ].join('\n'),
    );
    assert.ok(existsSync(join(ws, 'repo', 'tagger', 'config.json')));
    assertParity(await compareWithProduct(ws, 'tagger', exported.modelFile, texts()));
  });
});

const minilm = defaultModelDir();
const skip = skipIfMissing(defaultModelMissing());

it("all-MiniLM-L6-v2, entity adapter: logits equal the product's to 1e-5 on the sample workspace", { skip }, async () => {
  const ws = join(root, 'minilm');
  await saveRandomAdapter(
    ws,
    'news',
    minilm,
    { ...NER, labels: ['person', 'location', 'corporation', 'product', 'creative-work', 'group'] },
    join(root, 'cache'),
  );
  const exported = await exportModel({ workspaceRoot: ws, adapter: 'news', out: join(ws, 'export') });
  for (const f of ['model.onnx', 'config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'README.md']) {
    assert.ok(existsSync(join(exported.out, f)), f);
  }
  const parity = await compareWithProduct(ws, 'news', exported.modelFile, sampleLines());
  assert.ok(parity.deployed.rows > 50, `${parity.deployed.rows} windows`);
  assertParity(parity);
});
