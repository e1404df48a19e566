import type { Graph } from '../graph';
import type { DType, Dim, Value } from '../ir';
import { gatherShape, normalizeAxis, reshapeShape, unsqueezeShape } from '../shapeInference';
import type { VjpRules } from '../vjp';
import { cast, equal, mul } from './elementwise';
import { sumToShape } from './broadcast';

export function shapeOf(g: Graph, x: Value): Value {
  return g.node('Shape', [x], [{ dtype: 'int64', shape: [x.shape.length] }])[0];
}

/** Reshape to a static target (ONNX semantics: 0 copies a dimension, -1 is inferred). */
export function reshape(g: Graph, x: Value, target: number[]): Value {
  return g.node('Reshape', [x, g.ints(target)], [{ dtype: x.dtype, shape: reshapeShape(x.shape, target) }])[0];
}

/** Reshape x to the runtime shape of `like` (used to undo reshapes with symbolic dimensions). */
export function reshapeLike(g: Graph, x: Value, like: Value): Value {
  return g.node('Reshape', [x, shapeOf(g, like)], [{ dtype: x.dtype, shape: like.shape }])[0];
}

export function unsqueeze(g: Graph, x: Value, axes: number[]): Value {
  return g.node('Unsqueeze', [x, g.ints(axes)], [{ dtype: x.dtype, shape: unsqueezeShape(x.shape, axes) }])[0];
}

export function expandLike(g: Graph, x: Value, like: Value): Value {
  return g.node('Expand', [x, shapeOf(g, like)], [{ dtype: x.dtype, shape: like.shape }])[0];
}

export function gather(g: Graph, data: Value, indices: Value, axis = 0): Value {
  return g.node('Gather', [data, indices], [{ dtype: data.dtype, shape: gatherShape(data.shape, indices.shape, axis) }], {
    axis: { int: axis },
  })[0];
}

/** One-hot over the last axis: indices [...] -> [..., depth] of the given float type. */
export function oneHot(g: Graph, indices: Value, depth: number, dtype: DType): Value {
  return g.node(
    'OneHot',
    [indices, g.constant('int64', [1], [depth]), g.constant(dtype, [2], [0, 1])],
    [{ dtype, shape: [...indices.shape, depth] }],
    { axis: { int: -1 } },
  )[0];
}

/** 1-D int64 tensor [0, 1, ..., size-1] where size is a runtime scalar. */
export function rangeOf(g: Graph, size: Value, length: Dim): Value {
  return g.node('Range', [g.scalar('int64', 0), size, g.scalar('int64', 1)], [{ dtype: 'int64', shape: [length] }])[0];
}

/** The runtime size of one dimension of x, as an int64 scalar. */
export function dimOf(g: Graph, x: Value, axis: number): Value {
  return gather(g, shapeOf(g, x), g.scalar('int64', normalizeAxis(axis, x.shape.length)), 0);
}

export const shapeRules: VjpRules = {
  Reshape: (g, { inputs: [x] }, [gy]) => [reshapeLike(g, gy!, x), undefined],
  Unsqueeze: (g, { inputs: [x] }, [gy]) => [reshapeLike(g, gy!, x), undefined],
  Squeeze: (g, { inputs: [x] }, [gy]) => [reshapeLike(g, gy!, x), undefined],
  Expand: (g, { inputs: [x] }, [gy]) => [sumToShape(g, gy!, x), undefined],
  // Only a scalar index is differentiable (picking one position, e.g. the first token): the gradient is
  // the output gradient placed at that index and zero elsewhere, built with a one-hot mask so that no
  // scatter op is needed.
  Gather: (g, { inputs: [data, indices], attributes }, [gy], [needsData]) => {
    if (!needsData) return [undefined, undefined];
    if (indices.shape.length !== 0) throw new Error('Gather is differentiable with respect to data only for a scalar index');
    const axis = normalizeAxis((attributes.axis as { int: number }).int, data.shape.length);
    const positions = rangeOf(g, dimOf(g, data, axis), data.shape[axis]);
    const mask = cast(g, equal(g, positions, indices), data.dtype);
    const maskShape = data.shape.map((d, i) => (i === axis ? -1 : 1));
    return [mul(g, unsqueeze(g, gy!, [axis]), reshape(g, mask, maskShape)), undefined];
  },
};
