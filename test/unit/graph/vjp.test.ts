// Every VJP rule against central finite differences, run through onnxruntime.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ops from '../../../src/core/graph/ops';
import { gradients } from '../../../src/core/graph/autodiff';
import { Graph } from '../../../src/core/graph/graph';
import { crossEntropy } from '../../../src/core/graph/heads';
import type { Value } from '../../../src/core/graph/ir';
import { WEBGPU_KERNELS } from '../../../src/core/graph/kernels';
import { gradCheck, randomArray, seededRandom, type GradInput } from '../../helpers/gradcheck';

const rand = seededRandom(2024);
function input(name: string, dims: number[], scale = 1, shape: (number | string)[] = dims): GradInput {
  return {
    name,
    shape,
    dims,
    data: randomArray(
      dims.reduce((p, d) => p * d, 1),
      rand,
      scale,
    ),
  };
}
function positive(name: string, dims: number[]): GradInput {
  const x = input(name, dims);
  return { ...x, data: x.data.map((v) => 0.5 + Math.abs(v)) };
}

async function expectClose(inputs: GradInput[], f: (g: Graph, v: Value[]) => Value, opts: Parameters<typeof gradCheck>[2] = {}, tolerance = 1e-6) {
  const r = await gradCheck(inputs, f, opts);
  assert.ok(r.maxRelError < tolerance, `max relative error ${r.maxRelError} (abs ${r.maxAbsError})`);
  assert.ok(
    r.analytic.flat().some((v) => v !== 0),
    'gradient is identically zero: the check would prove nothing',
  );
}

test('Add with broadcasting on both sides', () => expectClose([input('a', [2, 3, 4]), input('b', [4])], (g, [a, b]) => ops.add(g, a, b)));
test('Add with a size-1 axis broadcast', () => expectClose([input('a', [2, 1, 4]), input('b', [2, 3, 4])], (g, [a, b]) => ops.add(g, a, b)));
test('Sub', () => expectClose([input('a', [3, 4]), input('b', [1, 4])], (g, [a, b]) => ops.sub(g, a, b)));
test('Mul', () => expectClose([input('a', [2, 3, 4]), input('b', [3, 1])], (g, [a, b]) => ops.mul(g, a, b)));
test('Div', () => expectClose([input('a', [3, 4]), positive('b', [3, 4])], (g, [a, b]) => ops.div(g, a, b)));
test('Neg', () => expectClose([input('x', [5])], (g, [x]) => ops.neg(g, x)));
test('Exp', () => expectClose([input('x', [6])], (g, [x]) => ops.exp(g, x)));
test('Log', () => expectClose([positive('x', [6])], (g, [x]) => ops.log(g, x)));
test('Tanh', () => expectClose([input('x', [6], 2)], (g, [x]) => ops.tanh(g, x)));
test('Cos', () => expectClose([input('x', [6], 3)], (g, [x]) => ops.cos(g, x)));
test('Sin', () => expectClose([input('x', [6], 3)], (g, [x]) => ops.sin(g, x)));
test('Sqrt', () => expectClose([positive('x', [6])], (g, [x]) => ops.sqrt(g, x)));
test('Relu', () => expectClose([input('x', [8])], (g, [x]) => ops.relu(g, x)));
test('Erf (float32: onnxruntime has no double kernel)', () =>
  expectClose([input('x', [6])], (g, [x]) => ops.erf(g, x), { dtype: 'float32', epsilon: 1e-2 }, 2e-3));
test("Gelu, onnxruntime's fused kernel (float32: no double kernel), across both tails and zero", () =>
  expectClose(
    [{ name: 'x', shape: [9], dims: [9], data: [-4, -2.5, -1, -0.3, 0, 0.2, 1, 2.5, 4] }],
    (g, [x]) => ops.gelu(g, x),
    { dtype: 'float32', epsilon: 1e-2 },
    2e-3,
  ));
test('Where with a constant condition', () =>
  expectClose([input('a', [2, 3]), input('b', [3])], (g, [a, b]) => ops.where(g, ops.greater(g, a, g.scalar('float64', 0)), a, b)));
