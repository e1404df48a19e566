// The int8 product through a frozen weight (ops/quantized.ts), run by onnxruntime: its forward and its VJP against
// a fake-quantised reference computed here (the same per-channel weight scales, the kernel's uint8 asymmetric
// quantisation of the float operand), and against the float32 product within the quantisation error's bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { gradients } from '../../../src/core/graph/autodiff';
import { emitModel } from '../../../src/core/graph/emit';
import { Graph } from '../../../src/core/graph/graph';
import * as ops from '../../../src/core/graph/ops';
import { randomArray, seededRandom } from '../../helpers/gradcheck';

const [BATCH, SEQ, IN, OUT] = [2, 5, 24, 16];

test('weights are quantised per output channel, symmetric, ties to even, an all-zero row to zeros', () => {
  const w = Float32Array.from([127, -63.5, 2.5, 0.5, 0, 0, 0, 0, -254, 1, 3, 5]);
  const { q, scale } = ops.quantizePerChannel(w, 3, 4);
  assert.deepEqual(Array.from(scale), [1, 0, 2]);
  assert.deepEqual(Array.from(q), [127, -64, 2, 0, 0, 0, 0, 0, -127, 0, 2, 2]);
});

test("the backward's weights are quantised per input channel: each column scaled by its own largest magnitude", () => {
  // [2, 3]: columns (127, -254), (1, 0), (0, 0).
  const { q, scale } = ops.quantizePerInputChannel(Float32Array.from([127, 1, 0, -254, 0, 0]), 2, 3);
  assert.deepEqual(Array.from(scale), [2, 1 / 127, 0].map(Math.fround));
  assert.deepEqual(Array.from(q), [64, 127, 0, -127, 0, 0]);
  assert.deepEqual(Array.from(ops.quantizePerInputChannel(Float32Array.from([64, -1.5]), 2, 1, 7).q), [64, -2]);
  // The same levels and scales as quantising the transposed matrix per row, at both widths.
  const [out, inputs] = [7, 11];
  const w = Float32Array.from(randomArray(out * inputs, seededRandom(3), 2));
  const wT = Float32Array.from({ length: out * inputs }, (_, i) => w[(i % out) * inputs + Math.floor(i / out)]);
  for (const bits of [8, 7] as const) {
    const columns = ops.quantizePerInputChannel(w, out, inputs, bits);
    const rows = ops.quantizePerChannel(wT, inputs, out, bits);
    assert.deepEqual(Array.from(columns.scale), Array.from(rows.scale));
    assert.deepEqual(
      Array.from(columns.q),
      Array.from({ length: out * inputs }, (_, i) => rows.q[(i % inputs) * out + Math.floor(i / inputs)]),
    );
  }
});

test('7-bit weights: levels in [-64, 64], scale max / 64, each row reaching its bound, error at most half a step', () => {
  const rand = seededRandom(7);
  const [out, inputs] = [9, 33];
  const w = Float32Array.from(randomArray(out * inputs, rand, 3));
  w.fill(0, 2 * inputs, 3 * inputs);
  const { q, scale } = ops.quantizePerChannel(w, out, inputs, 7);
  for (let n = 0; n < out; n++) {
    const row = Array.from(w.subarray(n * inputs, (n + 1) * inputs));
    const levels = Array.from(q.subarray(n * inputs, (n + 1) * inputs));
    const max = Math.max(...row.map(Math.abs));
    assert.equal(scale[n], Math.fround(max / 64), `row ${n}'s scale`);
    assert.ok(
      levels.every((l) => Math.abs(l) <= 64),
      `row ${n} has a level beyond 64`,
    );
    if (max === 0) {
      assert.ok(levels.every((l) => l === 0));
      continue;
    }
    assert.equal(Math.max(...levels.map(Math.abs)), 64, `row ${n} does not reach 64`);
    row.forEach((v, k) => assert.ok(Math.abs(v - levels[k] * scale[n]) <= scale[n] / 2 + 1e-6 * max, `w[${n}, ${k}] = ${v} -> ${levels[k]}`));
  }
  assert.deepEqual(Array.from(ops.quantizePerChannel(Float32Array.from([64, -32.5, 1.5, -0.5]), 1, 4, 7).q), [64, -32, 2, 0]);
});

/** onnxruntime's DynamicQuantizeLinear: per tensor, uint8, the range stretched to include 0, zero point rounded. */
function quantizeUint8(x: Float32Array): { q: Uint8Array; scale: number; zeroPoint: number } {
  let [min, max] = [0, 0];
  for (const v of x) [min, max] = [Math.min(min, v), Math.max(max, v)];
  const scale = Math.fround((max - min) / 255);
  const zeroPoint = Math.max(0, Math.min(255, roundHalfToEven(-min / scale)));
  const q = Uint8Array.from(x, (v) => Math.max(0, Math.min(255, roundHalfToEven(Math.fround(v / scale)) + zeroPoint)));
  return { q, scale, zeroPoint };
}

