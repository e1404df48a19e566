// Inverted dropout with its mask fed in: the graph takes a bool input per dropout site and the step draws it in
// TypeScript (SeededRandom.keepMask). onnxruntime's own Dropout drew its masks on one thread with one draw per
// element, a quarter of an int8 step with every encoder dropout on; fed masks also make a resumed run draw
// what an uninterrupted one would, since the run's generator state is in its checkpoints.
import type { Graph, Op } from '../graph';
import type { Value } from '../ir';
import { cast, mul, scalarLike } from './elementwise';

// Forward Where(keep, x, 0), backward dy * float(keep): only the bool mask lives from the forward to the
// backward. One float32 cast shared by both directions was 4% faster a step (all-MiniLM-L6-v2 int8, 8 x 128:
// 180-186 against 187-194 ms; BERT-base 850 against 928 ms) but held the mask at 4 bytes an element until the
// backward (BERT-base peak RSS 1,396 against 1,243 MiB), and the attention probabilities' masks grow with the
// square of the sequence.
const KeepWhere: Op = {
  opType: 'Where',
  vjp: (g, { inputs: [keep, x] }, [gy], [, needsX]) => [undefined, needsX ? mul(g, gy!, cast(g, keep, x.dtype)) : undefined, undefined],
};

/**
 * x with the elements where `keep` is false zeroed and the rest scaled by 1 / (1 - rate), as torch's
 * nn.Dropout in train mode. The scale comes after the mask so that onnxruntime folds it into the product that
 * consumes the attention probabilities (and, backwards, into the one that made their gradient).
 */
export function dropout(g: Graph, x: Value, keep: Value, rate: number): Value {
  if (!(rate > 0 && rate < 1)) throw new Error(`dropout rate must be in (0, 1), got ${rate}`);
  if (keep.dtype !== 'bool') throw new Error(`dropout's keep mask must be bool, got ${keep.dtype}`);
  const kept = g.node(KeepWhere, [keep, x, scalarLike(g, x, 0)], [{ dtype: x.dtype, shape: x.shape }], {})[0];
  return mul(g, kept, scalarLike(g, x, 1 / (1 - rate)));
}
