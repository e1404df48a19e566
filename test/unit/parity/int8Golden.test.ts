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
// that, ours must be nearer the int8 one. Those moves need not reach every input that lies within float32 rounding
// of a tie, and one such input rounded the other way can move an output far more (tiny-modernbert-biased-pair-token:
// one query-gradient element of layer 1 at -17.500002 steps in ours, -17.499983 in the reference, moved layer 0's
// vector gradient by 6e-3). So the reference also gives its outputs with each such input rounded the other way
// (`tie.<k>.<output>`), and each graph's outputs must match the reference's or one of these, by the same rule.
// Token logits are compared where the attention mask is 1: a padding position's logits are read by nothing (no loss,
// no prediction), and the training and the inference graph, both correct, can round a tie differently there
// (tiny-distilbert-single-token, a padded position's attention context).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as ort from 'onnxruntime-node';
import type { Float32Tensor } from '../../../src/core/model/types';
import { caseModelDir, goldenCaseNames, readCase, readGoldenTensors, relativeError, runOurs, type GoldenCase } from '../../helpers/goldens';
import { skipIfMissing } from '../../helpers/requirements.js';

const INT8_GOLDEN_DIR = 'test/fixtures/golden-int8';
const FLOOR = 1e-4;
const COMPARED = ['logits', 'loss', 'grad.pasta_vectors', 'grad.classifier.weight', 'grad.classifier.bias'];

type Goldens = Map<string, Float32Tensor>;

/** A token task's logits with the padding positions' set to 0; any other output as it is. */
function attended(c: GoldenCase, tensor: string, data: Float32Array): Float32Array {
  if (tensor !== 'logits' || c.task !== 'token') return data;
  const mask = c.attention_mask.flat();
  const labels = data.length / mask.length;
  return data.map((x, i) => (mask[Math.floor(i / labels)] === 1 ? x : 0));
}

/**
 * One graph's outputs against one set of expected outputs (the reference's, or a tie.<k> of it): each within twice
 * its sensitivity, and nearer the int8 reference than the float32 one where the case tells the two apart.
 */
function compare(c: GoldenCase, out: Record<string, ort.Tensor>, tensors: readonly string[], prefix: string, int8: Goldens, fp32: Goldens) {
  const report: string[] = [];
  const failures: string[] = [];
  for (const tensor of tensors) {
    const expected = attended(c, tensor, int8.get(`${prefix}${tensor}`)!.data);
    const ours = attended(c, tensor, out[tensor].data as Float32Array);
    const float32 = attended(c, tensor, fp32.get(tensor)!.data);
    const err = relativeError(ours, expected);
    const allowed = Math.max(FLOOR, 2 * int8.get(`sensitivity.${tensor}`)!.data[0]);
    report.push(`${tensor} ${err.relative.toExponential(2)} (allowed ${allowed.toExponential(2)})`);
    if (err.relative > allowed) failures.push(`${tensor}: max abs difference ${err.maxAbs} is ${err.relative} of its scale ${err.scale} (allowed ${allowed})`);
    const fromFp32 = relativeError(ours, float32).relative;
    if (relativeError(expected, float32).relative > 2 * allowed && fromFp32 <= err.relative)
      failures.push(`${tensor}: nearer the float32 golden (${fromFp32}) than the int8 one (${err.relative})`);
  }
  return { report, failures };
}

for (const name of goldenCaseNames().filter((n) => existsSync(join(INT8_GOLDEN_DIR, n, 'golden.safetensors')))) {
  const c = readCase(name);
  const modelDir = caseModelDir(c);
  test(
    `int8 graphs match the fake-quantised reference: ${name}`,
    { skip: skipIfMissing(!modelDir && 'all-MiniLM-L6-v2 is not in the cache: run `npm run fetch-model`') },
    async (t) => {
      const [fp32, int8] = await Promise.all([readGoldenTensors(name), readGoldenTensors(name, INT8_GOLDEN_DIR)]);
      const trained = await runOurs(c, modelDir!, fp32, 'cpu', 'train', 'int8');
      const inferred = await runOurs(c, modelDir!, fp32, 'cpu', 'infer', 'int8');
      const report: string[] = [];
      const failures: string[] = [];
      const ties = [...int8.keys()].filter((n) => /^tie\.\d+\.loss$/.test(n)).length;
      const prefixes = ['', ...Array.from({ length: ties }, (_, k) => `tie.${k}.`)];
      for (const [graph, out, tensors] of [
        ['training', trained, COMPARED],
        ['inference', inferred, ['logits']],
      ] as const) {
        const compared = prefixes.map((prefix) => ({ prefix, ...compare(c, out, tensors, prefix, int8, fp32) }));
        const match = compared.find((v) => v.failures.length === 0);
        const variant = match ? match.prefix.replace(/\.$/, '') || 'reference' : 'none';
        report.push(`${graph}, matching ${variant} (of ${prefixes.length}): ${(match ?? compared[0]).report.join(', ')}`);
        if (!match) failures.push(...compared[0].failures.map((f) => `${graph} ${f}`));
      }
      t.diagnostic(report.join('; '));
      assert.deepEqual(failures, []);
    },
  );
}
