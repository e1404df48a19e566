// DeBERTa-v3 repositories served by a loopback hub. microsoft/deberta-v3-base itself lists .gitattributes,
// README.md, config.json, pytorch_model.bin, spm.model, tf_model.h5 and tokenizer_config.json: no tokenizer.json and
// no model.safetensors, so pytorch_model.bin (a torch.save archive, read without running its pickle) and spm.model
// are downloaded, resumed and verified like any other file. A copy with model.safetensors takes it, not the .bin; one
// with tokenizer.json (what transformers saves for a fine-tune) takes tokenizer.json and leaves spm.model, which
// tokenizer.json was converted from.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { downloadFromHub } from '../../../src/core/model/hub/hub.js';
import { HubError } from '../../../src/core/model/hub/hubError.js';
import { loadModelFolder } from '../../../src/core/model/modelFolder.js';
import { SafetensorsFile } from '../../../src/core/model/safetensors/safetensors.js';
import { loadTokenizer } from '../../../src/core/model/tokenizer/index.js';
import { FakeHub } from '../../helpers/fakeHub.js';
import { writeTinyModel } from '../../helpers/tinyModel.js';

const root = mkdtempSync(join(tmpdir(), 'pasta-hub-deberta-'));
after(() => rmSync(root, { recursive: true, force: true }));

const SPM_FOLDER = join(__dirname, '..', '..', 'fixtures', 'tokenizers', 'spm-deberta-v3');
/** A tiny DeBERTa-v3 that torch.save wrote (tools/reference/make_torch_pickle_fixtures.py), with its safetensors twin. */
const TORCH_FOLDER = join(__dirname, '..', '..', 'fixtures', 'model', 'torch', 'deberta-v3-tiny');

/** microsoft/deberta-v3-base's files, with a tiny model's config and weights and the spm.model fixture in place of the real ones. */
function realLayout(config: Buffer, pytorchModel: Buffer = readFileSync(join(TORCH_FOLDER, 'pytorch_model.bin'))): Record<string, Buffer | string> {
  return {
    '.gitattributes': '*.bin filter=lfs diff=lfs merge=lfs -text\n',
    'README.md': '# DeBERTaV3: Improving DeBERTa using ELECTRA-Style Pre-Training\n',
    'config.json': config,
    'pytorch_model.bin': pytorchModel,
    'spm.model': readFileSync(join(SPM_FOLDER, 'spm.model')),
    'tf_model.h5': Buffer.from('hdf5'),
    'tokenizer_config.json': '{\n  "do_lower_case": false,\n  "vocab_type": "spm"\n}\n',
  };
}

test('microsoft/deberta-v3-base as the hub lists it: pytorch_model.bin is downloaded (resumed after a cut, verified) and loads as its safetensors', async () => {
  const repoId = 'microsoft/deberta-v3-base';
  const binBytes = readFileSync(join(TORCH_FOLDER, 'pytorch_model.bin'));
  const hub = await FakeHub.start([{ repoId, files: realLayout(readFileSync(join(TORCH_FOLDER, 'config.json'))) }]);
  try {
    hub.cut = { file: 'pytorch_model.bin', afterBytes: 100_000, times: 1 };
    const progress: number[] = [];
    const dir = await downloadFromHub({
      repoId,
      endpoint: hub.url,
      cacheDir: join(root, 'cache-bin'),
      token: '',
      retryDelayMs: 10,
      onProgress: (p) => {
        hub.received(p.file, p.fileBytesDone);
        if (p.file === 'pytorch_model.bin') progress.push(p.fileBytesDone);
      },
    });
    assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'pytorch_model.bin', 'spm.model', 'tokenizer_config.json']);
    assert.deepEqual(readFileSync(join(dir, 'pytorch_model.bin')), binBytes);
    assert.deepEqual(
      hub.byteRequests('pytorch_model.bin').map((r) => r.headers.range),
      [undefined, 'bytes=100000-'],
    );
    assert.equal(progress.at(-1), binBytes.length);
    assert.deepEqual(hub.byteRequests('tf_model.h5'), []);

    const loaded = await loadModelFolder(dir);
    assert.deepEqual(loaded.files, [join(dir, 'pytorch_model.bin')]);
    const reference = await SafetensorsFile.open(join(TORCH_FOLDER, 'model.safetensors'));
    try {
      for (const [name, tensor] of loaded.weights) assert.deepEqual(tensor, await reference.readFloat32(`deberta.${name}`), name);
    } finally {
      await reference.close();
    }
    const tokenizer = await loadTokenizer(dir);
    assert.equal(tokenizer.model.kind, 'Unigram');
    assert.ok(tokenizer.vocabSize <= loaded.config.vocab_size);
    // Served from the cache now: nothing more is fetched.
    const before = hub.requests.length;
    assert.equal(await downloadFromHub({ repoId, endpoint: hub.url, cacheDir: join(root, 'cache-bin'), token: '' }), dir);
    assert.equal(hub.requests.length, before);
  } finally {
    await hub.close();
  }
});

test('a pytorch_model.bin whose bytes do not match the hash the hub announces is refused and not kept', async () => {
  const repoId = 'microsoft/deberta-v3-small';
  const hub = await FakeHub.start([{ repoId, files: realLayout(readFileSync(join(TORCH_FOLDER, 'config.json'))) }]);
  try {
    hub.wrongHashFor = 'pytorch_model.bin';
    await assert.rejects(downloadFromHub({ repoId, endpoint: hub.url, cacheDir: join(root, 'cache-hash'), token: '' }), (error: unknown) => {
      assert.ok(error instanceof HubError);
      assert.equal(error.kind, 'checksum');
      assert.match(error.message, /checksum mismatch for microsoft\/deberta-v3-small\/pytorch_model\.bin/);
      return true;
    });
  } finally {
    await hub.close();
  }
});

test('a DeBERTa-v3 copy with model.safetensors and no tokenizer.json downloads spm.model and tokenizes from it', async () => {
  const model = await writeTinyModel(join(root, 'source-spm'), 'deberta-v2');
  const repoId = 'someone/deberta-v3-base-safetensors';
  const files = { ...realLayout(readFileSync(join(model.dir, 'config.json'))), 'model.safetensors': readFileSync(join(model.dir, 'model.safetensors')) };
  const hub = await FakeHub.start([{ repoId, files }]);
  try {
    const dir = await downloadFromHub({ repoId, endpoint: hub.url, cacheDir: join(root, 'cache-spm'), token: '' });
    assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'model.safetensors', 'spm.model', 'tokenizer_config.json']);
    assert.equal((await loadModelFolder(dir)).config.model_type, 'deberta-v2');
    const tokenizer = await loadTokenizer(dir);
    assert.equal(tokenizer.model.kind, 'Unigram');
    // The fixture folder it came from is proved identical to transformers' DebertaV2Converter (tokenizer parity test).
    const reference = await loadTokenizer(SPM_FOLDER);
    const pair = tokenizer.encode('Is it raining in Ｔｏｋｙｏ?', 'The streets are wet.');
    assert.deepEqual(pair, reference.encode('Is it raining in Ｔｏｋｙｏ?', 'The streets are wet.'));
    assert.equal(pair.tokens[0], '[CLS]');
    assert.deepEqual(pair.typeIds.slice(-3), [1, 1, 1]);
  } finally {
    await hub.close();
  }
});

test('a DeBERTa-v3 copy with tokenizer.json and model.safetensors downloads them, not spm.model', async () => {
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
