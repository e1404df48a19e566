// Seeded fuzzing: random text from every Unicode plane (lone surrogates included) always encodes, with
// offsets in bounds and in order; mutated tokenizer files either load or fail with one line naming the file.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../../src/core/data/types';
import { type Encoding, type Tokenizer, loadTokenizer } from '../../../src/core/model/tokenizer';
import { FIXTURES } from './fixtures';
import { tinyBpeJson, tinyUnigramJson, tinyWordPieceJson, removeFolders, writeFolder } from './tinyTokenizers';
import { SeededRandom } from '../../../src/core/util/random';

after(removeFolders);

/** Seeded test inputs from the product's own PRNG (mulberry32). */
function random(seed: number): () => number {
  return new SeededRandom(seed).next;
}

const PIECES = ['[SEP]', '[CLS]', '<mask>', '<s>', ' <mask> ', 'İ', 'ß', 'ﬁ', 'e\u0301', '\u200d', '\ufe0f', '\r\n', '&gt;', 'http://t.co/x'];

function randomText(next: () => number, maxLength: number): string {
  const pick = (from: number, to: number) => from + Math.floor(next() * (to - from + 1));
  let text = '';
  const length = Math.floor(next() * maxLength);
  while (text.length < length) {
    const kind = Math.floor(next() * 12);
    if (kind === 0) text += String.fromCharCode(pick(0x20, 0x7e));
    else if (kind === 1) text += ' \t\n\r\u00a0\u3000\u2028\u0085\u000b'[pick(0, 8)];
    else if (kind === 2) text += String.fromCharCode(pick(0, 0x1f), pick(0x7f, 0x9f));
    else if (kind === 3) text += String.fromCharCode(pick(0x300, 0x36f));
    else if (kind === 4) text += String.fromCharCode(pick(0xc0, 0x24f));
    else if (kind === 5) text += String.fromCharCode(pick(0x4e00, 0x9fff), pick(0xac00, 0xd7a3), pick(0x600, 0x6ff));
    else if (kind === 6) text += String.fromCodePoint(pick(0x1f300, 0x1faff));
    else if (kind === 7) text += String.fromCodePoint(pick(0, 0x10ffff));
    else if (kind === 8) text += String.fromCharCode(pick(0xd800, 0xdfff));
    else if (kind === 9) text += PIECES[pick(0, PIECES.length - 1)];
    else if (kind === 10) text += 'abcdefghij'.repeat(pick(1, 15));
    else text += String.fromCodePoint(pick(0x10000, 0x3ffff));
  }
  return text;
}

function checkEncoding(tokenizer: Tokenizer, encoding: Encoding, texts: string[], label: string): void {
  const n = encoding.ids.length;
  for (const field of ['tokens', 'offsets', 'typeIds', 'specialTokensMask', 'wordIds', 'sequenceIds'] as const) {
    assert.equal(encoding[field].length, n, `${label}: ${field} length`);
  }
  const lastStart = [0, 0];
  for (let i = 0; i < n; i++) {
    const id = encoding.ids[i];
    assert.ok(Number.isInteger(id) && id >= 0 && id < tokenizer.vocabSize, `${label}: id ${id}`);
    const sequence = encoding.sequenceIds[i];
    const [start, end] = encoding.offsets[i];
    if (sequence === null) {
      assert.deepStrictEqual([start, end], [0, 0], `${label}: special token offsets`);
      continue;
    }
    const text = texts[sequence];
    assert.ok(0 <= start && start <= end && end <= text.length, `${label}: token ${i} offsets ${start},${end} outside [0, ${text.length}]`);
    assert.ok(start >= lastStart[sequence], `${label}: token ${i} starts at ${start}, before ${lastStart[sequence]}`);
    lastStart[sequence] = start;
  }
}

const FOLDERS = [
  'minilm',
  'wordpiece-cased',
  'wordpiece-sequence',
  'bpe',
  'bpe-prefix-space',
  'bpe-modernbert',
  'unigram-xlmr',
  'unigram-deberta-v3-converter',
  'unigram-byte-fallback',
  'unigram-tiny',
  'spm-deberta-v3',
  'spm-xlmr',
];

