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

function lastTwoSwapped(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * Swaps the last two axes: the matrix transpose of every matrix in a batch. Transposing a value that is
 * itself such a transpose returns the original, so a frozen Linear weight used as W^T forward and W
 * backward is stored once.
 */
export function transposeLastTwo(g: Graph, x: Value): Value {
  const perm = lastTwoSwapped(x.shape.length);
  const producer = g.producer(x);
  if (producer?.opType === 'Transpose' && (producer.attributes.perm as { ints: number[] }).ints.join() === perm.join()) return producer.inputs[0];
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
