import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTask } from 'node:timers/promises';
import { collectGarbage } from '../../../src/core/util/collectGarbage';

test('collectGarbage frees an unreachable array now, without --expose-gc', async () => {
  assert.equal((globalThis as { gc?: unknown }).gc, undefined, 'the test runs without --expose-gc');
  const ref = new WeakRef(new Float32Array(1 << 20));
  // A WeakRef keeps its target alive until the job that made it ends.
  await nextTask();
  collectGarbage();
  assert.equal(ref.deref(), undefined);
  assert.equal((globalThis as { gc?: unknown }).gc, undefined, 'gc stays hidden from the rest of the program');
});

test('collectGarbage keeps what is still reachable', async () => {
  const kept = new Float32Array(1 << 20).fill(3);
  const ref = new WeakRef(kept);
  await nextTask();
  collectGarbage();
  assert.equal(ref.deref()?.[7], 3);
});
