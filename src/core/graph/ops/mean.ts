// ReduceMean (ReduceSum lives in broadcast.ts, beside Expand, its adjoint). Above indexing.ts: a mean over
// symbolic dimensions divides by their runtime sizes.
import type { Graph, Op } from '../graph';
import type { Value } from '../ir';
import { normalizeAxis, reduceShape } from '../shapeInference';
import { broadcastBack } from './broadcast';
import { cast, div, mul, scalarLike } from './elementwise';
import { dimOf } from './indexing';

const ReduceMean: Op<{ axes: { ints: readonly number[] }; keepdims: { int: number } }> = {
  opType: 'ReduceMean',
  vjp: (g, { inputs: [x], attributes }, [gy]) => {
    const axes = attributes.axes.ints;
    const spread = broadcastBack(g, gy!, x, axes, attributes.keepdims.int === 1);
    return [div(g, spread, reducedCount(g, x, axes))];
  },
};

/** ReduceMean takes its axes as an attribute up to opset 17. */
export function reduceMean(g: Graph, x: Value, axes: number[], keepdims: boolean): Value {
  return g.node(ReduceMean, [x], [{ dtype: x.dtype, shape: reduceShape(x.shape, axes, keepdims) }], {
    axes: { ints: axes },
    keepdims: { int: keepdims ? 1 : 0 },
  })[0];
}

function reducedCount(g: Graph, x: Value, axes: readonly number[]): Value {
  const dims = axes.map((a) => x.shape[normalizeAxis(a, x.shape.length)]);
  if (dims.every((d): d is number => typeof d === 'number'))
    return scalarLike(
      g,
      x,
      dims.reduce((p, d) => p * d, 1),
    );
  return axes.map((a) => cast(g, dimOf(g, x, a), x.dtype)).reduce((p, d) => mul(g, p, d));
}
