import type { Graph } from '../graph';
import type { Value } from '../ir';
import { inversePermutation, matmulShape, transposeShape } from '../shapeInference';
import type { VjpRules } from '../vjp';
import { sumToShape } from './broadcast';

export function matmul(g: Graph, a: Value, b: Value): Value {
  return g.node('MatMul', [a, b], [{ dtype: a.dtype, shape: matmulShape(a.shape, b.shape) }])[0];
}

export function transpose(g: Graph, x: Value, perm: number[]): Value {
  return g.node('Transpose', [x], [{ dtype: x.dtype, shape: transposeShape(x.shape, perm) }], { perm: { ints: perm } })[0];
}

/** Swaps the last two axes: the matrix transpose of every matrix in a batch. */
export function transposeLastTwo(g: Graph, x: Value): Value {
  const perm = x.shape.map((_, i) => i);
  const r = perm.length;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return transpose(g, x, perm);
}

export const linalgRules: VjpRules = {
  // C = A B: dA = dC B^T and dB = A^T dC, summed over the batch dimensions each side was broadcast along.
  MatMul: (g, { inputs: [a, b] }, [gy], [na, nb]) => [
    na ? sumToShape(g, matmul(g, gy!, transposeLastTwo(g, b)), a) : undefined,
    nb ? sumToShape(g, matmul(g, transposeLastTwo(g, a), gy!), b) : undefined,
  ],
  Transpose: (g, { attributes }, [gy]) => {
    const perm = (attributes.perm as { ints: number[] }).ints;
    return [transpose(g, gy!, inversePermutation(perm))];
  },
};
