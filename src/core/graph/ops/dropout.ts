// Inverted dropout with its mask fed in: the graph takes a bool input per dropout site and the step draws it in
// TypeScript (SeededRandom.keepMask). onnxruntime's own Dropout drew its masks on one thread with one draw per
// element, a quarter of an int8 step with every encoder dropout on; fed masks also make a resumed run draw
// what an uninterrupted one would, since the run's generator state is in its checkpoints.
import type { Graph } from '../graph';
import type { Value } from '../ir';
import { cast, mul, scalarLike } from './elementwise';

/**
 * x with the elements where `keep` is false zeroed and the rest scaled by 1 / (1 - rate), as torch's
 * nn.Dropout in train mode. The gradient follows from Where and Mul: dy masked the same way, then scaled. The
 * scale comes after the mask so that onnxruntime folds it into the product that consumes the attention
 * probabilities (and, backwards, into the one that made their gradient).
 */
export function dropout(g: Graph, x: Value, keep: Value, rate: number): Value {
  if (!(rate > 0 && rate < 1)) throw new Error(`dropout rate must be in (0, 1), got ${rate}`);
  if (keep.dtype !== 'bool') throw new Error(`dropout's keep mask must be bool, got ${keep.dtype}`);
  return mul(g, mul(g, x, cast(g, keep, x.dtype)), scalarLike(g, x, 1 / (1 - rate)));
}
