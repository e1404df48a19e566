// Broadcasting and its adjoint: Expand's gradient is a ReduceSum and ReduceSum's is an Expand, so the two
// ops live together, with sumToShape, which undoes the implicit broadcasting of every elementwise op.
import type { Graph, Op } from '../graph';
import { sameShape, type Value } from '../ir';
import { normalizeAxis, reduceShape } from '../shapeInference';
import { reshapeLike, shapeOf, unsqueeze } from './shape';

const Expand: Op = {
  opType: 'Expand',
  vjp: (g, { inputs: [x] }, [gy]) => [sumToShape(g, gy!, x), undefined],
};

export function expandLike(g: Graph, x: Value, like: Value): Value {
  return g.node(Expand, [x, shapeOf(g, like)], [{ dtype: x.dtype, shape: like.shape }], {})[0];
}

type KeepDims = { keepdims: { int: number } };

/** Spreads the gradient of a reduction back over the reduced axes of x. */
export function broadcastBack(g: Graph, gy: Value, x: Value, axes: readonly number[], keepdims: boolean): Value {
  const kept = keepdims
    ? gy
    : unsqueeze(
        g,
        gy,
        axes.map((a) => normalizeAxis(a, x.shape.length)).sort((a, b) => a - b),
      );
  return expandLike(g, kept, x);
}

const ReduceSum: Op<KeepDims> = {
  opType: 'ReduceSum',
  vjp: (g, { inputs: [x, axesValue], attributes }, [gy]) => [broadcastBack(g, gy!, x, constantInts(g, axesValue), attributes.keepdims.int === 1), undefined],
};

/** Sums over `axes` (all of them when empty); from opset 13 the axes are an input. */
export function reduceSum(g: Graph, x: Value, axes: number[], keepdims: boolean): Value {
  const all = axes.length === 0 ? x.shape.map((_, i) => i) : axes;
  return g.node(ReduceSum, [x, g.ints(all)], [{ dtype: x.dtype, shape: reduceShape(x.shape, all, keepdims) }], {
    keepdims: { int: keepdims ? 1 : 0 },
  })[0];
}

function constantInts(g: Graph, value: Value): number[] {
  const init = g.initializers.find((i) => i.value.name === value.name);
  if (!init || !(init.data instanceof BigInt64Array)) throw new Error(`ReduceSum axes '${value.name}' must be a constant`);
  return Array.from(init.data, Number);
}

/**
 * Undoes broadcasting in a gradient: sums `grad` over the axes along which `target` was broadcast, so the
 * result has target's shape. Leading axes that target lacks and axes where target has size 1 are summed.
 */
export function sumToShape(g: Graph, grad: Value, target: Value): Value {
  if (sameShape(grad.shape, target.shape)) return grad;
  const offset = grad.shape.length - target.shape.length;
  const axes: number[] = [];
  grad.shape.forEach((d, i) => {
    if (i < offset) axes.push(i);
    else if (target.shape[i - offset] === 1 && d !== 1) axes.push(i);
  });
  const summed = axes.length > 0 ? reduceSum(g, grad, axes, true) : grad;
  return sameShape(summed.shape, target.shape) ? summed : reshapeLike(g, summed, target);
}