test('MatMul: batched activation times a matrix', () => expectClose([input('a', [2, 3, 4]), input('b', [4, 5])], (g, [a, b]) => ops.matmul(g, a, b)));
test('MatMul: batched times batched (attention scores)', () =>
  expectClose([input('a', [2, 2, 3, 4]), input('b', [2, 2, 4, 3])], (g, [a, b]) => ops.matmul(g, a, b)));
test('MatMul with symbolic batch dims', () =>
  expectClose([input('a', [2, 3, 4], 1, ['batch', 'seq', 4]), input('b', [4, 2])], (g, [a, b]) => ops.matmul(g, a, b), { outputDims: [2, 3, 2] }));
test('MatMul in float32: gradients through FusedMatMul with a transposed operand', () =>
  expectClose([input('a', [2, 2, 3, 4]), input('b', [2, 2, 4, 3])], (g, [a, b]) => ops.matmul(g, a, b), { dtype: 'float32', epsilon: 1e-2 }, 2e-3));
for (const [transA, transB] of [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
]) {
  test(`FusedMatMul transA=${transA} transB=${transB} alpha=0.5, batch broadcast on one side (float32)`, () =>
    expectClose(
      [input('a', transA ? [2, 2, 4, 3] : [2, 2, 3, 4]), input('b', transB ? [5, 4] : [4, 5])],
      (g, [a, b]) => {
        const c = ops.matmulTransposed(g, a, b, transA, transB, 0.5);
        assert.equal(g.producer(c)?.opType, 'FusedMatMul');
        return c;
      },
      { dtype: 'float32', epsilon: 1e-2 },
      2e-3,
    ));
}
test("a^T b with a square per head (the attention backward's P^T dC) as (b^T a)^T, symbolic sequence (float32)", () =>
  expectClose(
    [input('p', [2, 3, 5, 5], 1, [2, 3, 'seq', 'seq']), input('v', [2, 3, 5, 2], 1, [2, 3, 'seq', 2])],
    (g, [p, v]) => {
      const c = ops.matmulTransposed(g, p, v, true, false, 0.5);
      assert.equal(g.producer(c)?.opType, 'Transpose');
      return c;
    },
    { dtype: 'float32', epsilon: 1e-2, outputDims: [2, 3, 5, 2] },
    2e-3,
  ));
test('attention scores from per-head layouts (float32, FusedMatMul, transposes of transposes)', () =>
  expectClose(
    [input('q', [2, 3, 2, 4]), input('k', [2, 3, 2, 4])],
    (g, [q, k]) => ops.matmul(g, ops.transpose(g, q, [0, 2, 1, 3]), ops.transpose(g, k, [0, 2, 3, 1])),
    { dtype: 'float32', epsilon: 1e-2 },
    2e-3,
  ));
test('Transpose', () => expectClose([input('x', [2, 3, 4])], (g, [x]) => ops.transpose(g, x, [1, 2, 0])));
test('Reshape with copied and inferred dims', () =>
  expectClose([input('x', [2, 3, 4], 1, ['batch', 'seq', 4])], (g, [x]) => ops.reshape(g, x, [0, 0, 2, 2]), { outputDims: [2, 3, 2, 2] }));
test('Unsqueeze', () => expectClose([input('x', [2, 3])], (g, [x]) => ops.unsqueeze(g, x, [1])));
test('Expand (through expandLike)', () =>
  expectClose([input('x', [1, 3]), { ...input('like', [4, 3]), differentiate: false }], (g, [x, like]) => ops.expandLike(g, x, like)));
test('Gather of one position along an axis (first-token pooling)', () =>
  expectClose([input('x', [2, 4, 3], 1, ['batch', 'seq', 3])], (g, [x]) => ops.gather(g, x, g.scalar('int64', 0), 1), { outputDims: [2, 3] }));
test('GatherElements along the last axis, indices repeated within a row (the gradient adds them)', () =>
  expectClose([input('x', [2, 2, 3, 5])], (g, [x]) => {
    const rows = [4, 0, 4, 1, 1, 2, 3, 3, 0, 2, 2, 4];
    const indices = g.constant('int64', [1, 1, 3, 4], rows);
    const perRow = g.node('Expand', [indices, g.ints([2, 2, 1, 1])], [{ dtype: 'int64', shape: [2, 2, 3, 4] }])[0];
    return ops.gatherElements(g, x, perRow, 3);
  }));
