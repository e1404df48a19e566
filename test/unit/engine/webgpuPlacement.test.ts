// The graphs built for WebGPU run there whole, for every family's tiny golden model: onnxruntime keeps only
// shape bookkeeping on the CPU (its verbose "Node placements" log, read in one child process per model). The
// CPU-tuned graph on the same provider shows what the check catches: every FusedMatMul and the loss ops cross
// to the CPU and back.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { GOLDEN_DIR } from '../../helpers/goldens';
import { countOf, placementsOnWebGpu, type GraphName } from '../../helpers/placement';
import { webGpuAdapterOrSkip } from '../../helpers/webgpu';

const CPU = 'CPUExecutionProvider';
const WEBGPU = 'WebGpuExecutionProvider';
const MODELS = [
  'tiny-bert',
  'tiny-distilbert',
  'tiny-electra',
  'tiny-roberta',
  'tiny-deberta-v2',
  'tiny-deberta-v3',
  'tiny-modernbert',
  'tiny-modernbert-biased',
];
const GRAPHS: GraphName[] = ['token:train', 'token:infer', 'sequence:train', 'sequence:infer'];

// Shape -> Gather -> Reshape chains, which onnxruntime assigns to the CPU on purpose (DeBERTa's relative
// position windows are int64 Gathers too); for a sequence head's backward also the first-token mask (Range over
// the sequence length, Equal against the index, int64).
const BOOKKEEPING = new Set(['Shape', 'Gather', 'Range', 'Equal']);

for (const model of MODELS) {
  test(`${model}: every graph built for webgpu computes everything on the GPU`, async (t) => {
    if (!(await webGpuAdapterOrSkip(t))) return;
    const placements = await placementsOnWebGpu(resolve(GOLDEN_DIR, model, 'model'), 'webgpu', GRAPHS);
    assert.deepEqual([...placements.keys()], GRAPHS);
    for (const [graph, placement] of placements) {
      const onCpu = [...(placement.get(CPU) ?? new Map<string, number>())];
      t.diagnostic(`${graph}: on WebGPU ${countOf(placement.get(WEBGPU))}, on the CPU ${JSON.stringify(Object.fromEntries(onCpu))}`);
      assert.ok(countOf(placement.get(WEBGPU)) > 50, `${graph}: nodes on WebGPU: ${countOf(placement.get(WEBGPU))}`);
      assert.deepEqual(
        onCpu.filter(([op]) => !BOOKKEEPING.has(op)),
        [],
        `${graph}: compute nodes placed on the CPU`,
      );
      assert.ok(countOf(placement.get(CPU)) <= (graph.endsWith('train') ? 12 : 8), `${graph}: ${countOf(placement.get(CPU))} bookkeeping nodes on the CPU`);
    }
  });
}

test('the CPU-tuned training graph on webgpu sends its FusedMatMuls and loss ops to the CPU (what the check catches)', async (t) => {
  if (!(await webGpuAdapterOrSkip(t))) return;
  const placements = await placementsOnWebGpu(resolve(GOLDEN_DIR, 'tiny-bert', 'model'), 'cpu', ['token:train']);
  const cpu = placements.get('token:train')?.get(CPU);
  assert.ok((cpu?.get('FusedMatMul') ?? 0) > 0, `FusedMatMul on the CPU: ${JSON.stringify(Object.fromEntries(cpu ?? []))}`);
  for (const op of ['OneHot', 'LogSoftmax']) assert.equal(cpu?.get(op), 1, `${op}: ${JSON.stringify(Object.fromEntries(cpu ?? []))}`);
});
