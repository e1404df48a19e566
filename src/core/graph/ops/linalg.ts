// Matrix products and transposes. A product's gradients are products with the other operand transposed,
// which FusedMatMul reads in place instead of materialising.
import { isNodeOf, type Graph, type Op } from '../graph';
import { MICROSOFT_DOMAIN, type Value } from '../ir';
import { inversePermutation, matmulShape, transposeShape } from '../shapeInference';
import { sumToShape } from './broadcast';
import { mul } from './elementwise';

const Transpose: Op<{ perm: { ints: readonly number[] } }> = {
  opType: 'Transpose',
  vjp: (g, { attributes }, [gy]) => [transpose(g, gy!, inversePermutation(attributes.perm.ints))],
};

export function transpose(g: Graph, x: Value, perm: number[]): Value {
  return g.node(Transpose, [x], [{ dtype: x.dtype, shape: transposeShape(x.shape, perm) }], { perm: { ints: perm } })[0];
}

function lastTwoSwapped(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/** The input of x's producer when that producer swaps x's last two axes (so x^T is that input). */
function untransposed(g: Graph, x: Value): Value | undefined {
  const producer = g.producer(x);
  const perm = lastTwoSwapped(x.shape.length).join();
  return isNodeOf(producer, Transpose) && producer.attributes.perm.ints.join() === perm ? producer.inputs[0] : undefined;
}

/**
 * Swaps the last two axes: the matrix transpose of every matrix in a batch. Transposing a value that is
 * itself such a transpose returns the original, so a frozen Linear weight used as W^T forward and W
 * backward is stored once.
 */
export function transposeLastTwo(g: Graph, x: Value): Value {
  return untransposed(g, x) ?? transpose(g, x, lastTwoSwapped(x.shape.length));
}

// C = A B: dA = dC B^T and dB = A^T dC, summed over the batch dimensions each side was broadcast along.
const MatMul: Op = {
  opType: 'MatMul',
  vjp: (g, { inputs: [a, b] }, [gy], [na, nb]) => [
    na ? sumToShape(g, matmulTransposed(g, gy!, b, false, true), a) : undefined,
    nb ? sumToShape(g, matmulTransposed(g, a, gy!, true, false), b) : undefined,
  ],
};

export function matmul(g: Graph, a: Value, b: Value): Value {
  return g.node(MatMul, [a, b], [{ dtype: a.dtype, shape: matmulShape(a.shape, b.shape) }], {})[0];
}

// C = alpha op(A) op(B), op transposing the last two axes where the flag is set.
const FusedMatMul: Op<{ transA: { int: number }; transB: { int: number }; alpha: { float: number } }> = {
  opType: 'FusedMatMul',
  domain: MICROSOFT_DOMAIN,
  vjp: (g, { inputs: [a, b], attributes }, [gy], [na, nb]) => {
    const [ta, tb, alpha] = [attributes.transA.int === 1, attributes.transB.int === 1, attributes.alpha.float];
    const m = (x: Value, y: Value, tx: boolean, ty: boolean) => matmulTransposed(g, x, y, tx, ty, alpha);
    const da = () => (ta ? m(b, gy!, tb, true) : m(gy!, b, false, !tb));
    const db = () => (tb ? m(gy!, a, true, ta) : m(a, gy!, !ta, false));
    return [na ? sumToShape(g, da(), a) : undefined, nb ? sumToShape(g, db(), b) : undefined];
  },
};

/**
 * Whether a^T b is better computed as (b^T a)^T: onnxruntime's batched FusedMatMul copies its transposed operand
 * out, and the attention backward's a^T b (dV = P^T dC, dK = dS^T Q) reads the [sequence, sequence] matrix
 * transposed where b^T a transposes the [sequence, headSize] one; the result's transpose merges into the
 * Transpose that takes the heads back to [batch, sequence, heads, headSize]. Measured on [8, 12, 128, 128] x
 * [8, 12, 128, 32], 1 thread, with that Transpose: 3.6 ms against 4.85 ms (p25 of 300, load 5), the same numbers.
 */
function transposingBIsCheaper(a: Value, b: Value): boolean {
  const [ra, rb] = [a.shape.length, b.shape.length];
  if (ra !== 4 || rb !== 4 || !a.shape.slice(0, -2).every((d, i) => d === b.shape[i])) return false;
  // a square per batch entry (the [sequence, sequence] attention matrix, its size symbolic) against b's fixed width
  const [m, n] = [a.shape[ra - 1], b.shape[rb - 1]];
  return m === a.shape[ra - 2] && typeof n === 'number' && (typeof m !== 'number' || n < m);
}

/**
 * op(a) op(b) where op transposes the last two axes when asked, without materialising the transpose in
 * float32: onnxruntime's FusedMatMul reads the operand transposed. (Its own fusion of Transpose into MatMul
 * does not happen when the transposed value is itself a Transpose output, as the attention's per-head
 * layouts are: its transpose optimiser merges the two into one slow general permutation first.)
 * Where the provider has no FusedMatMul, a plain MatMul of the transposed operand.
 */
export function matmulTransposed(g: Graph, a: Value, b: Value, transA: boolean, transB: boolean, alpha = 1): Value {
  const plainA = transA ? untransposed(g, a) : undefined;
  const plainB = transB ? untransposed(g, b) : undefined;
  if (plainA) [a, transA] = [plainA, false];
  if (plainB) [b, transB] = [plainB, false];
  if (transA && !transB && g.kernels.fusedMatMul && transposingBIsCheaper(a, b)) return transposeLastTwo(g, matmulTransposed(g, b, a, true, false, alpha));
  if (!g.kernels.fusedMatMul || a.dtype !== 'float32' || (!transA && !transB && alpha === 1)) {
    const product = matmul(g, transA ? transposeLastTwo(g, a) : a, transB ? transposeLastTwo(g, b) : b);
    return alpha === 1 ? product : mul(g, product, g.scalar(a.dtype, alpha));
  }
  const shapeOf = (x: Value, t: boolean) => (t ? transposeShape(x.shape, lastTwoSwapped(x.shape.length)) : x.shape);
  const attributes = { transA: { int: transA ? 1 : 0 }, transB: { int: transB ? 1 : 0 }, alpha: { float: alpha } };
  return g.node(FusedMatMul, [a, b], [{ dtype: a.dtype, shape: matmulShape(shapeOf(a, transA), shapeOf(b, transB)) }], attributes)[0];
}
