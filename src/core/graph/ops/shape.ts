// Ops that rearrange or describe a tensor's shape; their gradients need nothing beyond this file.
import type { Graph, Op } from '../graph';
import type { Dim, Value } from '../ir';
import { reshapeShape, unsqueezeShape } from '../shapeInference';

/** Not differentiable: its output is an integer shape. */
const Shape: Op = { opType: 'Shape' };

export function shapeOf(g: Graph, x: Value): Value {
  return g.node(Shape, [x], [{ dtype: 'int64', shape: [x.shape.length] }], {})[0];
}

/** The gradient takes the input's shape back, read at run time: symbolic dimensions stay symbolic. */
const Reshape: Op = {
  opType: 'Reshape',
  vjp: (g, { inputs: [x] }, [gy]) => [reshapeLike(g, gy!, x), undefined],
};

/** Reshape to a static target (ONNX semantics: 0 copies a dimension, -1 is inferred). */
export function reshape(g: Graph, x: Value, target: number[]): Value {
  return g.node(Reshape, [x, g.ints(target)], [{ dtype: x.dtype, shape: reshapeShape(x.shape, target) }], {})[0];
}

/** Reshape x to the runtime shape of `like` (used to undo reshapes with symbolic dimensions). */
export function reshapeLike(g: Graph, x: Value, like: Value): Value {
  return g.node(Reshape, [x, shapeOf(g, like)], [{ dtype: x.dtype, shape: like.shape }], {})[0];
}

const Unsqueeze: Op = {
  opType: 'Unsqueeze',
  vjp: (g, { inputs: [x] }, [gy]) => [reshapeLike(g, gy!, x), undefined],
};

export function unsqueeze(g: Graph, x: Value, axes: number[]): Value {
  return g.node(Unsqueeze, [x, g.ints(axes)], [{ dtype: x.dtype, shape: unsqueezeShape(x.shape, axes) }], {})[0];
}

/** Not differentiable: integer positions. */
const Range: Op = { opType: 'Range' };

/** 1-D int64 tensor [0, 1, ..., size-1] where size is a runtime scalar. */
export function rangeOf(g: Graph, size: Value, length: Dim): Value {
  return g.node(Range, [g.scalar('int64', 0), size, g.scalar('int64', 1)], [{ dtype: 'int64', shape: [length] }], {})[0];
}

/** Not differentiable: joins integer shape pieces. */
const Concat: Op<{ axis: { int: number } }> = { opType: 'Concat' };

/** 1-D int64 pieces (runtime dims, constants) joined into one shape vector. */
export function concatInts(g: Graph, parts: Value[]): Value {
  const lengths = parts.map((p) => p.shape[0]);
  const length = lengths.every((n) => typeof n === 'number') ? (lengths as number[]).reduce((a, b) => a + b, 0) : 'concat';
  return g.node(Concat, parts, [{ dtype: 'int64', shape: [length] }], { axis: { int: 0 } })[0];
}
