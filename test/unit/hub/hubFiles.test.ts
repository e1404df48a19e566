import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planEncoderFiles, shardsOfIndex } from '../../../src/core/model/hub/hubFiles.js';
import { HubError } from '../../../src/core/model/hub/hubError.js';

const errorOf = (fn: () => unknown): HubError => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof HubError);
    assert.ok(!error.message.includes('\n'));
    return error;
  }
  assert.fail('expected a HubError');
};

test('a BERT repository: config, WordPiece files and model.safetensors; nothing else', () => {
  const siblings = [
    '.gitattributes',
    'README.md',
    'config.json',
    'model.safetensors',
    'pytorch_model.bin',
    'tf_model.h5',
    'tokenizer.json',
    'tokenizer_config.json',
    'special_tokens_map.json',
    'vocab.txt',
    'onnx/model.onnx',
    '1_Pooling/config.json',
  ];
  assert.deepEqual(planEncoderFiles('a/b@main', siblings), {
    files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt'],
    weights: { kind: 'single', file: 'model.safetensors' },
  });
});

test('a RoBERTa repository keeps its byte-level BPE files', () => {
  const plan = planEncoderFiles('r@main', ['config.json', 'vocab.json', 'merges.txt', 'model.safetensors', 'flax_model.msgpack']);
  assert.deepEqual(plan.files, ['config.json', 'vocab.json', 'merges.txt']);
});

test('an XLM-R repository: its tokenizer.json, not the SentencePiece model it was converted from', () => {
  // FacebookAI/xlm-roberta-base's files.
  const siblings = [
    '.gitattributes',
    'README.md',
    'config.json',
    'flax_model.msgpack',
    'model.safetensors',
    'onnx/model.onnx',
    'pytorch_model.bin',
    'rust_model.ot',
    'sentencepiece.bpe.model',
    'tf_model.h5',
    'tokenizer.json',
  ];
  assert.deepEqual(planEncoderFiles('FacebookAI/xlm-roberta-base@main', siblings).files, ['config.json', 'tokenizer.json']);
  const withoutJson = planEncoderFiles('x@main', ['config.json', 'sentencepiece.bpe.model', 'model.safetensors']);
  assert.deepEqual(withoutJson.files, ['config.json', 'sentencepiece.bpe.model']);
});

test('sharded weights are planned through their index', () => {
  const plan = planEncoderFiles('x@main', ['config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors']);
  assert.deepEqual(plan.weights, { kind: 'sharded', index: 'model.safetensors.index.json' });
});

test('pytorch_model.bin is planned only where there is no safetensors; sharded .bin weights are refused with the reason', () => {
  assert.deepEqual(planEncoderFiles('old/model@main', ['config.json', 'pytorch_model.bin', 'vocab.txt', 'tf_model.h5']), {
    files: ['config.json', 'vocab.txt'],
    weights: { kind: 'single', file: 'pytorch_model.bin' },
  });
  const both = ['config.json', 'pytorch_model.bin', 'model.safetensors.index.json', 'model-00001-of-00001.safetensors'];
  assert.deepEqual(planEncoderFiles('x@main', both).weights, { kind: 'sharded', index: 'model.safetensors.index.json' });
  const error = errorOf(() =>
    planEncoderFiles('old/model@main', ['config.json', 'pytorch_model.bin.index.json', 'pytorch_model-00001-of-00002.bin', 'vocab.txt']),
  );
  assert.equal(error.kind, 'unsupported');
  assert.match(error.message, /^old\/model@main has only sharded pytorch_model-\*\.bin weights, which PASTA Studio does not read/);
});

test('no config.json, or no weights at all, is refused', () => {
  assert.match(errorOf(() => planEncoderFiles('d/s@main', ['data.csv'])).message, /has no config\.json: it is not a transformers model/);
  assert.match(errorOf(() => planEncoderFiles('d/s@main', ['config.json'])).message, /has no model\.safetensors weights/);
});

test('shardsOfIndex lists each shard once, sorted', () => {
  const index = JSON.stringify({
    weight_map: { a: 'model-00002-of-00002.safetensors', b: 'model-00001-of-00002.safetensors', c: 'model-00001-of-00002.safetensors' },
  });
  const siblings = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
  assert.deepEqual(shardsOfIndex('x', index, siblings), siblings);
});

test('shardsOfIndex refuses bad JSON, unsafe names, shards the repository lacks, and an empty map', () => {
  assert.match(errorOf(() => shardsOfIndex('x', '{', [])).message, /model\.safetensors\.index\.json is not valid JSON/);
  assert.match(errorOf(() => shardsOfIndex('x', '{"weight_map": 3}', [])).message, /has no weight_map object/);
  for (const name of ['../up.safetensors', '/abs.safetensors', 'sub/dir.safetensors', 'evil.bin', 7]) {
    const index = JSON.stringify({ weight_map: { a: name } });
    assert.match(errorOf(() => shardsOfIndex('x', index, [String(name)])).message, /names an invalid shard file/);
  }
  const missing = JSON.stringify({ weight_map: { a: 'model-00001-of-00002.safetensors' } });
  assert.match(errorOf(() => shardsOfIndex('x', missing, [])).message, /names model-00001-of-00002\.safetensors, which the repository does not have/);
  assert.match(errorOf(() => shardsOfIndex('x', '{"weight_map": {}}', [])).message, /names no shards/);
});
