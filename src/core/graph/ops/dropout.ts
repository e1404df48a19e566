// ONNX Dropout in training mode: onnxruntime draws the mask (its own generator, seeded per node) and returns it
// beside the output, so the backward reuses the forward's mask instead of a mask made in JavaScript.
import type { Graph, Op } from '../graph';
import type { Value } from '../ir';
import { cast, mul, scalarLike } from './elementwise';

type Seed = { seed: { int: number } };

// y = x * mask / keep, so dx = dy * mask / keep. onnxruntime folds a scalar factor into the MatMul that produces
// or consumes it: the scale goes next to dy where a product made dy (the attention probabilities' gradient),
// else last, next to the product the gradient flows into (the linear layers' backward).
const byRate = new Map<number, Op<Seed>>();
function dropoutOp(rate: number): Op<Seed> {
  let op = byRate.get(rate);
  if (!op) {
    op = {
      opType: 'Dropout',
      vjp: (g, { inputs: [x], outputs: [, mask] }, [gy]) => {
        const [keptMask, scale] = [cast(g, mask, x.dtype), scalarLike(g, x, 1 / (1 - rate))];
        const madeByProduct = ['MatMul', 'FusedMatMul'].includes(g.producer(gy!)?.opType ?? '');
        return [madeByProduct ? mul(g, keptMask, mul(g, gy!, scale)) : mul(g, mul(g, gy!, keptMask), scale), undefined, undefined];
      },
    };
    byRate.set(rate, op);
  }
  return op;
}

/**
 * Inverted dropout as torch's nn.Dropout in train mode: each element zeroed with probability `rate`, the rest
 * scaled by 1 / (1 - rate). A new mask every run; `seed` makes a fresh session's sequence of masks reproducible.
 */
export function dropout(g: Graph, x: Value, rate: number, seed: number): Value {
  if (!(rate > 0 && rate < 1)) throw new Error(`dropout rate must be in (0, 1), got ${rate}`);
  const ratio = g.scalar(x.dtype, rate);
  const training = g.constant('bool', [], [1]);
  return g.node(
    dropoutOp(rate),
    [x, ratio, training],
    [
      { dtype: x.dtype, shape: x.shape },
      { dtype: 'bool', shape: x.shape, name: 'dropout_mask' },
    ],
    { seed: { int: seed } },
  )[0];
}
