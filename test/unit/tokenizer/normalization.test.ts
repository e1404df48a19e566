// Every normalised character keeps the span of the original text it came from.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toByteLevel } from '../../../src/core/model/tokenizer/byteLevel';
import { NormalizedString } from '../../../src/core/model/tokenizer/normalizedString';
import { bertNormalizer, lowercase, stripAccents, unicodeForm } from '../../../src/core/model/tokenizer/normalizers';

/** [character, original slice] per normalised character. */
function aligned(normalized: NormalizedString, original: string): [string, string][] {
  return normalized.chars.map((cp, i) => [String.fromCodePoint(cp), original.slice(normalized.starts[i], normalized.ends[i])]);
}

const uncased = bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: null, lowercase: true });

test('surrogate pairs are one character; lone surrogates are kept, one unit each', () => {
  const text = 'a😀\ud800b\udc00';
  assert.deepStrictEqual(aligned(NormalizedString.fromText(text), text), [
    ['a', 'a'],
    ['😀', '😀'],
    ['\ud800', '\ud800'],
    ['b', 'b'],
    ['\udc00', '\udc00'],
  ]);
  assert.equal(NormalizedString.fromText(text).toString(), text);
});

test('lowercasing that changes length: İ becomes i + U+0307, both on İ', () => {
  const text = 'İx';
  assert.deepStrictEqual(aligned(lowercase(NormalizedString.fromText(text)), text), [
    ['i', 'İ'],
    ['\u0307', 'İ'],
    ['x', 'x'],
  ]);
});

test('NFD splits é into e + U+0301 on é; accent stripping keeps e on é', () => {
  const text = 'é!';
  assert.deepStrictEqual(aligned(unicodeForm('NFD')(NormalizedString.fromText(text)), text), [
    ['e', 'é'],
    ['\u0301', 'é'],
    ['!', '!'],
  ]);
  assert.deepStrictEqual(aligned(uncased(NormalizedString.fromText(text)), text), [
    ['e', 'é'],
    ['!', '!'],
  ]);
});

test('NFC composes e + U+0301 onto the e; StripAccents drops the mark', () => {
  const text = 'e\u0301x';
  assert.deepStrictEqual(aligned(unicodeForm('NFC')(NormalizedString.fromText(text)), text), [
    ['é', 'e'],
    ['x', 'x'],
  ]);
  assert.deepStrictEqual(aligned(stripAccents(NormalizedString.fromText(text)), text), [
    ['e', 'e'],
    ['x', 'x'],
  ]);
});

test('NFKC expands ligatures onto the ligature', () => {
  const text = 'ﬁ²';
  assert.deepStrictEqual(aligned(unicodeForm('NFKC')(NormalizedString.fromText(text)), text), [
    ['f', 'ﬁ'],
    ['i', 'ﬁ'],
    ['2', '²'],
  ]);
});

test('BERT cleaning: control characters go, whitespace becomes a space, CJK gets padded', () => {
  const text = 'a\u0000\u200bb\tc日';
  assert.deepStrictEqual(aligned(uncased(NormalizedString.fromText(text)), text), [
    ['a', 'a'],
    ['b', 'b'],
    [' ', '\t'],
    ['c', 'c'],
    [' ', '日'],
    ['日', '日'],
    [' ', '日'],
  ]);
});

test('byte-level: every UTF-8 byte of a character sits on that character', () => {
  const text = '€😀';
  const bytes = aligned(toByteLevel(NormalizedString.fromText(text)), text);
  assert.deepStrictEqual(
    bytes.map(([, source]) => source),
    ['€', '€', '€', '😀', '😀', '😀', '😀'],
  );
  assert.equal(bytes.map(([c]) => c).join(''), 'âĤ¬ðŁĺĢ');
});

test('a prepended character has an empty span where the text starts', () => {
  const prefixed = NormalizedString.fromText('xab', 1).prepend([0x20]);
  assert.deepStrictEqual(
    [prefixed.starts, prefixed.ends],
    [
      [1, 1, 2],
      [1, 2, 3],
    ],
  );
  assert.equal(prefixed.isVirtual(0), true);
  assert.deepStrictEqual(prefixed.originalSpan(0, 3), [1, 3]);
});
