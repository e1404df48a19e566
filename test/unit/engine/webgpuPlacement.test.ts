// The graphs built for WebGPU run there whole: onnxruntime keeps only shape bookkeeping on the CPU (its
// verbose "Node placements" log, read in a child process). The CPU-tuned graph on the same provider shows
// what the check catches: every FusedMatMul and the loss ops cross to the CPU and back.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { GOLDEN_DIR } from '../../helpers/goldens';
import { countOf, placementOnWebGpu } from '../../helpers/placement';
import { webGpuAdapterOrSkip } from '../../helpers/webgpu';

const modelDir = resolve(GOLDEN_DIR, 'tiny-bert', 'model');
const CPU = 'CPUExecutionProvider';
const WEBGPU = 'WebGpuExecutionProvider';

// Shape -> Gather -> Reshape chains, which onnxruntime assigns to the CPU on purpose; for a sequence head's
// backward also the first-token mask (Range over the sequence length, Equal against the index, int64).
const BOOKKEEPING = new Set(['Shape', 'Gather', 'Range', 'Equal']);

for (const task of ['token', 'sequence'] as const) {
  for (const mode of ['train', 'infer'] as const) {
    test(`the ${task} ${mode} graph built for webgpu computes everything on the GPU`, async (t) => {
      if (!(await webGpuAdapterOrSkip(t))) return;
      const placement = await placementOnWebGpu(modelDir, task, mode, 'webgpu');
      assert.ok(countOf(placement.get(WEBGPU)) > 50, `nodes on WebGPU: ${countOf(placement.get(WEBGPU))}`);
      const onCpu = [...(placement.get(CPU) ?? new Map<string, number>())];
      t.diagnostic(`on WebGPU ${countOf(placement.get(WEBGPU))}, on the CPU ${JSON.stringify(Object.fromEntries(onCpu))}`);
      assert.deepEqual(onCpu.filter(([op]) => !BOOKKEEPING.has(op)), [], 'compute nodes placed on the CPU');
      assert.ok(countOf(placement.get(CPU)) <= (mode === 'train' ? 12 : 6), `${countOf(placement.get(CPU))} bookkeeping nodes on the CPU`);
    });
  }
}

test('the CPU-tuned training graph on webgpu sends its FusedMatMuls and loss ops to the CPU (what the check catches)', async (t) => {
  if (!(await webGpuAdapterOrSkip(t))) return;
  const cpu = (await placementOnWebGpu(modelDir, 'token', 'train', 'cpu')).get(CPU);
  assert.ok((cpu?.get('FusedMatMul') ?? 0) > 0, `FusedMatMul on the CPU: ${JSON.stringify(Object.fromEntries(cpu ?? []))}`);
  for (const op of ['OneHot', 'LogSoftmax']) assert.equal(cpu?.get(op), 1, `${op}: ${JSON.stringify(Object.fromEntries(cpu ?? []))}`);
});
