import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapToWords } from '../../../src/core/data/wordSnap.js';

const TEXT = 'Yesterday, Satya Nadella visited Coca-Cola in São Paulo.';
const snapped = (start: number, end: number) => {
  const r = snapToWords(TEXT, start, end);
  return r && TEXT.slice(r.start, r.end);
};
const at = (s: string) => TEXT.indexOf(s);

test('a partly selected word is completed', () => {
  assert.equal(snapped(at('atya'), at('atya') + 2), 'Satya');
  assert.equal(snapped(at('tya'), at('Nadella') + 3), 'Satya Nadella');
});

test('surrounding spaces and punctuation are trimmed', () => {
  assert.equal(snapped(at(', Satya'), at(' visited')), 'Satya Nadella');
  assert.equal(snapped(at('São'), TEXT.length), 'São Paulo');
});

test('punctuation is a boundary: one half of a hyphenated name is its own word', () => {
  assert.equal(snapped(at('Cola') + 1, at('Cola') + 2), 'Cola');
  assert.equal(snapped(at('Coca'), at('Cola') + 4), 'Coca-Cola');
});

test('a caret inside or touching a word gives that word', () => {
  assert.equal(snapped(at('Paulo') + 2, at('Paulo') + 2), 'Paulo');
  assert.equal(snapped(at('Paulo') + 5, at('Paulo') + 5), 'Paulo');
});

test('a selection without a word gives nothing', () => {
  assert.equal(snapToWords(TEXT, at(', '), at(', ') + 2), undefined);
  assert.equal(snapToWords('  ', 1, 1), undefined);
});

test('reversed and out-of-range selections are tolerated', () => {
  assert.equal(snapped(at('Nadella') + 7, at('Nadella')), 'Nadella');
  assert.equal(snapped(TEXT.length - 3, TEXT.length + 50), 'Paulo');
});

test('letters outside the BMP count as word characters', () => {
  const text = 'the 𝐀𝐁 team';
  const r = snapToWords(text, 5, 6)!;
  assert.equal(text.slice(r.start, r.end), '𝐀𝐁');
});
