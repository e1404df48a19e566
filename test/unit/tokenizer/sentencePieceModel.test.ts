// SentencePiece model files read without a tokenizer.json: the fields transformers' converters read, the tokenizer
// built from them, and one InputError line naming the file and the field for every broken or unsupported model.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Writer } from 'protobufjs/minimal';
import { InputError } from '../../../src/core/data/types';
import { loadTokenizer } from '../../../src/core/model/tokenizer';
import { parseSentencePieceModel } from '../../../src/core/model/tokenizer/sentencePieceModel';
import { FIXTURES } from './fixtures';
import { removeFolders, writeFolder } from './tinyTokenizers';

after(removeFolders);

interface Piece {
  piece: string | Uint8Array;
  score: number;
  type?: number;
}

interface ModelSpec {
  pieces: Piece[];
  modelType?: number;
  unkId?: number;
  charsmap?: Uint8Array;
}

/** A sentencepiece.ModelProto written field by field, as sentencepiece serialises it. */
function modelBytes({ pieces, modelType = 1, unkId = 0, charsmap }: ModelSpec): Uint8Array {
  const writer = Writer.create();
  for (const { piece, score, type = 1 } of pieces) {
    writer.uint32((1 << 3) | 2).fork();
    if (typeof piece === 'string') writer.uint32((1 << 3) | 2).string(piece);
    else writer.uint32((1 << 3) | 2).bytes(piece);
    writer.uint32((2 << 3) | 5).float(score);
    writer.uint32((3 << 3) | 0).int32(type);
    writer.ldelim();
  }
  writer.uint32((2 << 3) | 2).fork();
  writer.uint32((3 << 3) | 0).int32(modelType);
  writer.uint32((40 << 3) | 0).int32(unkId);
  writer.uint32((41 << 3) | 0).int32(-1);
  writer.ldelim();
  writer.uint32((3 << 3) | 2).fork();
  writer.uint32((1 << 3) | 2).string(charsmap ? 'nmt_nfkc' : 'identity');
  if (charsmap) writer.uint32((2 << 3) | 2).bytes(charsmap);
  writer.uint32((3 << 3) | 0).bool(true);
  writer.ldelim();
  return writer.finish();
}

/** XLM-R's layout: <unk> 0, <s> 1, </s> 2, then the pieces. */
function xlmrPieces(): Piece[] {
  return [
    { piece: '<unk>', score: 0, type: 2 },
    { piece: '<s>', score: 0, type: 3 },
    { piece: '</s>', score: 0, type: 3 },
    { piece: '▁', score: -2 },
    { piece: '▁hello', score: -1 },
    { piece: '▁world', score: -1.5 },
    { piece: 'l', score: -3 },
    { piece: 'o', score: -3 },
    { piece: 'h', score: -3 },
    { piece: 'e', score: -3 },
  ];
}