function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Rows of a [rows, k] float matrix (quantised per tensor) times an int8 [k, cols] matrix, scaled per column. */
function fakeQuantProduct(a: Float32Array, k: number, b: (kk: number, c: number) => number, cols: number, colScale: (c: number) => number): Float64Array {
  const { q, scale, zeroPoint } = quantizeUint8(a);
  const rows = a.length / k;
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      let acc = 0;
      for (let kk = 0; kk < k; kk++) acc += (q[r * k + kk] - zeroPoint) * b(kk, c);
      y[r * cols + c] = acc * scale * colScale(c);
    }
  return y;
}

async function runLinear(x: Float32Array, w: Float32Array, bias: Float32Array, gy: Float32Array, bits: ops.Int8WeightBits = 8) {
  const g = new Graph('int8_linear');
  const xIn = g.input('x', 'float32', [BATCH, SEQ, IN]);
  const gyIn = g.input('gy', 'float32', [BATCH, SEQ, OUT]);
  const y = ops.quantizedLinear(g, xIn, ops.int8Weight(g, 'w', w, OUT, IN, 0, bits), g.initializer('b', 'float32', [OUT], bias));
  const [gx] = gradients(g, ops.reduceSum(g, ops.mul(g, y, gyIn), [], false), [xIn]);
  g.output(y, 'y');
  g.output(gx, 'gx');
  const session = await ort.InferenceSession.create(emitModel(g), { intraOpNumThreads: 1 });
  const out = await session.run({ x: new ort.Tensor('float32', x, [BATCH, SEQ, IN]), gy: new ort.Tensor('float32', gy, [BATCH, SEQ, OUT]) });
  return { y: out.y.data as Float32Array, gx: out.gx.data as Float32Array };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

const rand = seededRandom(14);
const x = Float32Array.from(randomArray(BATCH * SEQ * IN, rand, 2));
const w = Float32Array.from(randomArray(OUT * IN, rand, 0.3));
const bias = Float32Array.from(randomArray(OUT, rand, 0.1));
const gy = Float32Array.from(randomArray(BATCH * SEQ * OUT, rand, 1));
const { q, scale } = ops.quantizePerChannel(w, OUT, IN);
const backward = ops.quantizePerInputChannel(w, OUT, IN);

for (const bits of [8, 7] as const)
  test(`forward and backward match the fake-quantised reference (${bits}-bit weights)`, async () => {
    const { q, scale } = ops.quantizePerChannel(w, OUT, IN, bits);
    const columns = ops.quantizePerInputChannel(w, OUT, IN, bits);
    const ours = await runLinear(x, w, bias, gy, bits);
    // Both products quantise their float operand per row: each row over its largest magnitude, the result's row
    // times it.
    const perRow = (a: Float32Array, k: number) => {
      const rowScale = Array.from({ length: a.length / k }, (_, r) => Math.max(maxAbs(a.subarray(r * k, (r + 1) * k)), 2 ** -126));
      return { rowScale, unit: Float32Array.from(a, (v, i) => Math.fround(v / rowScale[Math.floor(i / k)])) };
    };
    const xRows = perRow(x, IN);
    const y = fakeQuantProduct(
      xRows.unit,
      IN,
      (k, n) => q[n * IN + k],
      OUT,
      (n) => scale[n],
    ).map((v, i) => v * xRows.rowScale[Math.floor(i / OUT)] + bias[i % OUT]);
    const { rowScale, unit } = perRow(gy, OUT);
    const gx = fakeQuantProduct(
      unit,
      OUT,
      (n, k) => columns.q[n * IN + k],
      IN,
      (k) => columns.scale[k],
    ).map((v, i) => v * rowScale[Math.floor(i / IN)]);
    // The integer accumulations are exact on both sides; what differs is float32 rounding of the dequantising
    // products (a few ulps of the result's scale).
    for (const [name, actual, expected] of [
      ['y', ours.y, y],
      ['gx', ours.gx, gx],
    ] as const) {
      const err = maxAbs(actual.map((v, i) => v - expected[i]));
      assert.ok(err <= 1e-6 * maxAbs(expected), `${name}: max abs difference ${err} of scale ${maxAbs(expected)}`);
    }
  });

test('forward and backward stay within the quantisation error bound of the float32 product', async () => {
  const ours = await runLinear(x, w, bias, gy);
  // With x = deq(q(x)) - e_x (|e_x| <= s_x / 2) and W = s Q - e_W (|e_W| <= s / 2), each output's error is at most
  // sum_k s_x / 2 |s_n Q_nk| + |x_k| s_n / 2; the gradient's likewise, with dY in place of x and W's quantisation
  // per input channel, W = Q' diag(s').
  const sx = quantizeUint8(x).scale;
  const sy = quantizeUint8(gy).scale;
  let worstY = 0;
  for (let r = 0; r < BATCH * SEQ; r++)
    for (let n = 0; n < OUT; n++) {
      let [exact, bound] = [bias[n], 1e-5];
      for (let k = 0; k < IN; k++) {
        exact += x[r * IN + k] * w[n * IN + k];
        bound += (sx / 2) * scale[n] * Math.abs(q[n * IN + k]) + Math.abs(x[r * IN + k]) * (scale[n] / 2);
      }
      const err = Math.abs(ours.y[r * OUT + n] - exact);
      assert.ok(err <= bound, `y[${r}, ${n}]: error ${err} exceeds the bound ${bound}`);
      worstY = Math.max(worstY, err / bound);
    }
  for (let r = 0; r < BATCH * SEQ; r++)
    for (let k = 0; k < IN; k++) {
      let [exact, bound] = [0, 1e-5];
      for (let n = 0; n < OUT; n++) {
        exact += gy[r * OUT + n] * w[n * IN + k];
        bound += (sy / 2) * backward.scale[k] * Math.abs(backward.q[n * IN + k]) + (Math.abs(gy[r * OUT + n]) * backward.scale[k]) / 2;
      }
      const err = Math.abs(ours.gx[r * IN + k] - exact);
      assert.ok(err <= bound, `gx[${r}, ${k}]: error ${err} exceeds the bound ${bound}`);
    }
  assert.ok(worstY > 0.01, 'the products are exactly the float32 ones: the int8 path did not run');
});

test('an inference graph carries only the forward int8 operand; a gradient adds the backward one', () => {
  const build = (withGradient: boolean) => {
    const g = new Graph('int8_linear');
    const xIn = g.input('x', 'float32', [BATCH, SEQ, IN]);
    const y = ops.quantizedLinear(g, xIn, ops.int8Weight(g, 'w', w, OUT, IN));
    if (withGradient) gradients(g, ops.reduceSum(g, y, [], false), [xIn]);
    return g.initializers.filter((i) => i.value.dtype === 'int8').map((i) => [i.value.name, i.value.shape.join('x')].join(':'));
  };
  assert.deepEqual(build(false), [`w.int8_transposed:${IN}x${OUT}`]);
  assert.deepEqual(build(true), [`w.int8_transposed:${IN}x${OUT}`, `w.int8_per_input_channel:${OUT}x${IN}`]);
});

test('a gradient arriving times a power of two has the factor folded into the backward product, bit for bit', async () => {
  // loss = sum(y * factor * gy): the gradient reaching the int8 product is (gy) * factor. With the factor a
  // constant the VJP folds it into the product's output scale; fed as an input it cannot, and multiplies first.
  const build = (factorAsInput: boolean) => {
    const g = new Graph('int8_linear_scaled');
    const xIn = g.input('x', 'float32', [BATCH, SEQ, IN]);
    const gyIn = g.input('gy', 'float32', [BATCH, SEQ, OUT]);
    const factor = factorAsInput ? g.input('factor', 'float32', []) : g.scalar('float32', 0.5);
    const y = ops.quantizedLinear(g, xIn, ops.int8Weight(g, 'w', w, OUT, IN));
    const [gx] = gradients(g, ops.reduceSum(g, ops.mul(g, ops.mul(g, y, factor), gyIn), [], false), [xIn]);
    g.output(gx, 'gx');
    return emitModel(g);
  };
  const run = async (model: Uint8Array, extra: Record<string, ort.Tensor>) => {
    const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
    const feeds = { x: new ort.Tensor('float32', x, [BATCH, SEQ, IN]), gy: new ort.Tensor('float32', gy, [BATCH, SEQ, OUT]), ...extra };
    return (await session.run(feeds)).gx.data as Float32Array;
  };
  const [folded, unfolded] = [build(false), build(true)];
  // Folded, the factor multiplies the forward's product (y * factor, y the product's rows times their scale) and,
  // backward, the [tokens, 1] row scale (a Max's output), not the [tokens, out] gradient.
  const factorOperands = (model: Uint8Array) => {
    const graph = onnx.ModelProto.decode(model).graph!;
    const value = (t: onnx.ITensorProto) => t.floatData?.[0] ?? new Float32Array(Uint8Array.from(t.rawData!).buffer)[0];
    const factorName = graph.initializer!.find((t) => t.dims!.length === 0 && value(t) === 0.5)?.name;
    const producer = new Map(graph.node!.flatMap((n) => n.output!.map((o) => [o, n.opType] as const)));
    return graph
      .node!.filter((n) => n.opType === 'Mul' && n.input!.includes(factorName!))
      .map((n) => n.input!.filter((i) => i !== factorName).map((i) => producer.get(i) ?? i));
  };
  assert.deepEqual(factorOperands(folded), [['Mul'], ['Max']]);
  const expected = await run(unfolded, { factor: new ort.Tensor('float32', Float32Array.of(0.5), []) });
  assert.deepEqual(await run(folded, {}), expected);
  assert.ok(maxAbs(expected) > 0);
});
