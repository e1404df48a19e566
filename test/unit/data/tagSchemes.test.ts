import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canFollow, convertTags, spansToTags, tagsToSpans, TAG_SCHEMES, type TokenSpan } from '../../../src/core/data/formats/tagSchemes.js';

const spans: TokenSpan[] = [
  { start: 0, end: 2, label: 'PER' },
  { start: 2, end: 3, label: 'PER' },
  { start: 4, end: 5, label: 'LOC' },
  { start: 5, end: 8, label: 'creative-work' },
];

describe('tag schemes', () => {
  it('writes each scheme canonically', () => {
    assert.deepEqual(spansToTags(9, spans, 'IOB2'), ['B-PER', 'I-PER', 'B-PER', 'O', 'B-LOC', 'B-creative-work', 'I-creative-work', 'I-creative-work', 'O']);
    assert.deepEqual(spansToTags(9, spans, 'IOB1'), ['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC', 'I-creative-work', 'I-creative-work', 'I-creative-work', 'O']);
    assert.deepEqual(spansToTags(9, spans, 'BIOES'), ['B-PER', 'E-PER', 'S-PER', 'O', 'S-LOC', 'B-creative-work', 'I-creative-work', 'E-creative-work', 'O']);
  });

  it('reads back what it writes, in every scheme', () => {
    for (const scheme of TAG_SCHEMES) assert.deepEqual(tagsToSpans(spansToTags(9, spans, scheme), scheme), spans, scheme);
  });

  it('converts between schemes', () => {
    assert.deepEqual(convertTags(['B-X', 'I-X', 'I-X', 'B-Y'], 'IOB2', 'BIOES'), ['B-X', 'I-X', 'E-X', 'S-Y']);
  });

  it('reports invalid strict sequences with the token index', () => {
    const cases: [string[], 'IOB2' | 'IOB1' | 'BIOES', string][] = [
      [['O', 'I-PER'], 'IOB2', 'token 1: tag "I-PER" follows "O": I-PER must continue a PER entity'],
      [['B-LOC', 'I-PER'], 'IOB2', 'token 1: tag "I-PER" follows "B-LOC": I-PER must continue a PER entity'],
      [['O', 'B-PER'], 'IOB1', 'token 1: tag "B-PER" follows "O": in IOB1, B- only separates two adjacent PER entities'],
      [['B-PER', 'O'], 'BIOES', 'token 1: tag "O" follows "B-PER": the entity opened by "B-PER" was not closed with E-PER'],
      [['B-PER', 'I-PER'], 'BIOES', 'token 1: tag "I-PER" ends the sentence: the entity opened by "B-PER" was not closed with E-PER'],
      [['O', 'E-PER'], 'BIOES', 'token 1: tag "E-PER" follows "O": E-PER must end a PER entity'],
      [['O', 'PER'], 'IOB2', 'token 1: tag "PER" is neither O nor B- or I-<label> (scheme IOB2)'],
      [['S-PER'], 'IOB2', 'token 0: tag "S-PER" is neither O nor B- or I-<label> (scheme IOB2)'],
      [['B-'], 'BIOES', 'token 0: tag "B-" is neither O nor B-, I-, E- or S-<label> (scheme BIOES)'],
    ];
    for (const [tags, scheme, message] of cases) assert.throws(() => tagsToSpans(tags, scheme), { message }, message);
  });

  it('repairs like conlleval when not strict', () => {
    assert.deepEqual(tagsToSpans(['O', 'I-PER', 'I-PER', 'I-LOC'], 'IOB2', { strict: false }), [
      { start: 1, end: 3, label: 'PER' },
      { start: 3, end: 4, label: 'LOC' },
    ]);
    assert.deepEqual(tagsToSpans(['B-PER', 'I-PER', 'O', 'E-LOC'], 'BIOES', { strict: false }), [
      { start: 0, end: 2, label: 'PER' },
      { start: 3, end: 4, label: 'LOC' },
    ]);
  });

  it('rejects overlapping or out-of-range spans when writing', () => {
    assert.throws(
      () =>
        spansToTags(
          3,
          [
            { start: 0, end: 2, label: 'A' },
            { start: 1, end: 3, label: 'B' },
          ],
          'IOB2',
        ),
      /span \[1, 3\) B overlaps span \[0, 2\) A/,
    );
    assert.throws(() => spansToTags(3, [{ start: 2, end: 4, label: 'A' }], 'IOB2'), /span \[2, 4\) A is not within the 3 tokens/);
  });

  it('knows which tag may follow which', () => {
    assert.equal(canFollow('B-X', 'I-X', 'IOB2'), true);
    assert.equal(canFollow('O', 'I-X', 'IOB2'), false);
    assert.equal(canFollow('I-X', 'O', 'BIOES'), false);
    assert.equal(canFollow('E-X', 'S-Y', 'BIOES'), true);
  });
});