test('random text from every plane encodes without throwing; offsets in bounds and in order', async () => {
  for (const [f, folder] of FOLDERS.entries()) {
    const tokenizer = await loadTokenizer(join(FIXTURES, folder));
    const next = random(1000 + f);
    for (let i = 0; i < 300; i++) {
      const text = randomText(next, i % 50 === 0 ? 3000 : 60);
      const label = `${folder} #${i} ${JSON.stringify(text).slice(0, 80)}`;
      checkEncoding(tokenizer, tokenizer.encode(text), [text], label);
      if (i % 5 === 0) {
        const pair = randomText(next, 40);
        checkEncoding(tokenizer, tokenizer.encode(text, pair), [text, pair], `${label} (pair)`);
        const maxLength = 4 + Math.floor(next() * 20);
        const cut = tokenizer.encode(text, pair, { maxLength });
        assert.ok(cut.ids.length <= maxLength, `${label}: maxLength ${maxLength}`);
        checkEncoding(tokenizer, cut, [text, pair], `${label} (truncated pair)`);
      }
    }
  }
});

test('very long inputs (one 200k-character word, 40k words, 50k emoji) encode correctly', async () => {
  for (const folder of ['minilm', 'bpe', 'unigram-xlmr-converter']) {
    const tokenizer = await loadTokenizer(join(FIXTURES, folder));
    for (const text of ['abcdefghij'.repeat(20_000), 'word '.repeat(40_000), '😀'.repeat(50_000)]) {
      const encoding = tokenizer.encode(text);
      checkEncoding(tokenizer, encoding, [text], `${folder} ${text.slice(0, 10)}… (${text.length})`);
    }
  }
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const REPLACEMENTS: Json[] = [null, true, 0, -1, 2.5, 1e300, 2 ** 40, '', 'x', '[UNK]', 'Unigram', [], [1, 2], ['a b'], {}, { type: 'NFC' }];

/** Changes one random place of `value`: removes a key, or puts a value of another type there. */
function mutate(value: Json, next: () => number): Json {
  if (Array.isArray(value) && value.length > 0 && next() < 0.7) {
    const i = Math.floor(next() * value.length);
    const copy = [...value];
    if (next() < 0.2) copy.splice(i, 1);
    else copy[i] = mutate(copy[i], next);
    return copy;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && next() < 0.8) {
      const key = keys[Math.floor(next() * keys.length)];
      const copy = { ...value };
      if (next() < 0.15) delete copy[key];
      else copy[key] = mutate(copy[key], next);
      return copy;
    }
  }
  return REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)];
}

test('mutated tokenizer files load, or fail with one line naming the file', async () => {
  const dir = writeFolder({});
  const file = join(dir, 'tokenizer.json');
  const next = random(7);
  let loaded = 0;
  let refused = 0;
  const bases = [tinyWordPieceJson() as Json, tinyBpeJson() as Json, tinyUnigramJson() as Json];
  for (let i = 0; i < 450; i++) {
    let value = bases[i % 3];
    for (let k = 0, count = 1 + Math.floor(next() * 3); k < count; k++) value = mutate(value, next);
    let text = JSON.stringify(value);
    if (i % 10 === 9) text = text.slice(0, Math.floor(next() * text.length));
    writeFileSync(file, text);
    let tokenizer: Tokenizer;
    try {
      tokenizer = await loadTokenizer(dir);
    } catch (error) {
      assert.ok(error instanceof InputError, `mutation ${i}: ${String(error)} for ${text.slice(0, 300)}`);
      assert.ok(!error.message.includes('\n'), `mutation ${i}: multi-line message ${error.message}`);
      assert.ok(error.message.startsWith(dir), `mutation ${i}: does not name the file: ${error.message}`);
      refused++;
      continue;
    }
    loaded++;
    for (const sample of ['hello world', 'Hello <mask> [SEP] wörld! 👍🏽', randomText(next, 30)]) {
      try {
        checkEncoding(tokenizer, tokenizer.encode(sample, 'pair'), [sample, 'pair'], `mutation ${i}`);
      } catch (error) {
        assert.fail(`mutation ${i} loaded but failed to encode ${JSON.stringify(sample)}: ${String(error)} for ${text.slice(0, 300)}`);
      }
    }
  }
  assert.ok(loaded > 20 && refused > 20, `loaded ${loaded}, refused ${refused}`);
});

