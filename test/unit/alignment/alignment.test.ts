import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { alignDocuments, bestWindowPerPiece, iob2Labels, wordTagsToSpans, type AlignOptions, type WordSplit } from '../../../src/core/data/alignment';
import type { NerDocument, Span } from '../../../src/core/data/types';
import type { Tokenizer } from '../../../src/core/model/tokenizer';
import { tinyTokenizers, type TinyTokenizers } from './tinyTokenizers';

const id2label = iob2Labels(['PER', 'LOC']);
const labelIds = new Map(id2label.map((l, i) => [l, i]));
const [O, B_PER, I_PER, B_LOC] = [0, 1, 2, 3];
const options = (wordSplit: WordSplit, extra: Partial<AlignOptions> = {}): AlignOptions => ({ maxLength: 64, stride: 8, wordSplit, ...extra });
const span = (text: string, part: string, label: string, from = 0): Span => {
  const start = text.indexOf(part, from);
  assert.ok(start >= 0, `'${part}' is not in the text`);
  return { start, end: start + part.length, label };
};
const doc = (text: string, spans: Span[] = []): NerDocument => ({ id: 'doc', text, spans });

let tokenizers: TinyTokenizers;
before(async () => (tokenizers = await tinyTokenizers()));
after(() => tokenizers.remove());

test('whitespace mode splits on whitespace; tokenizer mode uses the pre-tokenizer words', () => {
  const text = 'John Smith, in Paris!';
  const words = (wordSplit: WordSplit) =>
    alignDocuments([doc(text)], tokenizers.bert, labelIds, options(wordSplit)).documents[0].words.map((w) => text.slice(w.start, w.end));
  assert.deepEqual(words('whitespace'), ['John', 'Smith,', 'in', 'Paris!']);
  assert.deepEqual(words('tokenizer'), ['John', 'Smith', ',', 'in', 'Paris', '!']);
});