test('ReduceSum keepdims and not', () =>
  expectClose([input('x', [2, 3, 4])], (g, [x]) => ops.add(g, ops.reduceSum(g, x, [1], false), ops.reduceSum(g, x, [1, 2], true))));
test('ReduceMean', () => expectClose([input('x', [2, 3, 4])], (g, [x]) => ops.reduceMean(g, x, [-1], true)));
test('ReduceMean over a symbolic axis (divides by its runtime size)', () =>
  expectClose([input('x', [2, 3, 4], 1, ['batch', 3, 4])], (g, [x]) => ops.reduceMean(g, x, [0, 2], false), { outputDims: [3] }));
test('Softmax on the last axis', () => expectClose([input('x', [2, 3, 5], 3)], (g, [x]) => ops.softmax(g, x, -1)));
test('LogSoftmax on the last axis', () => expectClose([input('x', [2, 3, 5], 3)], (g, [x]) => ops.logSoftmax(g, x, -1)));
test('LogSoftmax composed for providers without the kernel (WebGPU), logits far from zero', () =>
  expectClose([input('x', [2, 3, 5], 40)], (g, [x]) => ops.logSoftmax(g, x, -1), { kernels: WEBGPU_KERNELS }));
test('a transposed operand without FusedMatMul (WebGPU): MatMul of a Transpose, alpha as a Mul (float32)', () =>
  expectClose(
    [input('a', [2, 3, 4]), input('b', [2, 5, 4])],
    (g, [a, b]) => ops.matmulTransposed(g, a, b, false, true, 0.5),
    { dtype: 'float32', epsilon: 1e-2, kernels: WEBGPU_KERNELS },
    2e-3,
  ));
test('cross-entropy by comparison with the classes (WebGPU: int32 labels, ignored positions, no OneHot)', () =>
  expectClose(
    [input('logits', [2, 3, 4], 3), { name: 'labels', shape: [2, 3], dims: [2, 3], data: [0, 3, -100, 2, -100, 1], dtype: 'int32' }],
    (g, [logits, labels]) => crossEntropy(g, logits, labels, 4),
    { kernels: WEBGPU_KERNELS, outputDims: [] },
  ));
test('LayerNormalization: input, scale and bias (float32: no double kernel with double statistics)', () =>
  expectClose(
    [input('x', [2, 3, 6], 2), input('scale', [6]), input('bias', [6])],
    (g, [x, s, b]) => ops.layerNorm(g, x, s, b, 1e-5),
    { dtype: 'float32', epsilon: 1e-2 },
    3e-3,
  ));
// float32 in, float64 out; the inputs and the step are exact in float32, so x ± epsilon is too.
test('Cast float32 to float64', () =>
  expectClose(
    [{ name: 'x', shape: [4], dims: [4], data: [-1.5, -0.25, 0.5, 2], dtype: 'float32' }],
    (g, [x]) => {
      const y = ops.cast(g, x, 'float64');
      assert.equal(y.dtype, 'float64');
      return y;
    },
    { epsilon: 2 ** -10 },
  ));
test("the Cast gradient comes back in the input's dtype", () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [4]);
  const [grad] = gradients(g, ops.reduceSum(g, ops.cast(g, x, 'float64'), [], false), [x]);
  assert.equal(grad.dtype, 'float32');
});
test('a value used twice accumulates both gradients', () => expectClose([input('x', [3, 3])], (g, [x]) => ops.matmul(g, ops.tanh(g, x), x)));
test('a frozen input gets no gradient nodes', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [2, 2]);
  const w = g.initializer('w', 'float32', [2, 2], new Float32Array(4));
  const loss = ops.reduceSum(g, ops.matmul(g, x, w), [], false);
  const before = g.nodes.length;
  gradients(g, loss, [x]);
  const backward = g.nodes.slice(before);
  // dL/dx = dY W^T needs one MatMul; dL/dW (A^T dY) must not be built.
  assert.equal(backward.filter((n) => n.opType === 'MatMul' || n.opType === 'FusedMatMul').length, 1);
});
test('differentiating through an op without a rule names the op', () => {
  const g = new Graph();
  const x = g.input('x', 'float32', [2]);
  const [y] = g.node('Sin', [x], [{ dtype: 'float32', shape: [2] }]);
  assert.throws(() => gradients(g, ops.reduceSum(g, y, [], false), [x]), /no VJP rule for Sin/);
});
