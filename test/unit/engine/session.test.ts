import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { candidateDevices, providerAvailability } from '../../../src/core/engine/device';
import { createSession } from '../../../src/core/engine/session';
import { emitModel } from '../../../src/core/graph/emit';
import { Graph } from '../../../src/core/graph/graph';
import * as ops from '../../../src/core/graph/ops';

function doublingModel(): Uint8Array {
  const g = new Graph('double');
  const x = g.input('x', 'float32', ['n']);
  g.output(ops.add(g, x, x), 'y');
  return emitModel(g);
}

async function runs(session: ort.InferenceSession): Promise<number[]> {
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2.5]), [2]) });
  return Array.from(out.y.data as Float32Array);
}

test('cpu runs on the CPU with no fallback reason', async () => {
  const created = await createSession(doublingModel(), { device: 'cpu', threads: 1 });
  assert.equal(created.device, 'cpu');
  assert.equal(created.fallbackReason, undefined);
  assert.deepEqual(await runs(created.session), [2, 5]);
  await created.session.release();
});

test('cuda requested where its provider is missing falls back to the CPU, saying why', async (t) => {
  if (providerAvailability('cuda').available) return t.skip('the CUDA provider is installed here');
  const created = await createSession(doublingModel(), { device: 'cuda', threads: 1 });
  assert.equal(created.device, 'cpu');
  assert.match(created.fallbackReason ?? '', /^cuda: /);
  assert.match(created.fallbackReason ?? '', process.platform === 'linux' ? /CUDA provider of onnxruntime-node is not installed/ : /CUDA is not supported/);
  assert.deepEqual(await runs(created.session), [2, 5]);
  await created.session.release();
});

test('providers of other platforms are refused with the platform they need', async () => {
  if (process.platform !== 'win32') assert.deepEqual(providerAvailability('dml'), { available: false, reason: 'DirectML runs only on Windows' });
  if (process.platform !== 'darwin') {
    assert.deepEqual(providerAvailability('coreml'), { available: false, reason: 'CoreML runs only on macOS' });
    const created = await createSession(doublingModel(), { device: 'coreml' });
    assert.equal(created.device, 'cpu');
    assert.equal(created.fallbackReason, 'coreml: CoreML runs only on macOS');
    await created.session.release();
  }
  assert.deepEqual(candidateDevices('cpu'), ['cpu']);
  assert.equal(candidateDevices('auto').at(-1), 'cpu');
});

const statusFile = '/proc/self/status';
const threadCount = () => Number(/Threads:\s+(\d+)/.exec(readFileSync(statusFile, 'utf8'))![1]);

test('the thread count is applied: a session with n intra-op threads starts n - 1 workers', async (t) => {
  if (!existsSync(statusFile)) return t.skip('needs /proc');
  const model = doublingModel();
  const sessions = [await createSession(model, { device: 'cpu', threads: 1 })]; // onnxruntime's process-wide threads start here
  const added: number[] = [];
  for (const threads of [3, 1, 4]) {
    const before = threadCount();
    const created = await createSession(model, { device: 'cpu', threads });
    added.push(threadCount() - before);
    sessions.push(created);
    assert.deepEqual(await runs(created.session), [2, 5]);
  }
  assert.deepEqual(added, [2, 0, 3]);
  for (const s of sessions) await s.session.release();
});
