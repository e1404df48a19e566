// int8 products through frozen weights. A frozen Linear weight W [out, in] is quantised once, when the graph is
// built, per output channel and symmetrically: s_n = max|W_n| / 127, Q = round(W / s) (ties to even, as
// onnxruntime rounds). onnxruntime's com.microsoft DynamicQuantizeMatMul quantises the float operand as it runs
// (per tensor, uint8 with a zero point; each row is divided by its largest magnitude first and the product's row
// multiplied by it after, so that in effect each row is quantised on its own) and multiplies in integers: MLAS uses AVX512-VNNI or AMX where the
// processor has them and a plain SIMD path where not. The backward product through the frozen weight, dX = dY W,
// goes through the same kernel with W quantised a second time, per input channel (column): W = Q' diag(s'), so
// dX = (dY Q') s' and the kernel's per-column scale takes s' (with the forward's Q, dX = (dY * s) Q would cost a pass
// over dY first: 3% of an int8 MiniLM step). The incoming gradient is quantised per row (token): each row is divided
// by its largest magnitude before the kernel's per-tensor quantisation and the product's row multiplied by it after.
// Gradients differ between tokens by orders of magnitude, and per tensor the small rows rounded to nothing:
// all-MiniLM-L6-v2 on WNUT-17 stopped learning (train loss 0.148 at epoch 9 against fp32's 0.095; dev F1 43.7
// against 49.4), while per row the loss follows the fp32 run's (3 epochs: 0.1349 against fp32 0.1348 and per-tensor
// 0.1386). Q' and s' are initializers added only when a gradient needs them.
// Without VNNI or AMX (AVX2 and AVX-512 without VNNI), MLAS adds pairs of uint8 x int8 products into int16 with
// saturation (VPMADDUBSW): 2 x 255 x 127 overflows 32,767. There the weights get 7 bits, [-64, 64] (as
// onnxruntime's reduce_range), which cannot saturate: engine/int8Kernel.ts asks onnxruntime which applies.
import type { Graph, Op } from '../graph';
import { MICROSOFT_DOMAIN, type Value } from '../ir';
import { matmulShape, reduceShape } from '../shapeInference';
import { add, div, max, mul, powerOfTwoMultiple } from './elementwise';

/** A frozen [out, in] weight in int8, per-output-channel scales. */
export interface Int8Weight {
  /** int8 [in, out]: W^T, the forward product's right operand. */
  readonly transposed: Value;
  /** float32 [out]: the scale of each output channel. */
  readonly scale: Value;
  /**
   * The backward product's right operand: W quantised per input channel, int8 [out, in] and the scale of each
   * column [in]; made on first use, so that inference graphs lack it.
   */
  readonly perInputChannel: () => { q: Value; scale: Value };
}

export interface QuantizedMatrix {
  /** Row-major [out, in]. */
  q: Int8Array;
  scale: Float32Array;
}

/** The bits of the frozen weights' levels: 8 is [-127, 127], 7 is [-64, 64]. */
export type Int8WeightBits = 8 | 7;

const LEVELS: Record<Int8WeightBits, number> = { 8: 127, 7: 64 };

/** The largest level of weights with `bits`: levels lie in [-L, L]. */
export function int8WeightLevels(bits: Int8WeightBits): number {
  return LEVELS[bits];
}

/** v's level at the (non-zero) scale s: rounded half to even, as onnxruntime rounds, and held within [-levels, levels]. */
function level(v: number, s: number, levels: number): number {
  return Math.max(-levels, Math.min(levels, roundHalfToEven(Math.fround(v / s))));
}

/**
 * Symmetric per-row quantisation of a row-major [out, in] matrix to [-L, L] (L = 127, or 64 with 7 bits); an
 * all-zero row gets scale 0 and zeros.
 */
export function quantizePerChannel(data: Float32Array, out: number, inputs: number, bits: Int8WeightBits = 8): QuantizedMatrix {
  const levels = LEVELS[bits];
  const q = new Int8Array(out * inputs);
  const scale = new Float32Array(out);
  for (let n = 0; n < out; n++) {
    const row = data.subarray(n * inputs, (n + 1) * inputs);
    let max = 0;
    for (const v of row) max = Math.max(max, Math.abs(v));
    const s = Math.fround(max / levels);
    scale[n] = s;
    if (s === 0) continue;
    for (let k = 0; k < inputs; k++) q[n * inputs + k] = level(row[k], s, levels);
  }
  return { q, scale };
}

