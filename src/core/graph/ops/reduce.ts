import type { Graph } from '../graph';
import type { Value } from '../ir';
import { normalizeAxis, reduceShape } from '../shapeInference';
import type { VjpRules } from '../vjp';
import { cast, div, scalarLike } from './elementwise';
import { dimOf, expandLike, unsqueeze } from './shape';

export function reduceSum(g: Graph, x: Value, axes: number[], keepdims: boolean): Value {
  const all = axes.length === 0 ? x.shape.map((_, i) => i) : axes;
  return g.node('ReduceSum', [x, g.ints(all)], [{ dtype: x.dtype, shape: reduceShape(x.shape, all, keepdims) }], {
    keepdims: { int: keepdims ? 1 : 0 },
  })[0];
}

/** ReduceMean takes its axes as an attribute up to opset 17. */
export function reduceMean(g: Graph, x: Value, axes: number[], keepdims: boolean): Value {
  return g.node('ReduceMean', [x], [{ dtype: x.dtype, shape: reduceShape(x.shape, axes, keepdims) }], {
    axes: { ints: axes },
    keepdims: { int: keepdims ? 1 : 0 },
  })[0];
}

function broadcastBack(g: Graph, gy: Value, x: Value, axes: number[], keepdims: boolean): Value {
  const kept = keepdims ? gy : unsqueeze(g, gy, axes.map((a) => normalizeAxis(a, x.shape.length)).sort((a, b) => a - b));
  return expandLike(g, kept, x);
}

function reducedCount(g: Graph, x: Value, axes: number[]): Value {
  const dims = axes.map((a) => x.shape[normalizeAxis(a, x.shape.length)]);
  if (dims.every((d) => typeof d === 'number')) return scalarLike(g, x, (dims as number[]).reduce((p, d) => p * d, 1));
  return axes
    .map((a) => cast(g, dimOf(g, x, a), x.dtype))
    .reduce((p, d) => g.node('Mul', [p, d], [{ dtype: x.dtype, shape: [] }])[0]);
}

export const reduceRules: VjpRules = {
  ReduceSum: (g, { inputs: [x, axesValue], attributes }, [gy]) => {
    const axes = constantInts(g, axesValue);
    return [broadcastBack(g, gy!, x, axes, (attributes.keepdims as { int: number }).int === 1), undefined];
  },
  ReduceMean: (g, { inputs: [x], attributes }, [gy]) => {
    const axes = (attributes.axes as { ints: number[] }).ints;
    const spread = broadcastBack(g, gy!, x, axes, (attributes.keepdims as { int: number }).int === 1);
    return [div(g, spread, reducedCount(g, x, axes))];
  },
};

function constantInts(g: Graph, value: Value): number[] {
  const init = g.initializers.find((i) => i.value.name === value.name);
  if (!init || !(init.data instanceof BigInt64Array)) throw new Error(`ReduceSum axes '${value.name}' must be a constant`);
  return Array.from(init.data, Number);
}
