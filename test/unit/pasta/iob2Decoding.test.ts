import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iob2Labels } from '../../../src/core/data/alignment';
import { decodeTags } from '../../../src/core/pasta/iob2Decoding';
import { SeededRandom } from '../../../src/core/util/random';

const id2label = iob2Labels(['PER', 'LOC']); // O, B-PER, I-PER, B-LOC, I-LOC

function isValidIob2(tags: string[]): boolean {
  return tags.every((t, i) => !t.startsWith('I-') || (i > 0 && tags[i - 1] !== 'O' && tags[i - 1].slice(2) === t.slice(2)));
}

function logScore(rows: Float32Array[], ids: number[]): number {
  return ids.reduce((s, k, w) => s + Math.log(rows[w][k]), 0);
}

function randomRows(random: SeededRandom, words: number): Float32Array[] {
  return Array.from({ length: words }, () => {
    const row = Float32Array.from(id2label, () => 0.01 + random.next());
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((p) => p / total);
  });
}

function* allSequences(words: number, C: number): Generator<number[]> {
  if (words === 0) return yield [];
  for (const rest of allSequences(words - 1, C)) for (let k = 0; k < C; k++) yield [...rest, k];
}

test('Viterbi finds the most probable valid IOB2 sequence (checked against every sequence of up to 5 words)', () => {
  const random = new SeededRandom(17);
  for (let trial = 0; trial < 200; trial++) {
    const rows = randomRows(random, 1 + (trial % 5));
    const decoded = decodeTags(rows, id2label);
    assert.ok(isValidIob2(decoded.map((k) => id2label[k])), `invalid: ${decoded.map((k) => id2label[k]).join(' ')}`);
    let best = -Infinity;
    for (const ids of allSequences(rows.length, id2label.length)) {
      if (isValidIob2(ids.map((k) => id2label[k]))) best = Math.max(best, logScore(rows, ids));
    }
    assert.ok(Math.abs(logScore(rows, decoded) - best) < 1e-9, `trial ${trial}: ${logScore(rows, decoded)} vs best ${best}`);
  }
});

test('a valid argmax sequence is kept as it is', () => {
  const rows = [
    [0.1, 0.8, 0.05, 0.03, 0.02],
    [0.1, 0.05, 0.8, 0.03, 0.02],
    [0.9, 0.02, 0.02, 0.03, 0.03],
    [0.1, 0.05, 0.05, 0.7, 0.1],
  ].map((r) => Float32Array.from(r));
  assert.deepEqual(decodeTags(rows, id2label), [1, 2, 0, 3]);
  assert.deepEqual(decodeTags(rows, id2label, 'argmax'), [1, 2, 0, 3]);
});

test('an I- tag that continues nothing becomes the best valid reading instead of a guess', () => {
  // Argmax reads "O I-PER I-PER": the first word leans O, but B-PER there makes the whole name valid.
  const rows = [
    [0.5, 0.45, 0.01, 0.02, 0.02],
    [0.05, 0.1, 0.8, 0.03, 0.02],
    [0.05, 0.05, 0.85, 0.03, 0.02],
  ].map((r) => Float32Array.from(r));
  assert.deepEqual(
    decodeTags(rows, id2label, 'argmax').map((k) => id2label[k]),
    ['O', 'I-PER', 'I-PER'],
  );
  assert.deepEqual(
    decodeTags(rows, id2label).map((k) => id2label[k]),
    ['B-PER', 'I-PER', 'I-PER'],
  );
  // An I-LOC right after B-PER is never produced either.
  const switched = [
    [0.05, 0.9, 0.01, 0.02, 0.02],
    [0.05, 0.05, 0.3, 0.05, 0.55],
  ].map((r) => Float32Array.from(r));
  assert.deepEqual(
    decodeTags(switched, id2label).map((k) => id2label[k]),
    ['B-PER', 'I-PER'],
  );
});

test('empty input, and a tag set with an I- tag but no B- tag is refused', () => {
  assert.deepEqual(decodeTags([], id2label), []);
  assert.throws(() => decodeTags([Float32Array.from([0.5, 0.5])], ['O', 'I-X']), /I-X has no B-X/);
});
