import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { iob2Labels } from '../../../src/core/data/alignment';
import { predictSpans, type PredictedSpan, type PredictOptions, type PredictorAdapter } from '../../../src/core/prediction/predictor';
import { SeededRandom } from '../../../src/core/util/random';
import { initParams, type PastaRuntime } from '../../../src/core/pasta/runtime';
import type { WeightMap } from '../../../src/core/model/types';
import { tinyBase, tinyRuntime, type TinyBase } from './tinyPasta';

let base: TinyBase;
let runtime: PastaRuntime;
let contextFree: PastaRuntime;
before(async () => {
  base = await tinyBase();
  runtime = tinyRuntime(base, 5);
  contextFree = tinyRuntime({ config: { ...base.config, max_position_embeddings: MAX_POSITIONS }, weights: withoutContext(base.weights) }, 5);
});
after(async () => {
  await runtime.release();
  await contextFree.release();
  await base.remove();
});

const MAX_POSITIONS = 512;

/**
 * The same encoder with attention's output and the position embeddings zeroed (and room for long windows):
 * each token's final state depends on that token alone, so predictions cannot depend on where windows cut.
 */
function withoutContext(weights: WeightMap): WeightMap {
  const out: WeightMap = new Map();
  for (const [name, t] of weights) {
    if (name === 'embeddings.position_embeddings.weight') {
      out.set(name, { shape: [MAX_POSITIONS, t.shape[1]], data: new Float32Array(MAX_POSITIONS * t.shape[1]) });
    } else if (/attention\.output\.dense\.(weight|bias)$/.test(name)) {
      out.set(name, { shape: t.shape, data: new Float32Array(t.data.length) });
    } else out.set(name, t);
  }
  return out;
}

/** Where the tokenizer's words start and end. */
function wordBoundaries(text: string): { starts: Set<number>; ends: Set<number> } {
  const e = base.tokenizer.encode(text, undefined, { addSpecialTokens: false });
  const starts = new Set<number>();
  const ends = new Set<number>();
  e.wordIds.forEach((w, i) => {
    if (w !== null && (i === 0 || e.wordIds[i - 1] !== w)) starts.add(e.offsets[i][0]);
    if (w !== null && (i === e.ids.length - 1 || e.wordIds[i + 1] !== w)) ends.add(e.offsets[i][1]);
  });
  return { starts, ends };
}

/** A random adapter with a large head, so that predictions vary from word to word and are far from ties. */
function adapter(name: string, labels: string[], seed: number): PredictorAdapter {
  const id2label = iob2Labels(labels);
  const random = new SeededRandom(seed);
  const params = initParams({ ...base.config, initializer_range: 1 }, 2, id2label.length, random.next);
  return { name, id2label, params };
}

const WORDS = ['John', 'Smith', 'lives', 'in', 'New', 'York', 'and', 'works', 'at', 'Google', 'today', 'Paris', 'walking', 'team', 'game'];
function longText(words: number, seed: number): string {
  const random = new SeededRandom(seed);
  return Array.from({ length: words }, (_, i) => WORDS[Math.floor(random.next() * WORDS.length)] + (i % 7 === 6 ? '.\r\n' : ' ')).join('');
}

const OPTIONS: PredictOptions = { maxLength: 128, stride: 16, wordSplit: 'tokenizer', batchSize: 4 };
const key = (s: PredictedSpan) => `${s.adapter}:${s.label}:${s.start}-${s.end}`;

function assertSameSpans(actual: PredictedSpan[], expected: PredictedSpan[], tolerance: number) {
  assert.deepEqual(actual.map(key), expected.map(key));
  actual.forEach((s, i) => assert.ok(Math.abs(s.confidence - expected[i].confidence) <= tolerance, `${key(s)}: ${s.confidence} vs ${expected[i].confidence}`));
}

test('spans carry character offsets on word boundaries and confidences in (0, 1]', async () => {
  const text = 'John Smith lives in New York.\r\nWalking, the team went to Paris today!';
  const [spans] = await predictSpans(runtime, base.tokenizer, [adapter('people', ['PER', 'LOC'], 1)], [text], OPTIONS);
  assert.ok(spans.length >= 3, `a random head finds entities everywhere (${spans.length})`);
  const boundaries = wordBoundaries(text);
  for (const s of spans) {
    assert.ok(s.confidence > 0 && s.confidence <= 1, `confidence ${s.confidence}`);
    assert.ok(['PER', 'LOC'].includes(s.label));
    assert.equal(s.adapter, 'people');
    const covered = text.slice(s.start, s.end);
    assert.match(covered, /^\S(.*\S)?$/su, `'${covered}' starts and ends on a word`);
    assert.ok(boundaries.starts.has(s.start), `'${covered}' starts at a word start`);
    assert.ok(boundaries.ends.has(s.end), `'${covered}' ends at a word end`);
  }
  for (let i = 1; i < spans.length; i++) assert.ok(spans[i - 1].end <= spans[i].start, 'spans do not overlap');
});

test('a long text split into windows gives the spans of one window large enough for it', async () => {
  const text = longText(130, 3);
  const pieces = base.tokenizer.encode(text, undefined, { addSpecialTokens: false }).ids.length;
  assert.ok(pieces > 150 && pieces <= 250, `${pieces} pieces`);
  const a = adapter('people', ['PER', 'LOC'], 2);
  const [whole] = await predictSpans(contextFree, base.tokenizer, [a], [text], { ...OPTIONS, maxLength: pieces + 2 });
  assert.ok(whole.length >= 10, `${whole.length} spans to compare`);
  for (const [maxLength, stride] of [
    [16, 4],
    [33, 10],
    [64, 0],
  ]) {
    const [windowed] = await predictSpans(contextFree, base.tokenizer, [a], [text], { ...OPTIONS, maxLength, stride });
    assertSameSpans(windowed, whole, 1e-5);
  }
});

test('texts of different adapters in one call equal separate calls, one adapter each', async () => {
  const people = adapter('people', ['PER', 'LOC'], 4);
  const orgs = adapter('orgs', ['ORG'], 5);
  const texts = [longText(12, 6), longText(40, 7), '', longText(5, 8), longText(25, 9)];
  const adapterOf = [0, 1, 1, 0, 1];
  const options = { ...OPTIONS, maxLength: 24, stride: 6, batchSize: 3 };
  const mixed = await predictSpans(runtime, base.tokenizer, [people, orgs], texts, options, adapterOf);
  const pick = (a: number) => texts.filter((_, i) => adapterOf[i] === a);
  const alone = [
    await predictSpans(runtime, base.tokenizer, [people], pick(0), options),
    await predictSpans(runtime, base.tokenizer, [orgs], pick(1), options),
  ];
  const cursor = [0, 0];
  texts.forEach((_, i) => assertSameSpans(mixed[i], alone[adapterOf[i]][cursor[adapterOf[i]]++], 1e-5));
  assert.deepEqual(mixed[2], []);
  assert.ok(mixed[1].every((s) => s.label === 'ORG' && s.adapter === 'orgs'));
  assert.ok(mixed.flat().length >= 8, 'enough spans to compare');
});
