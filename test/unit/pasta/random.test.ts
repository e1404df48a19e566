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

/** keepMask's definition, one draw of next() per gap: the gap is the number of j >= 1 with b + 1 <= keep^j 2^32. */
function keepMaskByDefinition(random: SeededRandom, count: number, keep: number): Uint8Array {
  const mask = new Uint8Array(count).fill(1);
  for (let i = -1; ;) {
    const b = random.next() * 4294967296;
    let gap = 0;
    while (b + 1 <= Math.pow(keep, gap + 1) * 4294967296) gap++;
    i += 1 + gap;
    if (i >= count) return mask;
    mask[i] = 0;
  }
}

test('keepMask(n, keep) draws one gap between dropped elements per draw, as its definition does', () => {
  for (const keep of [0.9, 0.5, 0.1, 0.999]) {
    const [fast, slow] = [new SeededRandom(7), new SeededRandom(7)];
    assert.deepEqual(fast.keepMask(20_000, keep), keepMaskByDefinition(slow, 20_000, keep), `keep ${keep}`);
    assert.equal(fast.state, slow.state);
  }
  assert.equal(new SeededRandom(1).keepMask(0, 0.9).length, 0);
  assert.throws(() => new SeededRandom(1).keepMask(10, 1), /keep probability must be in \(0, 1\), got 1/);
});

test('keepMask(n, keep) is Bernoulli(keep), element by element and independent of its neighbour', () => {
  const n = 1_000_000;
  for (const keep of [0.9, 0.5]) {
    const mask = new SeededRandom(3).keepMask(n, keep);
    let kept = 0;
    let bothDropped = 0;
    for (let i = 0; i < n; i++) {
      kept += mask[i];
      if (i > 0 && mask[i] === 0 && mask[i - 1] === 0) bothDropped++;
    }
    const within = (observed: number, p: number, count: number) => Math.abs(observed / count - p) < 5 * Math.sqrt((p * (1 - p)) / count);
    assert.ok(within(kept, keep, n), `keep ${keep}: kept ${kept / n}`);
    const rate = 1 - keep;
    assert.ok(within(bothDropped, rate * rate, n - 1), `keep ${keep}: both of a pair dropped ${bothDropped / (n - 1)}, expected ${rate * rate}`);
  }
});
