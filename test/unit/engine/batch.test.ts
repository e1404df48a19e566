import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as ort from 'onnxruntime-node';
import { batchFeeds, positionIds, specialPositions, type EncodedExample } from '../../../src/core/engine/batch';
import { io } from '../../../src/core/graph/pastaGraph';
import { readCase } from '../../helpers/goldens';
import { tinyConfig } from '../../helpers/tinyModel';

const numbers = (t: ort.Tensor): number[] => Array.from(t.data as ArrayLike<number | bigint>, Number);
const rows = (t: ort.Tensor): number[][] => {
  const flat = numbers(t);
  const width = flat.length / t.dims[0];
  return Array.from({ length: t.dims[0] }, (_, b) => flat.slice(b * width, (b + 1) * width));
};
const vectorsFor = (layers: number, per: number, row: number) =>
  Array.from({ length: layers }, (_, l) => Float32Array.from({ length: per }, (_, j) => 1000 * row + 100 * l + j));

test('rows are padded with the pad id, masked, and token labels padded with -100', () => {
  const config = tinyConfig('bert');
  const examples: EncodedExample[] = [
    { inputIds: [2, 40, 41, 3], specialTokensMask: [1, 0, 0, 1], tokenTypeIds: [0, 0, 0, 0], labels: [-100, 1, 2, -100] },
    { inputIds: [2, 50, 3], specialTokensMask: [1, 0, 1], labels: [-100, 3, -100] },
    { inputIds: [2, 60, 61, 62, 63, 3], specialTokensMask: [1, 0, 0, 0, 0, 1], tokenTypeIds: [0, 0, 0, 1, 1, 1], labels: [-100, 0, 0, 0, 0, -100] },
  ];
  const per = 2 * config.hidden_size;
  const feeds = batchFeeds(
    examples,
    [0, 1, 2].map((b) => vectorsFor(config.num_hidden_layers, per, b)),
    { config, padTokenId: 0, numSlots: 2 },
    'token',
  );
  assert.deepEqual(feeds[io.inputIds].dims, [3, 6]);
  assert.equal(feeds[io.inputIds].type, 'int64');
  assert.deepEqual(rows(feeds[io.inputIds]), [
    [2, 40, 41, 3, 0, 0],
    [2, 50, 3, 0, 0, 0],
    [2, 60, 61, 62, 63, 3],
  ]);
  assert.deepEqual(rows(feeds[io.attentionMask]), [
    [1, 1, 1, 1, 0, 0],
    [1, 1, 1, 0, 0, 0],
    [1, 1, 1, 1, 1, 1],
  ]);
  assert.deepEqual(rows(feeds[io.tokenTypeIds]), [
    [0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0],
    [0, 0, 0, 1, 1, 1],
  ]);
  assert.deepEqual(rows(feeds[io.positionIds]), [
    [0, 1, 2, 3, 4, 5],
    [0, 1, 2, 3, 4, 5],
    [0, 1, 2, 3, 4, 5],
  ]);
  assert.deepEqual(rows(feeds[io.labels]), [
    [-100, 1, 2, -100, -100, -100],
    [-100, 3, -100, -100, -100, -100],
    [-100, 0, 0, 0, 0, -100],
  ]);
  for (let l = 0; l < config.num_hidden_layers; l++) {
    const v = feeds[io.pastaVectors(l)];
    assert.deepEqual(v.dims, [3, 2, config.hidden_size]);
    [0, 1, 2].forEach((b) =>
      assert.deepEqual(Array.from((v.data as Float32Array).subarray(b * per, (b + 1) * per)), Array.from(vectorsFor(config.num_hidden_layers, per, b)[l])),
    );
  }
});

test('sequence labels are one per row; no labels means no labels input; DistilBERT gets no token types', () => {
  const config = tinyConfig('distilbert');
  const examples: EncodedExample[] = [
    { inputIds: [2, 40, 3], specialTokensMask: [1, 0, 1], labels: 4 },
    { inputIds: [2, 3], specialTokensMask: [1, 1], labels: 0 },
  ];
  const vectors = [0, 1].map((b) => vectorsFor(config.num_hidden_layers, 2 * config.hidden_size, b));
  const feeds = batchFeeds(examples, vectors, { config, padTokenId: 0, numSlots: 2 }, 'sequence');
  assert.deepEqual(feeds[io.labels].dims, [2]);
  assert.deepEqual(numbers(feeds[io.labels]), [4, 0]);
  assert.equal(feeds[io.tokenTypeIds], undefined);
  const unlabelled = batchFeeds(
    examples.map(({ labels: _, ...e }) => e),
    vectors,
    { config, padTokenId: 0, numSlots: 2 },
    'sequence',
  );
  assert.equal(unlabelled[io.labels], undefined);
});

