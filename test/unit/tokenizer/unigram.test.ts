// SentencePiece parts beyond the parity fixtures: grapheme clusters segmented a chunk at a time agree
// with segmenting the whole text, and long runs (that ICU segments in quadratic time) stay fast enough
// to finish; what a Unigram tokenizer gives for unknown characters and byte fallback; the Punctuation
// pre-tokenizer's five delimiter behaviours.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadTokenizer } from '../../../src/core/model/tokenizer';
import { NormalizedString, codePoints } from '../../../src/core/model/tokenizer/normalizedString';
import { type DelimiterBehavior, punctuation } from '../../../src/core/model/tokenizer/preTokenizers';
import { graphemes } from '../../../src/core/model/tokenizer/precompiled';
import { SeededRandom } from '../../../src/core/util/random';
import { FIXTURES } from './fixtures';

const PIECES = [
  '🇺🇸',
  '🇫',
  '👨\u200d👩\u200d👧',
  '👍🏽',
  '\u200d',
  '\ufe0f',
  'e\u0301\u0302',
  '\u1100\u1161\u11a8',
  '각',
  'क्ष',
  'ि',
  '\r\n',
  '\r',
  'a',
  ' ',
  '1\ufe0f\u20e3',
  '\u0600',
  '\ud800',
];

function wholeText(chars: number[]): [number, number][] {
  const out: [number, number][] = [];
  let index = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(String.fromCodePoint(...chars))) {
    const length = codePoints(segment).length;
    out.push([index, index + length]);
    index += length;
  }
  return out;
}

test('grapheme clusters segmented chunk by chunk are those of the whole text', () => {
  const random = new SeededRandom(11);
  for (let i = 0; i < 60; i++) {
    let text = '';
    const length = 100 + Math.floor(random.next() * 1200);
    while (text.length < length) text += PIECES[Math.floor(random.next() * PIECES.length)];
    const chars = codePoints(text);
    assert.deepStrictEqual(graphemes(chars), wholeText(chars), `text #${i} ${JSON.stringify(text.slice(0, 60))}`);
  }
  // One cluster longer than a chunk (a letter with 1000 combining marks), then more text.
  const chars = codePoints(`x${'\u0301'.repeat(1000)}y 🇺🇸`);
  assert.deepStrictEqual(graphemes(chars), wholeText(chars));
});

test('Unigram: unknown runs fuse into one token with its text; byte fallback gives the UTF-8 bytes', async () => {
  const xlmr = await loadTokenizer(join(FIXTURES, 'unigram-xlmr-converter'));
  const unknown = xlmr.encode('中文字符', undefined, { addSpecialTokens: false });
  assert.deepStrictEqual(unknown.tokens, ['▁', '中文字符']);
  assert.deepStrictEqual(unknown.ids, [xlmr.tokenToId('▁'), xlmr.specialTokens.unk]);
  assert.deepStrictEqual(unknown.offsets, [
    [0, 1],
    [0, 4],
  ]);

  const bytes = await loadTokenizer(join(FIXTURES, 'unigram-byte-fallback'));
  const fallback = bytes.encode('中', undefined, { addSpecialTokens: false });
  assert.deepStrictEqual(fallback.tokens, ['<0xE4>', '<0xB8>', '<0xAD>']);
  assert.deepStrictEqual(fallback.offsets, [
    [0, 1],
    [0, 1],
    [0, 1],
  ]);
});

test('Punctuation splits as Python tokenizers does with each behaviour', () => {
  // pre_tokenizers.Punctuation(behavior).pre_tokenize_str(text) in tokenizers 0.23.3.
  const text = '-the-final--countdown!?x.';
  const expected: Record<DelimiterBehavior, [string, number, number][]> = {
    Removed: [
      ['the', 1, 4],
      ['final', 5, 10],
      ['countdown', 12, 21],
      ['x', 23, 24],
    ],
    Isolated: [
      ['-', 0, 1],
      ['the', 1, 4],
      ['-', 4, 5],
      ['final', 5, 10],
      ['-', 10, 11],
      ['-', 11, 12],
      ['countdown', 12, 21],
      ['!', 21, 22],
      ['?', 22, 23],
      ['x', 23, 24],
      ['.', 24, 25],
    ],
    MergedWithPrevious: [
      ['-', 0, 1],
      ['the-', 1, 5],
      ['final-', 5, 11],
      ['-', 11, 12],
      ['countdown!', 12, 22],
      ['?', 22, 23],
      ['x.', 23, 25],
    ],
    MergedWithNext: [
      ['-the', 0, 4],
      ['-final', 4, 10],
      ['-', 10, 11],
      ['-countdown', 11, 21],
      ['!', 21, 22],
      ['?x', 22, 24],
      ['.', 24, 25],
    ],
    Contiguous: [
      ['-', 0, 1],
      ['the', 1, 4],
      ['-', 4, 5],
      ['final', 5, 10],
      ['--', 10, 12],
      ['countdown', 12, 21],
      ['!?', 21, 23],
      ['x', 23, 24],
      ['.', 24, 25],
    ],
  };
  for (const [behavior, words] of Object.entries(expected)) {
    const split = punctuation(behavior as DelimiterBehavior)(NormalizedString.fromText(text));
    assert.deepStrictEqual(
      split.map((w) => [w.toString(), ...w.originalSpan(0, w.length)]),
      words,
      behavior,
    );
  }
});