test('mutated precompiled charsmaps load, or fail with one line naming the file and the field', async () => {
  const dir = writeFolder({});
  const file = join(dir, 'tokenizer.json');
  const next = random(21);
  const base = tinyUnigramJson();
  const precompiled = (base.normalizer as { normalizers: Record<string, string>[] }).normalizers[0];
  const original = Buffer.from(precompiled.precompiled_charsmap, 'base64');
  const trieEnd = 4 + original.readUInt32LE(0);
  let loaded = 0;
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    let bytes = Buffer.from(original);
    for (let k = 0, count = 1 + Math.floor(next() * 4); k < count; k++) {
      const kind = Math.floor(next() * 10);
      // Mostly inside the trie's used units (the first 1 KB), where a change reaches lookups.
      const at = kind < 6 ? 4 + Math.floor(next() * Math.min(1024, trieEnd - 4)) : Math.floor(next() * bytes.length);
      if (kind < 8) bytes[at] = Math.floor(next() * 256);
      else if (kind === 8) bytes = bytes.subarray(0, at);
      else if (bytes.length >= 4) bytes.writeUInt32LE(Math.floor(next() * 2 ** 32), 4 * Math.floor(next() * Math.floor(bytes.length / 4)));
    }
    precompiled.precompiled_charsmap = bytes.toString('base64');
    writeFileSync(file, JSON.stringify(base));
    let tokenizer: Tokenizer;
    try {
      tokenizer = await loadTokenizer(dir);
    } catch (error) {
      assert.ok(error instanceof InputError, `mutation ${i}: ${String(error)}`);
      assert.ok(!error.message.includes('\n'), `mutation ${i}: multi-line message ${error.message}`);
      assert.ok(error.message.startsWith(`${file}: normalizer.normalizers[0].precompiled_charsmap: `), `mutation ${i}: ${error.message}`);
      refused++;
      continue;
    }
    loaded++;
    for (const sample of ['Ｆｕｌｌ ｶﾞ ™ tab\tnbsp\u00a0', randomText(next, 40), randomText(next, 40)]) {
      checkEncoding(tokenizer, tokenizer.encode(sample, 'pair'), [sample, 'pair'], `charsmap mutation ${i}`);
    }
  }
  assert.ok(loaded > 20 && refused > 20, `loaded ${loaded}, refused ${refused}`);
});

test('mutated SentencePiece models load, or fail with one line naming the file', async () => {
  const dir = writeFolder({});
  const file = join(dir, 'spm.model');
  const original = readFileSync(join(FIXTURES, 'spm-deberta-v3', 'spm.model'));
  // The pieces come first; the trainer and normalizer specs sit before the charsmap's 240 KB at the end.
  const specs = original.indexOf(Buffer.from('nmt_nfkc')) - 200;
  const next = random(33);
  let loaded = 0;
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    let bytes = Buffer.from(original);
    for (let k = 0, count = 1 + Math.floor(next() * 3); k < count; k++) {
      const kind = Math.floor(next() * 10);
      const at = kind < 4 ? Math.floor(next() * 2048) : kind < 7 ? specs + Math.floor(next() * 400) : Math.floor(next() * bytes.length);
      if (kind < 8) bytes[at] = Math.floor(next() * 256);
      else if (kind === 8) bytes = bytes.subarray(0, at);
      else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([Math.floor(next() * 256)]), bytes.subarray(at)]);
    }
    writeFileSync(file, bytes);
    let tokenizer: Tokenizer;
    try {
      tokenizer = await loadTokenizer(dir);
    } catch (error) {
      assert.ok(error instanceof InputError, `mutation ${i}: ${String(error)}`);
      assert.ok(!error.message.includes('\n'), `mutation ${i}: multi-line message ${error.message}`);
      assert.ok(error.message.startsWith(`${file}: `), `mutation ${i}: does not name the file: ${error.message}`);
      refused++;
      continue;
    }
    loaded++;
    for (const sample of ['Ｆｕｌｌ ｶﾞ ™ [MASK] tab\tnbsp\u00a0', randomText(next, 40)]) {
      checkEncoding(tokenizer, tokenizer.encode(sample, 'pair'), [sample, 'pair'], `spm.model mutation ${i}`);
    }
  }
  assert.ok(loaded > 20 && refused > 20, `loaded ${loaded}, refused ${refused}`);
});
