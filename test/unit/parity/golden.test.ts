// Parity with the PyTorch reference (tools/reference/make_goldens.py): hidden states, logits, loss and the
// gradients of the PASTA vectors and the head from the training graph, and the logits of the inference graph,
// for tiny random models of every family and all-MiniLM-L6-v2; on the CPU, and on WebGPU with the graphs built
// for it (through Mesa's llvmpipe where there is no GPU).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Device } from '../../../src/core/engine/deviceNames';
import type { Float32Tensor } from '../../../src/core/model/types';
import { caseModelDir, goldenCaseNames, readCase, readGoldenTensors, relativeError, runOurs, type GoldenCase } from '../../helpers/goldens';
import { skipIfMissing } from '../../helpers/requirements.js';
import { webGpuAdapterOrSkip } from '../../helpers/webgpu';

const TOLERANCE = 1e-4;
const PARAMETERS = new Set(['pasta_vectors', 'classifier.weight', 'classifier.bias']);

async function assertMatches(t: TestContext, c: GoldenCase, modelDir: string, device: Device): Promise<void> {
  const golden = await readGoldenTensors(c.name);
  const report: string[] = [];
  const compare = (tensor: string, actual: { dims: readonly number[]; data: unknown } | undefined, expected: Float32Tensor, graph: string) => {
    assert.ok(actual, `our ${graph} graph has no output '${tensor}'`);
    assert.deepEqual(actual.dims, expected.shape.length === 1 && expected.shape[0] === 1 && actual.dims.length === 0 ? [] : expected.shape, `${tensor} shape`);
    const err = relativeError(actual.data as Float32Array, expected.data);
    report.push(`${graph} ${tensor}: max abs ${err.maxAbs.toExponential(2)} (scale ${err.scale.toExponential(2)}, relative ${err.relative.toExponential(2)})`);
    assert.ok(err.relative <= TOLERANCE, `${graph} ${tensor}: max abs difference ${err.maxAbs} is ${err.relative} of its scale ${err.scale}`);
  };
  const trained = await runOurs(c, modelDir, golden, device, 'train');
  for (const [tensor, expected] of golden) if (!PARAMETERS.has(tensor)) compare(tensor, trained[tensor], expected, 'training');
  const inferred = await runOurs(c, modelDir, golden, device, 'infer');
  compare('logits', inferred.logits, golden.get('logits')!, 'inference');
  t.diagnostic(report.join('; '));
}

// On WebGPU (llvmpipe: a slow CPU pretending to be a GPU) the single-text cases are left out: their graphs are
// the pair cases' graphs on other inputs, and each family's token and sequence graphs are still all run.
const casesOn = (device: Device) => goldenCaseNames().filter((name) => device === 'cpu' || !/-single-(token|sequence)$/.test(name));

for (const device of ['cpu', 'webgpu'] as const) {
  for (const name of casesOn(device)) {
    const c = readCase(name);
    const modelDir = caseModelDir(c);
    test(
      `matches the PyTorch reference on ${device}: ${name}`,
      { skip: skipIfMissing(!modelDir && 'all-MiniLM-L6-v2 is not in the cache: run `npm run fetch-model`') },
      async (t) => {
        if (device === 'webgpu' && !(await webGpuAdapterOrSkip(t))) return;
        await assertMatches(t, c, modelDir!, device);
      },
    );
  }
}
