// The public surface: special tokens read from the files, vocabSize, options of encode, offsets into the text.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadTokenizer } from '../../../src/core/model/tokenizer';
import { FIXTURES } from './fixtures';
import { removeFolders, writeFolder } from './tinyTokenizers';

after(removeFolders);

const load = (name: string) => loadTokenizer(join(FIXTURES, name));

test('MiniLM (vocab.txt + tokenizer_config.json): special tokens and vocabulary size from the files', async () => {
  const tokenizer = await load('minilm');
  assert.deepStrictEqual(tokenizer.specialTokens, { cls: 101, sep: 102, pad: 0, unk: 100, mask: 103 });
  assert.deepStrictEqual(
    [...tokenizer.specialTokenIds].sort((a, b) => a - b),
    [0, 100, 101, 102, 103],
  );
  assert.equal(tokenizer.vocabSize, 30522);
  assert.equal(tokenizer.modelMaxLength, 512);
  assert.equal(tokenizer.numSpecialTokensToAdd(false), 2);
  assert.equal(tokenizer.numSpecialTokensToAdd(true), 3);
});

test('WordPiece tokenizer.json without config files: roles from added tokens and the post-processor', async () => {
  const tokenizer = await load('wordpiece-cased');
  assert.deepStrictEqual(tokenizer.specialTokens, { cls: 2, sep: 3, pad: 0, unk: 1, mask: 4 });
  assert.equal(tokenizer.vocabSize, 3000);
  assert.equal(tokenizer.tokenToId('[SEP]'), 3);
  assert.equal(tokenizer.idToToken(2), '[CLS]');
});

test('byte-level BPE: <s> and </s> play cls/bos and sep/eos, from tokenizer.json and from tokenizer_config.json', async () => {
  for (const name of ['bpe', 'bpe-files']) {
    const tokenizer = await load(name);
    assert.deepStrictEqual(tokenizer.specialTokens, { cls: 0, sep: 2, bos: 0, eos: 2, pad: 1, unk: 3, mask: 4 }, name);
    assert.equal(tokenizer.numSpecialTokensToAdd(true), 4);
  }
});

test('offsets slice the original text, emoji and accents included', async () => {
  const text = 'Ångström 👨‍👩‍👧 naïve İstanbul';
  for (const name of ['minilm', 'bpe', 'wordpiece-sequence']) {
    const tokenizer = await load(name);
    const encoding = tokenizer.encode(text);
    encoding.offsets.forEach(([start, end], i) => {
      if (encoding.specialTokensMask[i] === 1) return assert.deepStrictEqual([start, end], [0, 0]);
      assert.ok(0 <= start && start <= end && end <= text.length, `${name} token ${i}`);
      assert.ok(!isInsidePair(text, start) && !isInsidePair(text, end), `${name}: ${start},${end} splits a surrogate pair`);
    });
  }
  const minilm = await load('minilm');
  const encoding = minilm.encode(text);
  const words = encoding.offsets.filter((_, i) => encoding.specialTokensMask[i] === 0).map(([s, e]) => text.slice(s, e));
  // 'ång' + '##strom' after lowercasing and accent stripping; the emoji family is one [UNK] (ZWJ removed).
  assert.deepStrictEqual(words.slice(0, 3), ['Ång', 'ström', '👨‍👩‍👧']);
  assert.ok(words.includes('İstanbul'));
});

test('encode options: without special tokens, and maxLength counting the special tokens', async () => {
  const tokenizer = await load('minilm');
  const plain = tokenizer.encode('hello world', undefined, { addSpecialTokens: false });
  assert.deepStrictEqual(plain.tokens, ['hello', 'world']);
  assert.deepStrictEqual(plain.wordIds, [0, 1]);
  assert.deepStrictEqual(plain.sequenceIds, [0, 0]);
  const cut = tokenizer.encode('one two three four five', undefined, { maxLength: 4 });
  assert.deepStrictEqual(cut.tokens, ['[CLS]', 'one', 'two', '[SEP]']);
  const pair = tokenizer.encode('one two three four five', 'six', { maxLength: 6 });
  assert.deepStrictEqual(pair.tokens, ['[CLS]', 'one', 'two', '[SEP]', 'six', '[SEP]']);
  assert.deepStrictEqual(pair.typeIds, [0, 0, 0, 0, 1, 1]);
  assert.deepStrictEqual(pair.sequenceIds, [null, 0, 0, null, 1, null]);
  assert.throws(() => tokenizer.encode('x', 'y', { maxLength: 2 }), /maxLength 2 cannot hold the 3 special tokens/);
});

test('special tokens typed in the text are kept whole, with their own offsets', async () => {
  const tokenizer = await load('bpe');
  const text = 'a <mask> b';
  const encoding = tokenizer.encode(text);
  const at = encoding.ids.indexOf(4);
  assert.equal(encoding.tokens[at], ' <mask>');
  assert.equal(text.slice(...encoding.offsets[at]), '<mask>');
  assert.equal(encoding.specialTokensMask[at], 0);
});

test("vocab.json folder: tokenizer_config.json's added_tokens_decoder gives <mask> its lstrip", async () => {
  const config = JSON.parse(readFileSync(join(FIXTURES, 'bpe-files', 'tokenizer_config.json'), 'utf8'));
  config.added_tokens_decoder = {
    '4': { content: '<mask>', lstrip: true, normalized: false, rstrip: false, single_word: false, special: true },
  };
  const dir = writeFolder({
    'vocab.json': readFileSync(join(FIXTURES, 'bpe-files', 'vocab.json')),
    'merges.txt': readFileSync(join(FIXTURES, 'bpe-files', 'merges.txt')),
    'tokenizer_config.json': JSON.stringify(config),
  });
  const fromFiles = await loadTokenizer(dir);
  const fromJson = await load('bpe');
  const text = 'hello <mask> world and <mask>x';
  assert.deepStrictEqual(fromFiles.encode(text), fromJson.encode(text));
  assert.ok(fromFiles.encode(text).tokens.includes(' <mask>'));
});

function isInsidePair(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  const next = text.charCodeAt(at);
  return before >= 0xd800 && before <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
}