async function rejects(files: Record<string, string | Uint8Array>, file: string, pattern: RegExp): Promise<void> {
  const dir = writeFolder(files);
  await assert.rejects(loadTokenizer(dir), (error: unknown) => {
    assert.ok(error instanceof InputError, `not an InputError: ${String(error)}`);
    assert.ok(!error.message.includes('\n'), `more than one line: ${error.message}`);
    assert.ok(error.message.startsWith(`${join(dir, file)}: `), `does not name ${file}: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  });
}

const realModel = () => readFileSync(join(FIXTURES, 'spm-deberta-v3', 'spm.model'));

test('the fields of a real model: pieces with scores and types, trainer and normalizer specs', () => {
  const model = parseSentencePieceModel(realModel(), 'spm.model');
  assert.equal(model.pieces.length, 2000);
  assert.deepEqual(
    model.pieces.slice(0, 4).map((p) => [p.piece, p.score, p.type]),
    [
      ['[PAD]', 0, 3],
      ['[CLS]', 0, 3],
      ['[SEP]', 0, 3],
      ['[UNK]', 0, 2],
    ],
  );
  // What Python's sentencepiece_model_pb2 reads from the same file (a float32 score).
  assert.equal(model.pieces[4].piece, '▁');
  assert.equal(model.pieces[4].score, Math.fround(-3.117258310317993));
  assert.deepEqual(model.trainerSpec, { modelType: 1, unkId: 3, byteFallback: false });
  assert.equal(model.normalizerSpec.name, 'nmt_nfkc');
  assert.equal(model.normalizerSpec.precompiledCharsmap.length, 240007);
  assert.equal(model.normalizerSpec.addDummyPrefix, true);
});

test("DeBERTa-v3's folder (spm.model + tokenizer_config.json) loads with [MASK] after the pieces and [CLS]/[SEP] around", async () => {
  const tokenizer = await loadTokenizer(join(FIXTURES, 'spm-deberta-v3'));
  assert.equal(tokenizer.model.kind, 'Unigram');
  assert.deepEqual(tokenizer.specialTokens, { cls: 1, sep: 2, bos: 1, eos: 2, pad: 0, unk: 3, mask: 2000 });
  assert.equal(tokenizer.vocabSize, 2001);
  const pair = tokenizer.encode('Ｈｅｌｌｏ [MASK]', 'x');
  assert.equal(pair.tokens[0], '[CLS]');
  assert.ok(pair.tokens.includes('[MASK]'));
  assert.deepEqual(pair.typeIds.slice(-2), [1, 1]);
});

test('a crafted XLM-R model: fairseq ids (<s> 0, <pad> 1, </s> 2, <unk> 3, pieces + 1, <mask> last)', async () => {
  const tokenizer = await loadTokenizer(writeFolder({ 'sentencepiece.bpe.model': modelBytes({ pieces: xlmrPieces() }) }));
  const encoding = tokenizer.encode('hello  world <mask>hex');
  // What Python tokenizers gives for the same bytes through XLMRobertaConverter (<mask> with lstrip; x unknown).
  assert.deepEqual(encoding.tokens, ['<s>', '▁hello', '▁world', ' <mask>', '▁', 'h', 'e', 'x', '</s>']);
  assert.deepEqual(encoding.ids, [0, 5, 6, 11, 4, 9, 10, 3, 2]);
  assert.deepEqual(encoding.offsets, [
    [0, 0],
    [0, 5],
    [6, 12],
    [12, 19],
    [19, 20],
    [19, 20],
    [20, 21],
    [21, 22],
    [0, 0],
  ]);
  assert.deepEqual(tokenizer.specialTokens, { cls: 0, sep: 2, bos: 0, eos: 2, pad: 1, unk: 3, mask: 11 });
});

test('not a SentencePiece model, or truncated: one line naming the file', async () => {
  const real = realModel();
  await rejects({ 'spm.model': real.subarray(0, 5000) }, 'spm.model', /pieces\[\d+\].*truncated or not a SentencePiece model/);
  await rejects({ 'spm.model': real.subarray(0, real.length - 3) }, 'spm.model', /normalizer_spec.*truncated or not a SentencePiece model/);
  await rejects({ 'spm.model': '{"model": {"type": "Unigram"}}' }, 'spm.model', /truncated or not a SentencePiece model|wire type/);
  await rejects({ 'spm.model': new Uint8Array(0) }, 'spm.model', /pieces: none \(not a SentencePiece model\?\)/);
  await rejects({ 'spm.model': readFileSync(join(FIXTURES, 'unigram-tiny', 'tokenizer.json')) }, 'spm.model', /not a SentencePiece model/);
});

test('broken pieces, scores and specs name the field', async () => {
  const with_ = (change: (pieces: Piece[]) => void, spec: Partial<ModelSpec> = {}) => {
    const pieces = xlmrPieces();
    change(pieces);
    return { 'sentencepiece.bpe.model': modelBytes({ pieces, ...spec }) };
  };
  const file = 'sentencepiece.bpe.model';
  await rejects(
    with_((p) => (p[5].score = NaN)),
    file,
    /pieces\[5\]\.score: expected a finite score, found NaN/,
  );
  await rejects(
    with_((p) => (p[6].score = -Infinity)),
    file,
    /pieces\[6\]\.score: expected a finite score, found -Infinity/,
  );
  await rejects(
    with_((p) => (p[4].piece = '')),
    file,
    /pieces\[4\]\.piece: empty/,
  );
  await rejects(
    with_((p) => (p[7].piece = '▁hello')),
    file,
    /pieces\[7\]\.piece: "▁hello" is pieces\[4\] already/,
  );
  await rejects(
    with_((p) => (p[7].piece = new Uint8Array([0x61, 0xff]))),
    file,
    /pieces\[7\]\.piece: not valid UTF-8/,
  );
  await rejects(
    with_((p) => (p[3].type = 9)),
    file,
    /pieces\[3\]\.type: unknown piece type 9/,
  );
  await rejects(
    with_(() => {}, { modelType: 2 }),
    file,
    /trainer_spec\.model_type: BPE SentencePiece models are not supported \(supported: UNIGRAM\)/,
  );
  await rejects(
    with_(() => {}, { modelType: 7 }),
    file,
    /trainer_spec\.model_type: model type 7 SentencePiece models are not supported/,
  );
  await rejects(
    with_(() => {}, { unkId: 10 }),
    file,
    /trainer_spec\.unk_id: 10 is not a piece \(the model has 10\)/,
  );
  await rejects(
    with_(() => {}, { charsmap: new Uint8Array([8, 0, 0, 0, 1]) }),
    file,
    /normalizer_spec\.precompiled_charsmap: broken charsmap/,
  );
});

test('SentencePiece models of other families, and a tokenizer_class that does not read the file', async () => {
  const model = modelBytes({ pieces: xlmrPieces() });
  await rejects({ 'spiece.model': model }, 'spiece.model', /only DeBERTa-v2\/v3 \(spm\.model\) and XLM-R \(sentencepiece\.bpe\.model\)/);
  await rejects(
    { 'spm.model': model, 'tokenizer_config.json': '{"tokenizer_class": "T5Tokenizer"}' },
    'tokenizer_config.json',
    /tokenizer_class: 'T5Tokenizer' does not read spm\.model \(DebertaV2Tokenizer does\)/,
  );
});

test('added_tokens.json: ids that clash with the vocabulary, and entries that are not ids, name the file and the token', async () => {
  const model = modelBytes({ pieces: xlmrPieces() });
  const file = 'added_tokens.json';
  await rejects({ 'sentencepiece.bpe.model': model, [file]: '{"▁hello": 7}' }, file, /▁hello: the vocabulary has '▁hello' at 5/);
  await rejects({ 'sentencepiece.bpe.model': model, [file]: '{"<e>": 4}' }, file, /<e>: 4 is inside the vocabulary \(ids below 12\), not after it/);
  await rejects({ 'sentencepiece.bpe.model': model, [file]: '{"<e>": "twelve"}' }, file, /<e>: expected an integer/);
  await rejects({ 'sentencepiece.bpe.model': model, [file]: '["<e>"]' }, file, /expected an object of \{"token": id\}/);
  const tokenizer = await loadTokenizer(writeFolder({ 'sentencepiece.bpe.model': model, [file]: '{"<e>": 12}' }));
  assert.deepEqual(tokenizer.encode('hello<e>world').tokens, ['<s>', '▁hello', '<e>', '▁world', '</s>']);
});