function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function transposed(q: Int8Array, out: number, inputs: number): Int8Array {
  const t = new Int8Array(q.length);
  for (let n = 0; n < out; n++) for (let k = 0; k < inputs; k++) t[k * out + n] = q[n * inputs + k];
  return t;
}

/**
 * quantizePerChannel over the columns (input channels) of a row-major [out, in] matrix: q [out, in], scale [in].
 * Read in place, without a transposed float32 copy (BERT-base's would be 340 MB while the graph is built).
 */
export function quantizePerInputChannel(data: Float32Array, out: number, inputs: number, bits: Int8WeightBits = 8): QuantizedMatrix {
  const levels = LEVELS[bits];
  const max = new Float64Array(inputs);
  for (let n = 0; n < out; n++) for (let k = 0; k < inputs; k++) max[k] = Math.max(max[k], Math.abs(data[n * inputs + k]));
  const scale = Float32Array.from(max, (m) => Math.fround(m / levels));
  const q = new Int8Array(out * inputs);
  for (let n = 0; n < out; n++)
    for (let k = 0; k < inputs; k++) {
      const s = scale[k];
      if (s !== 0) q[n * inputs + k] = level(data[n * inputs + k], s, levels);
    }
  return { q, scale };
}

/** Which Int8Weight a forward product's right operand belongs to, for its VJP. */
const weightOf = new WeakMap<Value, Int8Weight>();

interface Int8Matrix {
  /** The forward's quantisation, per output channel: row-major [in, out] (W^T's layout) and [out]. */
  transposed: Int8Array;
  scale: Float32Array;
  /** The backward's quantisation, made on first use. */
  perInputChannel: () => QuantizedMatrix;
}

/**
 * Quantised rows [start, start + out) of a frozen weight, kept as long as the weight: the training and the
 * inference graph of one model share the arrays (so a weight file holds them once) and quantise once.
 */
const quantizedRows = new WeakMap<Float32Array, Map<string, Int8Matrix>>();

function int8Matrix(weight: Float32Array, start: number, out: number, inputs: number, bits: Int8WeightBits): Int8Matrix {
  let byStart = quantizedRows.get(weight);
  if (!byStart) quantizedRows.set(weight, (byStart = new Map()));
  const key = `${start}:${bits}`;
  let m = byStart.get(key);
  if (!m || m.scale.length !== out) {
    const rows = weight.subarray(start * inputs, (start + out) * inputs);
    const { q, scale } = quantizePerChannel(rows, out, inputs, bits);
    let perInputChannel: QuantizedMatrix | undefined;
    m = { transposed: transposed(q, out, inputs), scale, perInputChannel: () => (perInputChannel ??= quantizePerInputChannel(rows, out, inputs, bits)) };
    byStart.set(key, m);
  }
  return m;
}

/**
 * Quantises rows [start, start + out) of a frozen float32 weight [rows, in] into the graph's initializers (named
 * after `name`).
 */
export function int8Weight(g: Graph, name: string, weight: Float32Array, out: number, inputs: number, start = 0, bits: Int8WeightBits = 8): Int8Weight {
  const matrix = int8Matrix(weight, start, out, inputs, bits);
  let backward: { q: Value; scale: Value } | undefined;
  const weight8: Int8Weight = {
    transposed: g.initializer(`${name}.int8_transposed`, 'int8', [inputs, out], matrix.transposed),
    scale: g.initializer(`${name}.int8_scale`, 'float32', [out], matrix.scale),
    perInputChannel: () => {
      if (!backward) {
        const { q, scale } = matrix.perInputChannel();
        backward = {
          q: g.initializer(`${name}.int8_per_input_channel`, 'int8', [out, inputs], q),
          scale: g.initializer(`${name}.int8_per_input_channel_scale`, 'float32', [inputs], scale),
        };
      }
      return backward;
    },
  };
  weightOf.set(weight8.transposed, weight8);
  return weight8;
}

/** An optional input left out (ONNX's empty name). */
const ABSENT: Value = { name: '', dtype: 'int8', shape: [] };

