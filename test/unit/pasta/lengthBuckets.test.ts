import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EncodedExample } from '../../../src/core/engine/batch';
import { SeededRandom } from '../../../src/core/util/random';
import { lengthBuckets } from '../../../src/core/training/trainer';

const examples: EncodedExample[] = Array.from({ length: 23 }, (_, i) => ({
  inputIds: new Array<number>(3 + ((i * 7) % 11)).fill(i),
  specialTokensMask: [],
}));

test('length buckets hold every example once, in batches of similar length, in a seeded order', () => {
  const random = new SeededRandom(5);
  const epochs = [lengthBuckets(examples, 4, random), lengthBuckets(examples, 4, random)];
  for (const batches of epochs) {
    assert.deepEqual(batches.map((b) => b.length).sort(), [3, 4, 4, 4, 4, 4]);
    assert.deepEqual(
      batches
        .flat()
        .map((e) => e.inputIds[0])
        .sort((a, b) => a - b),
      examples.map((_, i) => i),
    );
    // Sorted by length before cutting: batches do not interleave in length.
    const ranges = batches.map((b) => [Math.min(...b.map((e) => e.inputIds.length)), Math.max(...b.map((e) => e.inputIds.length))]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i - 1][1] <= ranges[i][0], `batches ${JSON.stringify(ranges)}`);
  }
  const order = (batches: EncodedExample[][]) => batches.flat().map((e) => e.inputIds[0]);
  assert.notDeepEqual(order(epochs[0]), order(epochs[1]), 'each epoch has its own order');
  assert.deepEqual(order(lengthBuckets(examples, 4, new SeededRandom(5))), order(epochs[0]), 'the same seed gives the same order');
});
