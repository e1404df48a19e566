import assert from 'node:assert/strict';
import { test } from 'node:test';
import { repairIob2, wordTagsToSpans, type Word } from '../../../src/core/data/alignment';
import { defaultModeEntities, strictModeEntities } from '../../../src/core/metrics/entities';
import { seededRandom } from '../../helpers/gradcheck';

// Word i covers characters [10 i, 10 i + 4).
const wordsFor = (n: number): Word[] => Array.from({ length: n }, (_, i) => ({ start: 10 * i, end: 10 * i + 4 }));

const TRICKY = ['I-PER', 'I-PER', 'O', 'I-LOC', 'B-LOC', 'I-LOC', 'I-PER', 'B-PER', 'I-LOC', 'B-LOC', 'O', 'I-LOC'];

test('repairIob2 turns an I- that continues nothing into B-, as conlleval reads it', () => {
  assert.deepEqual(repairIob2(TRICKY), ['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC', 'I-LOC', 'B-PER', 'B-PER', 'B-LOC', 'B-LOC', 'O', 'B-LOC']);
  assert.deepEqual(repairIob2([]), []);
  assert.deepEqual(repairIob2(['O', 'B-PER', 'I-PER']), ['O', 'B-PER', 'I-PER']);
});

test('wordTagsToSpans decodes lenient IOB2 into character spans', () => {
  const spans = wordTagsToSpans(wordsFor(TRICKY.length), TRICKY);
  assert.deepEqual(spans, [
    { start: 0, end: 14, label: 'PER' },
    { start: 30, end: 34, label: 'LOC' },
    { start: 40, end: 54, label: 'LOC' },
    { start: 60, end: 64, label: 'PER' },
    { start: 70, end: 74, label: 'PER' },
    { start: 80, end: 84, label: 'LOC' },
    { start: 90, end: 94, label: 'LOC' },
    { start: 110, end: 114, label: 'LOC' },
  ]);
});

test("a span's confidence is the mean over its words", () => {
  const spans = wordTagsToSpans(wordsFor(4), ['B-PER', 'I-PER', 'I-PER', 'O'], [0.9, 0.6, 0.3, 0.99]);
  assert.equal(spans.length, 1);
  assert.ok(Math.abs(spans[0].confidence! - 0.6) < 1e-12);
  assert.equal(wordTagsToSpans(wordsFor(2), ['B-PER', 'O'])[0].confidence, undefined);
});

test("on random tag sequences, the spans are seqeval's lenient entities and the strict IOB2 entities of the repaired tags", () => {
  const random = seededRandom(11);
  const tags = ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'B-ORG', 'I-ORG'];
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + Math.floor(random() * 12);
    const sequence = Array.from({ length: n }, () => tags[Math.floor(random() * tags.length)]);
    const words = wordsFor(n);
    const ours = wordTagsToSpans(words, sequence).map((s) => `${s.label}:${s.start}-${s.end}`);
    const asSpans = (entities: { label: string; start: number; end: number }[]) =>
      entities.map((e) => `${e.label}:${words[e.start].start}-${words[e.end - 1].end}`).sort();
    assert.deepEqual([...ours].sort(), asSpans(defaultModeEntities([sequence])), sequence.join(' '));
    assert.deepEqual([...ours].sort(), asSpans(strictModeEntities([repairIob2(sequence)], 'IOB2')), sequence.join(' '));
  }
});
