// Parity of the int8 graphs with the fake-quantised PyTorch reference (tools/reference/make_int8_goldens.py):
// logits, loss and the gradients of the PASTA vectors and the head of the training graph, and the logits of the
// inference graph, on the golden cases' inputs and parameters, on the CPU.
//
// Tolerance: the integer sums are exact on both sides, and where no float32 input of a product lies within
// rounding of a quantisation boundary the outputs agree to float32 rounding (most tiny cases: ~1e-7). Where one
// does, it rounds to the neighbouring uint8 step on one side only, and that step moves everything after it. How far
// depends on the model and the inputs, so the reference measures it: `sensitivity.<output>` is the largest change
// of the reference's own output when the vectors move by float32 rounding (1 +- 2e-7, 1 +- 6e-7, 1 +- 2e-6) or its
// float32 Linears round otherwise (in float64). Ours may differ from the reference by twice that, and never by more
// than FLOOR where the reference is insensitive; and where the int8 and float32 references lie further apart than
// that, ours must be nearer the int8 one.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Float32Tensor } from '../../../src/core/model/types';
import { SafetensorsFile } from '../../../src/core/model/safetensors/safetensors';
import { caseModelDir, goldenCaseNames, readCase, readGoldenTensors, relativeError, runOurs } from '../../helpers/goldens';
import { skipIfMissing } from '../../helpers/requirements.js';

const INT8_GOLDEN_DIR = 'test/fixtures/golden-int8';
const FLOOR = 1e-4;
const COMPARED = ['logits', 'loss', 'grad.pasta_vectors', 'grad.classifier.weight', 'grad.classifier.bias'];

async function readInt8Golden(name: string): Promise<Map<string, Float32Tensor>> {
  const file = await SafetensorsFile.open(join(INT8_GOLDEN_DIR, name, 'golden.safetensors'));
  try {
    const out = new Map<string, Float32Tensor>();
    for (const n of file.names) out.set(n, await file.readFloat32(n));
    return out;
  } finally {
    await file.close();
  }
}

for (const name of goldenCaseNames().filter((n) => existsSync(join(INT8_GOLDEN_DIR, n, 'golden.safetensors')))) {
  const c = readCase(name);
  const modelDir = caseModelDir(c);
  test(
    `int8 graphs match the fake-quantised reference: ${name}`,
    { skip: skipIfMissing(!modelDir && 'all-MiniLM-L6-v2 is not in the cache: run `npm run fetch-model`') },
    async (t) => {
      const [fp32, int8] = await Promise.all([readGoldenTensors(name), readInt8Golden(name)]);
      const trained = await runOurs(c, modelDir!, fp32, 'cpu', 'train', 'int8');
      const inferred = await runOurs(c, modelDir!, fp32, 'cpu', 'infer', 'int8');
      const report: string[] = [];
      const failures: string[] = [];
      for (const [graph, out, tensors] of [
        ['training', trained, COMPARED],
        ['inference', inferred, ['logits']],
      ] as const) {
        for (const tensor of tensors) {
          const expected = int8.get(tensor)!;
          const err = relativeError(out[tensor].data as Float32Array, expected.data);
          const allowed = Math.max(FLOOR, 2 * int8.get(`sensitivity.${tensor}`)!.data[0]);
          report.push(`${graph} ${tensor}: ${err.relative.toExponential(2)} (allowed ${allowed.toExponential(2)})`);
          if (err.relative > allowed)
            failures.push(`${graph} ${tensor}: max abs difference ${err.maxAbs} is ${err.relative} of its scale ${err.scale} (allowed ${allowed})`);
          // Where the case tells int8 from float32 apart, ours must be the int8 one.
          const fromFp32 = relativeError(out[tensor].data as Float32Array, fp32.get(tensor)!.data).relative;
          if (relativeError(expected.data, fp32.get(tensor)!.data).relative > 2 * allowed && fromFp32 <= err.relative)
            failures.push(`${graph} ${tensor}: nearer the float32 golden (${fromFp32}) than the int8 one (${err.relative})`);
        }
      }
      t.diagnostic(report.join('; '));
      assert.deepEqual(failures, []);
    },
  );
}
