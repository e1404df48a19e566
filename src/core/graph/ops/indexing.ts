// Picking entries by index: Gather, OneHot, and the runtime size of a dimension.
import type { Graph, Op } from '../graph';
import type { DType, Value } from '../ir';
import { gatherShape, normalizeAxis } from '../shapeInference';
import { cast, equal, mul } from './elementwise';
import { concatInts, rangeOf, reshape, shapeOf, unsqueeze } from './shape';

type Axis = { axis: { int: number } };

// Only a scalar index is differentiable (picking one position, e.g. the first token): the gradient is the
// output gradient placed at that index and zero elsewhere, built with a one-hot mask so that no scatter op
// is needed.
const Gather: Op<Axis> = {
  opType: 'Gather',
  vjp: (g, { inputs: [data, indices], attributes }, [gy], [needsData]) => {
    if (!needsData) return [undefined, undefined];
    if (indices.shape.length !== 0) throw new Error('Gather is differentiable with respect to data only for a scalar index');
    const axis = normalizeAxis(attributes.axis.int, data.shape.length);
    const positions = rangeOf(g, dimOf(g, data, axis), data.shape[axis]);
    const mask = cast(g, equal(g, positions, indices), data.dtype);
    const maskShape = data.shape.map((d, i) => (i === axis ? -1 : 1));
    return [mul(g, unsqueeze(g, gy!, [axis]), reshape(g, mask, maskShape)), undefined];
  },
};

export function gather(g: Graph, data: Value, indices: Value, axis = 0): Value {
  return g.node(Gather, [data, indices], [{ dtype: data.dtype, shape: gatherShape(data.shape, indices.shape, axis) }], {
    axis: { int: axis },
  })[0];
}

/** The runtime size of one dimension of x, as an int64 scalar. */
export function dimOf(g: Graph, x: Value, axis: number): Value {
  return gather(g, shapeOf(g, x), g.scalar('int64', normalizeAxis(axis, x.shape.length)), 0);
}

/** Not differentiable: its input is integer labels. */
const OneHot: Op<Axis> = { opType: 'OneHot' };

/** One-hot over the last axis: indices [...] -> [..., depth] of the given float type. */
export function oneHot(g: Graph, indices: Value, depth: number, dtype: DType): Value {
  return g.node(OneHot, [indices, g.constant('int64', [1], [depth]), g.constant(dtype, [2], [0, 1])], [{ dtype, shape: [...indices.shape, depth] }], {
    axis: { int: -1 },
  })[0];
}

/** Not differentiable: it only builds gradients. */
const ScatterElements: Op<Axis & { reduction: { string: string } }> = { opType: 'ScatterElements' };

/**
 * out[..., j, ...] = data[..., indices[..., j, ...], ...] along `axis` (GatherElements). The gradient adds the
 * output's into zeros at the same places (ScatterElements, reduction add); the zeros' shape is the indices'
 * with data's static size along the axis, so that the data need not be kept for the backward pass.
 */
const GatherElements: Op<Axis> = {
  opType: 'GatherElements',
  vjp: (g, { inputs: [data, indices], attributes }, [gy], [needsData]) => {
    if (!needsData) return [undefined, undefined];
    const axis = normalizeAxis(attributes.axis.int, data.shape.length);
    const size = data.shape[axis];
    if (typeof size !== 'number') throw new Error('GatherElements is differentiable only along an axis of static size');
    const dims = shapeOf(g, indices);
    const pick = (from: number, to: number) => gather(g, dims, g.ints(Array.from({ length: to - from }, (_, i) => from + i)));
    const pieces = [...(axis > 0 ? [pick(0, axis)] : []), g.ints([size]), ...(axis + 1 < data.shape.length ? [pick(axis + 1, data.shape.length)] : [])];
    const [zeros] = g.node('Expand', [g.scalar(data.dtype, 0), concatInts(g, pieces)], [{ dtype: data.dtype, shape: data.shape }]);
    const attrs = { axis: { int: axis }, reduction: { string: 'add' } };
    return [g.node(ScatterElements, [zeros, indices, gy!], [{ dtype: data.dtype, shape: data.shape }], attrs)[0], undefined];
  },
};

export function gatherElements(g: Graph, data: Value, indices: Value, axis: number): Value {
  return g.node(GatherElements, [data, indices], [{ dtype: data.dtype, shape: indices.shape }], { axis: { int: axis } })[0];
}
