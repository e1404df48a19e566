import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { autoDevices, candidateDevices, providerAvailability } from '../../../src/core/engine/device';
import { probeGpuAdapter, type GpuAdapterInfo } from '../../../src/core/engine/gpuAdapter';
import { createSession } from '../../../src/core/engine/session';
import { emitModel } from '../../../src/core/graph/emit';
import { Graph } from '../../../src/core/graph/graph';
import * as ops from '../../../src/core/graph/ops';
import { webGpuAdapterOrSkip } from '../../helpers/webgpu';

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
  assert.match(
    created.fallbackReason ?? '',
    process.platform === 'linux' ? /CUDA provider is not installed \(run "pasta gpu install cuda"/ : /CUDA is not supported/,
  );
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
  assert.deepEqual(candidateDevices('webgpu'), ['webgpu', 'cpu']);
});

const llvmpipe: GpuAdapterInfo = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe: Mesa 25.0.7', software: true };
const radeon: GpuAdapterInfo = { vendor: 'amd', architecture: 'rdna-3', device: '', description: 'AMD Radeon RX 7600', software: false };

test('auto never picks a software adapter, and says why no GPU is used', async () => {
  const choice = await autoDevices(async () => ({ adapter: llvmpipe }));
  assert.equal(choice.devices.includes('webgpu'), false);
  assert.equal(choice.devices.at(-1), 'cpu');
  if (process.platform !== 'win32') assert.match(choice.reason ?? '', /webgpu: the only GPU adapter is software \(llvmpipe: Mesa 25\.0\.7\)/);
  const none = await autoDevices(async () => ({ adapter: undefined, reason: 'no GPU device on this machine' }));
  assert.deepEqual(none.devices.at(-1), 'cpu');
  if (!providerAvailability('cuda').available) assert.deepEqual(none.devices, ['cpu']);
  assert.match(none.reason ?? '', /webgpu: no GPU device on this machine/);
});

test('auto takes webgpu on a hardware adapter, after cuda where that is installed', async () => {
  const choice = await autoDevices(async () => ({ adapter: radeon }));
  const expected = process.platform === 'darwin' ? ['webgpu', 'cpu'] : process.platform === 'win32' ? ['dml', 'webgpu', 'cpu'] : ['webgpu', 'cpu'];
  if (providerAvailability('cuda').available) expected.unshift('cuda');
  assert.deepEqual(choice.devices, expected);
  assert.equal(choice.reason, undefined);
});

test('the adapter probe is asked once per process, and at once where Linux has no GPU device', async () => {
  const first = probeGpuAdapter();
  assert.equal(probeGpuAdapter(), first);
  const probe = await first;
  if (process.platform === 'linux' && !existsSync('/sys/class/drm')) {
    assert.equal(probe.adapter, undefined);
    assert.match(probe.adapter ? '' : probe.reason, /no GPU device on this machine/);
    const created = await createSession(doublingModel(), { threads: 1 });
    assert.equal(created.device, 'cpu');
    assert.equal(created.fallbackReason, undefined);
    assert.match(created.autoReason ?? '', /webgpu: no GPU device on this machine/);
    await created.session.release();
  }
});

test('webgpu runs a model when asked for, on the adapter there is (llvmpipe on a machine without a GPU)', async (t) => {
  const adapter = await webGpuAdapterOrSkip(t);
  if (!adapter) return;
  if (process.platform === 'linux' && !existsSync('/sys/class/drm')) assert.equal(adapter.software, true);
  const created = await createSession(doublingModel(), { device: 'webgpu' });
  assert.equal(created.device, 'webgpu');
  assert.equal(created.fallbackReason, undefined);
  assert.deepEqual(await runs(created.session), [2, 5]);
  await created.session.release();
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
