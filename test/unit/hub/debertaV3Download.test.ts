// A DeBERTa-v3 repository laid out as microsoft/deberta-v3-base is, plus the tokenizer.json and model.safetensors
// that converted copies carry, served by a loopback hub: the download takes config.json, tokenizer.json,
// tokenizer_config.json and the safetensors weights (not spm.model, which tokenizer.json was converted from, nor
// the other weight formats), and the folder loads as a deberta-v2 model and a Unigram tokenizer.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { downloadFromHub } from '../../../src/core/model/hub/hub.js';
import { loadModelFolder } from '../../../src/core/model/modelFolder.js';
import { loadTokenizer } from '../../../src/core/model/tokenizer/index.js';
import { FakeHub } from '../../helpers/fakeHub.js';
import { writeTinyModel } from '../../helpers/tinyModel.js';

const root = mkdtempSync(join(tmpdir(), 'pasta-hub-deberta-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a DeBERTa-v3 repository downloads and loads: Unigram tokenizer, deberta-v2 config, weights', async () => {
  const model = await writeTinyModel(join(root, 'source'), 'deberta-v2');
  const read = (name: string) => readFileSync(join(model.dir, name));
  const files = {
    'config.json': read('config.json'),
    'tokenizer.json': read('tokenizer.json'),
    'tokenizer_config.json': read('tokenizer_config.json'),
    'model.safetensors': read('model.safetensors'),
    'spm.model': Buffer.from('a SentencePiece model the tokenizer never reads'),
    'pytorch_model.bin': Buffer.from('pickle'),
    'tf_model.h5': Buffer.from('hdf5'),
    'README.md': '# deberta-v3-base\n',
  };
  const repoId = 'microsoft/deberta-v3-base';
  const hub = await FakeHub.start([{ repoId, files }]);
  try {
    const dir = await downloadFromHub({ repoId, endpoint: hub.url, cacheDir: join(root, 'cache'), token: '' });
    assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);

    const loaded = await loadModelFolder(dir);
    assert.equal(loaded.config.model_type, 'deberta-v2');
    assert.ok(loaded.weights.has('encoder.rel_embeddings.weight'));
    const tokenizer = await loadTokenizer(dir);
    assert.equal(tokenizer.model.kind, 'Unigram');
    assert.equal(tokenizer.vocabSize, loaded.config.vocab_size);
    const pair = tokenizer.encode('Is it raining?', 'The streets are wet.');
    assert.deepEqual(pair.tokens, [
      '[CLS]',
      '▁I',
      's',
      '▁it',
      '▁rain',
      'ing',
      '?',
      '[SEP]',
      '▁The',
      '▁',
      's',
      'tree',
      't',
      's',
      '▁are',
      '▁we',
      't',
      '.',
      '[SEP]',
    ]);
  } finally {
    await hub.close();
  }
});
