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
