import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { separateEntityWords, splitIntoLines } from '../../../src/core/data/documentLines.js';

describe('splitIntoLines', () => {
  it('makes a sentence of each non-blank line, with shifted spans and the line in the id', () => {
    const text = 'Ann met Bob.\r\n\r\n  \r\nThen Carl\nleft Paris';
    const lines = splitIntoLines({
      id: 'a.txt',
      text,
      spans: [
        { start: 0, end: 3, label: 'person' },
        { start: 25, end: 29, label: 'person' },
        { start: 35, end: 40, label: 'location' },
      ],
    });
    assert.deepEqual(lines, [
      { id: 'a.txt:1', text: 'Ann met Bob.\r', spans: [{ start: 0, end: 3, label: 'person' }] },
      { id: 'a.txt:4', text: 'Then Carl', spans: [{ start: 5, end: 9, label: 'person' }] },
      { id: 'a.txt:5', text: 'left Paris', spans: [{ start: 5, end: 10, label: 'location' }] },
    ]);
  });

  it('keeps lines together where an entity crosses a line break', () => {
    const text = 'a\nThe New\nYork\nTimes x\nb';
    const [first, second, third] = splitIntoLines({ id: 'f', text, spans: [{ start: 2, end: 21, label: 'corporation' }] });
    assert.deepEqual(first, { id: 'f:1', text: 'a', spans: [] });
    assert.deepEqual(second, { id: 'f:2', text: 'The New\nYork\nTimes x', spans: [{ start: 0, end: 19, label: 'corporation' }] });
    assert.deepEqual(third, { id: 'f:5', text: 'b', spans: [] });
  });
});

describe('separateEntityWords', () => {
  it('inserts a space where a span starts or ends inside a word, and moves the spans with the text', () => {
    const document = {
      id: 'd',
      text: "(Japan), Harry's book",
      spans: [
        { start: 1, end: 6, label: 'location' },
        { start: 9, end: 14, label: 'person' },
      ],
    };
    const spaced = separateEntityWords(document);
    assert.equal(spaced.text, "( Japan ), Harry 's book");
    assert.deepEqual(
      spaced.spans.map((s) => spaced.text.slice(s.start, s.end)),
      ['Japan', 'Harry'],
    );
    const clean = { id: 'c', text: 'Ann left', spans: [{ start: 0, end: 3, label: 'person' }] };
    assert.equal(separateEntityWords(clean), clean);
  });
});