// Y = dequantise(quantise(A) B) with B's scale per column (+ bias). Only A can need a gradient: B, its scale and
// the bias are frozen.
const DynamicQuantizeMatMul: Op = {
  opType: 'DynamicQuantizeMatMul',
  domain: MICROSOFT_DOMAIN,
  vjp: (g, { inputs: [, b] }, [gy], [na]) => {
    if (!na) return [];
    const weight = weightOf.get(b);
    if (!weight) throw new Error(`no backward operand for the int8 product through '${b.name}'`);
    // A gradient that arrives as z * 2^k (GELU's rule ends in * 0.5) has the factor moved into the product's
    // output scale: float32 scales by a power of two exactly, so z s 2^k quantises to the same integers as z s
    // with an activation scale 2^k times larger, and the result is the same bit for bit, one pass over the
    // [tokens, out] gradient fewer (emitModel leaves out the multiplication, now unused).
    const { x: z, factor } = powerOfTwoMultiple(g, gy!) ?? { x: gy!, factor: 1 };
    const { q, scale } = weight.perInputChannel();
    const rowScale = rowScaleOf(g, z);
    const product = dynamicQuantizeMatMul(g, div(g, z, rowScale), q, scale);
    return [mul(g, product, factor === 1 ? rowScale : mul(g, rowScale, g.scalar('float32', factor)))];
  },
};

const SMALLEST_NORMAL = 2 ** -126;
// Only row scales use these, and they are never differentiated.
const Neg: Op = { opType: 'Neg' };
type Reduce = Op<{ axes: { ints: readonly number[] }; keepdims: { int: number } }>;
const ReduceMax: Reduce = { opType: 'ReduceMax' };
const ReduceMin: Reduce = { opType: 'ReduceMin' };

/**
 * max |x| over the last axis, kept as a size-1 axis: max(max x, -min x), the same number as a ReduceMax of Abs
 * without writing |x| out (two reads of x where Abs took a read, a write and a read).
 */
function rowMaxAbs(g: Graph, x: Value): Value {
  const rows = { dtype: x.dtype, shape: reduceShape(x.shape, [-1], true) };
  const reduce = (op: Reduce) => g.node(op, [x], [rows], { axes: { ints: [-1] }, keepdims: { int: 1 } })[0];
  return max(g, reduce(ReduceMax), g.node(Neg, [reduce(ReduceMin)], [rows], {})[0]);
}

/** Each row's largest magnitude, by which the row is divided before the kernel quantises it per tensor. */
function rowScaleOf(g: Graph, x: Value): Value {
  // An all-zero row (padding) divides by the smallest normal float32, not by 0, and stays zero.
  return max(g, rowMaxAbs(g, x), g.scalar('float32', SMALLEST_NORMAL));
}

function dynamicQuantizeMatMul(g: Graph, a: Value, b: Value, bScale: Value, bias?: Value): Value {
  const inputs = bias ? [a, b, bScale, ABSENT, bias] : [a, b, bScale];
  return g.node(DynamicQuantizeMatMul, inputs, [{ dtype: 'float32', shape: matmulShape(a.shape, b.shape), name: 'int8_matmul' }], {})[0];
}

// The row scale r divides x before the product and multiplies its result after: (x / r) W^T r = x W^T, so both
// pass the gradient through unchanged and x's gradient is the backward product of the incoming one, as without r
// (which the backward's own per-row scaling makes exact: it does not see a positive factor per row).
const DivideRows: Op = { opType: 'Div', vjp: (_g, _node, [gy]) => [gy, undefined] };
const MultiplyRows: Op = { opType: 'Mul', vjp: (_g, _node, [gy]) => [gy, undefined] };

/**
 * x W^T (+ b) through the int8 weight, x quantised per row (token) as the backward's gradient is: each row divided
 * by its largest magnitude before the kernel's per-tensor quantisation and the product's row multiplied by it after.
 * Per tensor, the few tokens of very large norm (the special tokens, where PASTA's vectors sit) set one scale for
 * all: the WNUT-17 tagger's 8-bit export lost 0.60 dev F1 points per tensor and gained 0.51 per row; 3 epochs of
 * int8 training (seed 42) reached dev / test F1 43.80 / 30.79 per row against 42.13 / 30.14 (fp32 42.95 / 30.39).
 * Differentiable with respect to x.
 */
export function quantizedLinear(g: Graph, x: Value, weight: Int8Weight, bias?: Value): Value {
  const rowScale = rowScaleOf(g, x);
  const unit = g.node(DivideRows, [x, rowScale], [{ dtype: x.dtype, shape: x.shape }], {})[0];
  const product = dynamicQuantizeMatMul(g, unit, weight.transposed, weight.scale);
  const y = g.node(MultiplyRows, [product, rowScale], [{ dtype: product.dtype, shape: product.shape }], {})[0];
  return bias ? add(g, y, bias) : y;
}
