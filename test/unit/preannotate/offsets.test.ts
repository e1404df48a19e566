import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitIntoChunks } from '../../../src/core/preannotate/chunks.js';
import { locateEntities, wholeWordOccurrences } from '../../../src/core/preannotate/locate.js';
import { SeededRandom } from '../../../src/core/util/random.js';

const LABELS = new Set(['person', 'location', 'product']);

describe("locating a model's entities in the text", () => {
  it('places each occurrence the model meant among repeated words, and every occurrence when it names none', () => {
    const text = 'Paris Hilton flew to Paris. Paris, Texas is not Paris.';
    const { spans, problems } = locateEntities(
      text,
      [
        { text: 'Paris', label: 'location', occurrence: 2 },
        { text: 'Paris', label: 'location', occurrence: 4 },
        { text: 'Paris Hilton', label: 'person' },
      ],
      LABELS,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      spans.map((s) => [s.start, text.slice(s.start, s.end), s.label]),
      [
        [21, 'Paris', 'location'],
        [48, 'Paris', 'location'],
        [0, 'Paris Hilton', 'person'],
      ],
    );
    const every = locateEntities(text, [{ text: 'Paris', label: 'location' }], LABELS).spans;
    assert.deepEqual(
      every.map((s) => s.start),
      [0, 21, 28, 48],
    );
  });

  it('places an entity by the one occurrence of its context, and reports an ambiguous or missing context', () => {
    const text = 'Jordan met Jordan in Jordan.';
    const found = locateEntities(text, [{ text: 'Jordan', label: 'location', context: 'in Jordan' }], LABELS);
    assert.deepEqual(
      found.spans.map((s) => s.start),
      [21],
    );
    const bad = locateEntities(
      text,
      [
        { text: 'Jordan', label: 'person', context: 'Jordan' },
        { text: 'Jordan', label: 'person', context: 'Jordan met Jordan' },
        { text: 'Jordan', label: 'person', context: 'Jordan ate' },
      ],
      LABELS,
    );
    assert.deepEqual(bad.spans, []);
    assert.deepEqual(bad.problems, [
      '"Jordan" (person): its context "Jordan" occurs 3 times',
      '"Jordan" (person) occurs 2 times inside its context "Jordan met Jordan"',
      '"Jordan" (person): its context "Jordan ate" is not in the text',
    ]);
  });

  it('never places an entity inside a longer word, nor an occurrence the text does not hold', () => {
    const text = 'USA and US; Parisian US.';
    const { spans, problems } = locateEntities(
      text,
      [
        { text: 'US', label: 'location' },
        { text: 'Paris', label: 'location' },
        { text: 'US', label: 'location', occurrence: 3 },
      ],
      LABELS,
    );
    assert.deepEqual(
      spans.map((s) => s.start),
      [8, 21],
    );
    assert.deepEqual(problems, ['"Paris" (location) occurs only inside other words', '"US" (location): occurrence 3, but the text holds it 2 times']);
  });

  it("trims punctuation at the edges, as a person's selection is snapped", () => {
    const text = 'He said "Ada Lovelace." twice.';
    const { spans } = locateEntities(text, [{ text: '"Ada Lovelace."', label: 'person' }], LABELS);
    assert.deepEqual(
      spans.map((s) => text.slice(s.start, s.end)),
      ['Ada Lovelace'],
    );
  });

  it('lands exactly on Unicode (astral, combining, CJK, RTL) and CRLF text', () => {
    const text = 'Zoë 🙂 met Björn\r\nin 東京 and ناصر.\r\n\r\n🙂 Björn again; Zoë\u0301 too.';
    const entities = [
      { text: 'Zoë', label: 'person', occurrence: 1 },
      { text: 'Björn', label: 'person' },
      { text: '東京', label: 'location' },
      { text: 'ناصر', label: 'person' },
      { text: 'Zoë\u0301', label: 'person' },
    ];
    const { spans, problems } = locateEntities(text, entities, LABELS);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      spans.map((s) => text.slice(s.start, s.end)),
      ['Zoë', 'Björn', 'Björn', '東京', 'ناصر', 'Zoë\u0301'],
    );
    assert.equal(wholeWordOccurrences(text, 'Zoë').length, 1, 'Zoë followed by a combining accent is another word');
  });

  it('places 100% of 2,000 seeded entities on the exact characters named, given their text and occurrence', () => {
    const random = new SeededRandom(13).next;
    const words = ['Ada', 'ada', 'Paris', 'Zoë', '東京', 'e\u0301', 'New', 'York', 'New York', 'the', 'US', 'USA', 'Ελλάδα'];
    const separators = [' ', ' ', ', ', '\r\n', '\n\n', '. ', ' (', ') ', ' — ', ' 🙂 '];
    let checked = 0;
    for (let doc = 0; doc < 100; doc++) {
      let text = '';
      for (let i = 0; i < 60; i++) text += words[Math.floor(random() * words.length)] + separators[Math.floor(random() * separators.length)];
      for (let k = 0; k < 20; k++) {
        const needle = words[Math.floor(random() * words.length)];
        const places = wholeWordOccurrences(text, needle);
        if (places.length === 0) continue;
        const n = 1 + Math.floor(random() * places.length);
        const { spans, problems } = locateEntities(text, [{ text: needle, label: 'product', occurrence: n }], LABELS);
        assert.deepEqual(problems, []);
        assert.equal(spans.length, 1);
        assert.equal(spans[0].start, places[n - 1]);
        assert.equal(text.slice(spans[0].start, spans[0].end), needle);
        checked++;
      }
    }
    assert.ok(checked > 1500, `${checked} entities checked`);
  });
});

describe('long texts in parts', () => {
  it('cut at paragraph boundaries, covering the text once, each part within the limit', () => {
    const paragraphs = ['First paragraph, short.', 'Second one is a little longer than the first.', 'Third.\r\nWith a CRLF line.', 'Fourth paragraph closes.'];
    const text = paragraphs.join('\r\n\r\n');
    const chunks = splitIntoChunks(text, 60);
    assert.equal(chunks.map((c) => c.text).join(''), text);
    for (const chunk of chunks) {
      assert.equal(text.slice(chunk.start, chunk.start + chunk.text.length), chunk.text);
      assert.ok(chunk.text.length <= 60, JSON.stringify(chunk.text));
      assert.ok(chunk.start === 0 || /\n\s*$/.test(text.slice(0, chunk.start)), 'starts after a paragraph break');
    }
    assert.equal(splitIntoChunks(text, 10_000).length, 1);
  });

  it('cut a paragraph longer than the limit at line ends, then at spaces, never inside a word', () => {
    const text = `${'word '.repeat(40).trim()}\n${'other '.repeat(5).trim()}`;
    const chunks = splitIntoChunks(text, 50);
    assert.equal(chunks.map((c) => c.text).join(''), text);
    for (const chunk of chunks) {
      assert.ok(chunk.text.length <= 50);
      assert.ok(chunk.start === 0 || /\s/.test(text[chunk.start - 1]), `cut at ${chunk.start}`);
    }
  });
});
