// export-model on a DeBERTa-v3 base as microsoft/deberta-v3-* ship it (spm.model, no tokenizer.json, pytorch_model.bin):
// the folder carries the tokenizer PASTA built from spm.model as tokenizer.json, with a tokenizer_config.json that makes
// transformers load that file as it is, and the model computes the product's logits.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exportModel } from '../../../src/core/export/exportModel';
import { loadTokenizer } from '../../../src/core/model/tokenizer';
import { compact, readCases } from '../tokenizer/fixtures';
import { saveRandomAdapter } from './exportFixture';
import { compareWithProduct, sampleLines } from './exportParity';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'pasta-export-spm-'));
});
after(() => rm(root, { recursive: true, force: true }));

test('a DeBERTa-v3 base with spm.model and pytorch_model.bin exports tokenizer.json beside spm.model, loading as the tokenizer PASTA trained with', async () => {
  const ws = join(root, 'ws');
  const model = join(ws, 'model');
  mkdirSync(model, { recursive: true });
  for (const file of ['config.json', 'pytorch_model.bin']) copyFileSync(join(FIXTURES, 'model', 'torch', 'deberta-v3-tiny', file), join(model, file));
  for (const file of ['spm.model', 'tokenizer_config.json']) copyFileSync(join(FIXTURES, 'tokenizers', 'spm-deberta-v3', file), join(model, file));
  await saveRandomAdapter(ws, 'tagger', model, { task: 'TOKEN_CLS', labels: ['person', 'location'], slots: ['[CLS]', '[SEP]'], seed: 5 }, join(root, 'cache'));

  const exported = await exportModel({ workspaceRoot: ws, adapter: 'tagger', out: join(ws, 'export') });
  assert.deepEqual(readdirSync(exported.modelDir).sort(), ['README.md', 'config.json', 'model.onnx', 'spm.model', 'tokenizer.json', 'tokenizer_config.json']);
  assert.deepEqual(readFileSync(join(exported.modelDir, 'spm.model')), readFileSync(join(model, 'spm.model')));
  assert.deepEqual(JSON.parse(readFileSync(join(exported.modelDir, 'tokenizer_config.json'), 'utf8')), {
    do_lower_case: false,
    vocab_type: 'spm',
    bos_token: '[CLS]',
    eos_token: '[SEP]',
    unk_token: '[UNK]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    cls_token: '[CLS]',
    mask_token: '[MASK]',
    tokenizer_class: 'PreTrainedTokenizerFast',
  });

  const trained = await loadTokenizer(model);
  const deployed = await loadTokenizer(exported.modelDir);
  assert.equal(trained.model.kind, 'Unigram');
  assert.deepEqual(deployed.specialTokens, trained.specialTokens);
  for (const [i, c] of readCases().entries()) {
    const pair = c.pair !== undefined;
    const options = { maxLength: c.maxLength };
    assert.deepStrictEqual(compact(deployed.encode(c.text, c.pair, options), pair), compact(trained.encode(c.text, c.pair, options), pair), `case ${i}`);
  }

  const parity = await compareWithProduct(ws, 'tagger', exported.modelFile, sampleLines().slice(0, 8));
  for (const [what, p] of Object.entries(parity)) assert.ok(p.maxAbsDiff <= 1e-5 && p.maxAbsLogit > 0.5, `${what}: ${JSON.stringify(p)}`);
});
