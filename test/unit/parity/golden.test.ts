// Parity with the PyTorch reference (tools/reference/make_goldens.py): hidden states, logits, loss and the
// gradients of the PASTA vectors and the head, for tiny random models of every family and all-MiniLM-L6-v2.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caseModelDir, goldenCaseNames, readCase, readGoldenTensors, relativeError, runOurs } from '../../helpers/goldens';

const TOLERANCE = 1e-4;

for (const name of goldenCaseNames()) {
  const c = readCase(name);
  const modelDir = caseModelDir(c);
  test(
    `matches the PyTorch reference: ${name}`,
    { skip: modelDir ? false : 'all-MiniLM-L6-v2 is not in the cache: run `npm run fetch-model`' },
    async (t) => {
      const golden = await readGoldenTensors(name);
      const ours = await runOurs(c, modelDir!, golden);
      const report: string[] = [];
      for (const [tensor, expected] of golden) {
        if (tensor === 'pasta_vectors' || tensor === 'classifier.weight' || tensor === 'classifier.bias') continue;
        const actual = ours[tensor];
        assert.ok(actual, `our graph has no output '${tensor}'`);
        assert.deepEqual(actual.dims, expected.shape.length === 1 && expected.shape[0] === 1 && actual.dims.length === 0 ? [] : expected.shape, `${tensor} shape`);
        const err = relativeError(actual.data as Float32Array, expected.data);
        report.push(`${tensor}: max abs ${err.maxAbs.toExponential(2)} (scale ${err.scale.toExponential(2)}, relative ${err.relative.toExponential(2)})`);
        assert.ok(err.relative <= TOLERANCE, `${tensor}: max abs difference ${err.maxAbs} is ${err.relative} of its scale ${err.scale}`);
      }
      t.diagnostic(report.join('; '));
    },
  );
}