test("the slot mask marks each row's own k-th special token (rows with different special-token counts)", () => {
  const config = tinyConfig('bert');
  const examples: EncodedExample[] = [
    { inputIds: [2, 40, 3], specialTokensMask: [1, 0, 1] },
    { inputIds: [2, 40, 3, 41, 42, 3], specialTokensMask: [1, 0, 1, 0, 0, 1] },
    { inputIds: [2, 40, 3, 3, 41, 3, 9], specialTokensMask: [1, 0, 1, 1, 0, 1, 0] },
  ];
  assert.deepEqual(specialPositions(examples[0], 3), [0, 2, -1]);
  assert.deepEqual(specialPositions(examples[2], 3), [0, 2, 3]);
  const vectors = [0, 1, 2].map((b) => vectorsFor(config.num_hidden_layers, 3 * config.hidden_size, b));
  const feeds = batchFeeds(examples, vectors, { config, padTokenId: 0, numSlots: 3 }, 'token');
  const mask = feeds[io.slotMask];
  assert.deepEqual(mask.dims, [3, 7, 3]);
  const data = mask.data as Float32Array;
  const marked = [0, 1, 2].map((b) => {
    const found: [number, number][] = [];
    for (let s = 0; s < 7; s++) for (let k = 0; k < 3; k++) if (data[(b * 7 + s) * 3 + k] === 1) found.push([s, k]);
    return found;
  });
  assert.deepEqual(marked, [
    [
      [0, 0],
      [2, 1],
    ],
    [
      [0, 0],
      [2, 1],
      [5, 2],
    ],
    [
      [0, 0],
      [2, 1],
      [3, 2],
    ],
  ]);
  assert.equal(
    data.reduce((a, b) => a + b, 0),
    8,
    'nothing else is marked',
  );
});

test("RoBERTa position ids, attention mask and slots equal Hugging Face's (golden case)", () => {
  const c = readCase('tiny-roberta-single-token');
  const config = tinyConfig('roberta');
  const examples: EncodedExample[] = c.input_ids.map((ids, b) => {
    const n = c.attention_mask[b].reduce((a, m) => a + m, 0);
    const mask = new Array<number>(n).fill(0);
    for (const p of c.special_positions[b]) mask[p] = 1;
    return { inputIds: ids.slice(0, n), specialTokensMask: mask, labels: (c.labels as number[][])[b].slice(0, n) };
  });
  const feeds = batchFeeds(
    examples,
    examples.map((_, b) => vectorsFor(config.num_hidden_layers, c.num_slots * config.hidden_size, b)),
    { config, padTokenId: config.pad_token_id, numSlots: c.num_slots },
    'token',
  );
  assert.deepEqual(rows(feeds[io.inputIds]), c.input_ids);
  assert.deepEqual(rows(feeds[io.attentionMask]), c.attention_mask);
  assert.deepEqual(rows(feeds[io.positionIds]), c.position_ids);
  assert.deepEqual(rows(feeds[io.labels]), c.labels);
  const seq = c.input_ids[0].length;
  const slot = feeds[io.slotMask].data as Float32Array;
  c.special_positions.forEach((positions, b) => positions.forEach((p, k) => assert.equal(slot[(b * seq + p) * c.num_slots + k], 1)));
});

test("RoBERTa positions skip pad ids inside a row as Hugging Face's create_position_ids_from_input_ids does", () => {
  const config = tinyConfig('roberta');
  assert.deepEqual(positionIds(config, [0, 5, 1, 6, 2], 7, 1), [2, 3, 1, 4, 5, 1, 1]);
  assert.deepEqual(positionIds(tinyConfig('electra'), [2, 5, 3], 4, 0), [0, 1, 2, 3]);
});
