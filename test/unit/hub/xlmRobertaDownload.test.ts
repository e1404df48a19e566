// An XLM-R repository laid out as FacebookAI/xlm-roberta-base is, served by a loopback hub: the download takes
// config.json, tokenizer.json and the safetensors weights (not the SentencePiece model tokenizer.json was
// converted from, nor the other weight formats), and the folder loads as a model and a Unigram tokenizer.
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

const root = mkdtempSync(join(tmpdir(), 'pasta-hub-xlmr-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('an XLM-R repository downloads and loads: Unigram tokenizer, xlm-roberta config, weights', async () => {
  const model = await writeTinyModel(join(root, 'source'), 'xlm-roberta');
  const read = (name: string) => readFileSync(join(model.dir, name));
  const files = {
    'config.json': read('config.json'),
    'tokenizer.json': read('tokenizer.json'),
    'model.safetensors': read('model.safetensors'),
    'sentencepiece.bpe.model': Buffer.from('a SentencePiece model the tokenizer never reads'),
    'pytorch_model.bin': Buffer.from('pickle'),
    'README.md': '# xlm-roberta-base\n',
  };
  const repoId = 'FacebookAI/xlm-roberta-base';
  const hub = await FakeHub.start([{ repoId, files }]);
  try {
    const dir = await downloadFromHub({ repoId, endpoint: hub.url, cacheDir: join(root, 'cache'), token: '' });
    assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'model.safetensors', 'tokenizer.json']);

    const loaded = await loadModelFolder(dir);
    assert.equal(loaded.config.model_type, 'xlm-roberta');
    const tokenizer = await loadTokenizer(dir);
    assert.equal(tokenizer.model.kind, 'Unigram');
    assert.equal(tokenizer.vocabSize, loaded.config.vocab_size);
    // What Python tokenizers gives for the same tokenizer.json: full-width letters folded by nmt_nfkc, 東京 unknown.
    const encoding = tokenizer.encode('Ｊｏｈｎ lives in 東京');
    assert.deepEqual(encoding.tokens, ['<s>', '▁John', '▁live', 's', '▁in', '▁', '東京', '</s>']);
    assert.deepEqual(encoding.offsets, [
      [0, 0],
      [0, 4],
      [4, 9],
      [9, 10],
      [10, 13],
      [13, 14],
      [14, 16],
      [0, 0],
    ]);
    assert.equal(encoding.ids[6], tokenizer.specialTokens.unk);
  } finally {
    await hub.close();
  }
});
