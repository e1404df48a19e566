import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../../../src/core/util/random';

test('uniforms(n) returns what n calls of next() would, and leaves the same state behind', () => {
  const one = new SeededRandom(1234);
  const bulk = new SeededRandom(1234);
  const drawn = Array.from({ length: 1000 }, () => one.next());
  assert.deepEqual(Array.from(bulk.uniforms(1000)), drawn);
  assert.equal(bulk.state, one.state);
  assert.equal(bulk.next(), one.next());
  assert.ok(drawn.every((x) => x >= 0 && x < 1));
  assert.equal(bulk.uniforms(0).length, 0);
});

test('dropoutMask(n, keep) keeps, scaled by 1 / keep, the elements whose draw of next() is below keep', () => {
  for (const keep of [0.9, 0.5, 0.3]) {
    const one = new SeededRandom(99);
    const bulk = new SeededRandom(99);
    const mask = bulk.dropoutMask(5000, keep);
    const expected = Array.from({ length: 5000 }, () => (one.next() < keep ? Math.fround(1 / keep) : 0));
    assert.deepEqual(Array.from(mask), expected);
    assert.equal(bulk.state, one.state);
    const kept = expected.filter((x) => x > 0).length / 5000;
    assert.ok(Math.abs(kept - keep) < 0.03, `kept ${kept} of the elements at keep ${keep}`);
  }
  assert.equal(new SeededRandom(1).dropoutMask(0, 0.9).length, 0);
});