test('only the first sub-word of a word carries its label; the others get -100', () => {
  const text = 'Smithing walks in Paris';
  const d = doc(text, [span(text, 'Smithing', 'PER'), span(text, 'Paris', 'LOC')]);
  const { windows, documents } = alignDocuments([d], tokenizers.bert, labelIds, options('whitespace'));
  const tokens = windows[0].inputIds.map((id) => tokenizers.bert.idToToken(id));
  assert.deepEqual(tokens, ['[CLS]', 'smith', '##ing', 'w', '##a', '##l', '##k', '##s', 'in', 'paris', '[SEP]']);
  assert.deepEqual(windows[0].labels, [-100, B_PER, -100, O, -100, -100, -100, -100, O, B_LOC, -100]);
  assert.deepEqual(windows[0].specialTokensMask, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(documents[0].firstPieceOfWord, [0, 2, 7, 8]);
  assert.deepEqual(documents[0].wordTags, ['B-PER', 'O', 'O', 'B-LOC']);
});

test("labelAllSubwords labels continuations I- of the word's entity (O stays O)", () => {
  const text = 'Smithing walks in Paris';
  const d = doc(text, [span(text, 'Smithing', 'PER'), span(text, 'Paris', 'LOC')]);
  const { windows } = alignDocuments([d], tokenizers.bert, labelIds, options('whitespace', { labelAllSubwords: true }));
  assert.deepEqual(windows[0].labels, [-100, B_PER, I_PER, O, O, O, O, O, O, B_LOC, -100]);
});

for (const wordSplit of ['whitespace', 'tokenizer'] as const) {
  test(`spans off word boundaries are reported and widened to whole words, never dropped (${wordSplit})`, () => {
    const text = 'I visit New York today';
    const spans = [span(text, 'isi', 'PER'), span(text, 'New Yo', 'LOC'), { start: 1, end: 2, label: 'PER' }];
    const { documents, problems } = alignDocuments([doc(text, spans)], tokenizers.bert, labelIds, options(wordSplit));
    assert.deepEqual(documents[0].wordTags, ['O', 'B-PER', 'B-LOC', 'I-LOC', 'O']);
    assert.deepEqual(
      problems.map((p) => p.text),
      [' ', 'isi', 'New Yo'],
    );
    assert.deepEqual(wordTagsToSpans(documents[0].words, documents[0].wordTags), [{ ...span(text, 'visit', 'PER') }, { ...span(text, 'New York', 'LOC') }]);
  });
}

test('an unknown label is a clear error', () => {
  const text = 'John went to Paris';
  assert.throws(
    () => alignDocuments([doc(text, [span(text, 'John', 'ORG')])], tokenizers.bert, labelIds, options('whitespace')),
    /label 'ORG' is not among the project's labels/,
  );
});

const ONE_PIECE_WORDS = ['the', 'a', 'is', 'in', 'of', 'and', 'to', 'at', 'on', 'new'];

test('windows with a stride cover every piece, overlap by the stride and keep [CLS] ... [SEP]', () => {
  const text = Array.from({ length: 40 }, (_, i) => ONE_PIECE_WORDS[i % ONE_PIECE_WORDS.length]).join(' ');
  const spans = [span(text, 'on new', 'LOC')];
  const encoding = tokenizers.bert.encode(text, undefined, { addSpecialTokens: false });
  assert.equal(encoding.ids.length, 40);
  const { windows, documents } = alignDocuments([doc(text, spans)], tokenizers.bert, labelIds, { maxLength: 10, stride: 3, wordSplit: 'tokenizer' });
  assert.deepEqual(
    windows.map((w) => [w.first, w.last]),
    [
      [0, 8],
      [5, 13],
      [10, 18],
      [15, 23],
      [20, 28],
      [25, 33],
      [30, 38],
      [35, 40],
    ],
  );
  const seen = new Array<number>(40).fill(0);
  for (const w of windows) {
    assert.ok(w.inputIds.length <= 10);
    assert.deepEqual(w.inputIds, [2, ...encoding.ids.slice(w.first, w.last), 3]);
    assert.deepEqual(w.specialTokensMask, [1, ...new Array(w.last - w.first).fill(0), 1]);
    assert.equal(w.labels.length, w.inputIds.length);
    for (let p = w.first; p < w.last; p++) seen[p]++;
  }
  assert.ok(
    seen.every((n) => n >= 1),
    'every piece is in some window',
  );
  // 'on new' is words 8 and 9, pieces 8 and 9: inside windows 1 ([5, 13)) at positions 4 and 5.
  assert.deepEqual(windows[1].labels.slice(4, 6), [B_LOC, B_LOC + 1]);
  assert.deepEqual(documents[0].wordTags.slice(8, 10), ['B-LOC', 'I-LOC']);
});

test('bestWindowPerPiece picks the window where a piece is most central, and its position there', () => {
  const text = Array.from({ length: 40 }, (_, i) => ONE_PIECE_WORDS[i % ONE_PIECE_WORDS.length]).join(' ');
  const { windows } = alignDocuments([doc(text)], tokenizers.bert, labelIds, { maxLength: 10, stride: 3, wordSplit: 'tokenizer' });
  const ids = tokenizers.bert.encode(text, undefined, { addSpecialTokens: false }).ids;
  const best = bestWindowPerPiece(windows, 40);
  best.forEach(({ window, position }, p) => {
    const w = windows[window];
    assert.ok(w.first <= p && p < w.last, `piece ${p} is in its window`);
    assert.equal(w.inputIds[position], ids[p], `position of piece ${p}`);
    const margin = (x: { first: number; last: number }) => Math.min(p - x.first, x.last - 1 - p);
    const bestMargin = Math.max(...windows.filter((x) => x.first <= p && p < x.last).map(margin));
    assert.equal(margin(w), bestMargin, `piece ${p} has the most context on both sides`);
  });
  // Piece 7 is the last of window 0 but has 2 pieces of context on its left in window 1.
  assert.deepEqual(best[7], { window: 1, position: 3 });
  assert.deepEqual(best[0], { window: 0, position: 1 });
  assert.deepEqual(best[39], { window: 7, position: 5 });
});

test('a stride as large as the window still advances, and too small a maxLength is refused', () => {
  const text = ONE_PIECE_WORDS.join(' ');
  const { windows } = alignDocuments([doc(text)], tokenizers.bert, labelIds, { maxLength: 6, stride: 100, wordSplit: 'whitespace' });
  assert.deepEqual(
    windows.map((w) => w.first),
    [0, 1, 2, 3, 4, 5, 6],
  );
  assert.throws(() => alignDocuments([doc(text)], tokenizers.bert, labelIds, { maxLength: 3, stride: 0, wordSplit: 'whitespace' }), /maxLength 3 is too small/);
});

test('an empty document gives one [CLS] [SEP] window with nothing to score', () => {
  const { windows } = alignDocuments([doc('')], tokenizers.bert, labelIds, options('whitespace'));
  assert.deepEqual(
    windows.map((w) => [w.inputIds, w.labels]),
    [
      [
        [2, 3],
        [-100, -100],
      ],
    ],
  );
});

// CRLF line ends, a precomposed and a decomposed accent, an emoji with a skin-tone modifier (4 UTF-16 units).
const UNICODE_TEXT = 'Café\r\nJosé 👍🏽 visits Rene\u0301\r\nin Paris .\r\n';
const UNICODE_SPANS = [span(UNICODE_TEXT, 'José', 'PER'), span(UNICODE_TEXT, 'Rene\u0301', 'PER'), span(UNICODE_TEXT, 'Paris', 'LOC')];

for (const family of ['bert', 'roberta'] as const) {
  for (const wordSplit of ['whitespace', 'tokenizer'] as const) {
    test(`CRLF, emoji and combining characters keep offsets right (${family}, ${wordSplit})`, () => {
      const tokenizer: Tokenizer = tokenizers[family];
      const { documents, problems, windows } = alignDocuments([doc(UNICODE_TEXT, UNICODE_SPANS)], tokenizer, labelIds, options(wordSplit));
      assert.deepEqual(problems, []);
      const { words, wordTags, firstPieceOfWord } = documents[0];
      for (const w of words) assert.match(UNICODE_TEXT.slice(w.start, w.end), /^\S+$/u, `word [${w.start}, ${w.end}) is not empty and has no whitespace`);
      assert.ok(
        firstPieceOfWord.every((p) => p >= 0),
        'every word has a piece',
      );
      assert.deepEqual(wordTagsToSpans(words, wordTags), UNICODE_SPANS);
      // The labelled pieces are the first pieces of the entity words.
      const labelled = windows[0].labels.flatMap((l, i) => (l === B_PER || l === B_LOC ? [i - 1] : []));
      const entityWords = wordTags.flatMap((t, i) => (t.startsWith('B-') ? [i] : []));
      assert.deepEqual(
        labelled,
        entityWords.map((w) => firstPieceOfWord[w]),
      );
    });
  }
}
