import type { Graph } from '../graph';
import type { DType, Value } from '../ir';
import { broadcastShapes } from '../shapeInference';
import type { VjpRules } from '../vjp';
import { sumToShape } from './broadcast';

function binary(g: Graph, opType: string, a: Value, b: Value, dtype: DType = a.dtype): Value {
  return g.node(opType, [a, b], [{ dtype, shape: broadcastShapes(a.shape, b.shape) }])[0];
}

function unary(g: Graph, opType: string, x: Value): Value {
  return g.node(opType, [x], [{ dtype: x.dtype, shape: x.shape }])[0];
}

export const add = (g: Graph, a: Value, b: Value) => binary(g, 'Add', a, b);
export const sub = (g: Graph, a: Value, b: Value) => binary(g, 'Sub', a, b);
export const mul = (g: Graph, a: Value, b: Value) => binary(g, 'Mul', a, b);
export const div = (g: Graph, a: Value, b: Value) => binary(g, 'Div', a, b);
export const max = (g: Graph, a: Value, b: Value) => binary(g, 'Max', a, b);
export const equal = (g: Graph, a: Value, b: Value) => binary(g, 'Equal', a, b, 'bool');
export const greater = (g: Graph, a: Value, b: Value) => binary(g, 'Greater', a, b, 'bool');
export const neg = (g: Graph, x: Value) => unary(g, 'Neg', x);
export const erf = (g: Graph, x: Value) => unary(g, 'Erf', x);
export const exp = (g: Graph, x: Value) => unary(g, 'Exp', x);
export const tanh = (g: Graph, x: Value) => unary(g, 'Tanh', x);
export const sqrt = (g: Graph, x: Value) => unary(g, 'Sqrt', x);
export const relu = (g: Graph, x: Value) => unary(g, 'Relu', x);
export const not = (g: Graph, x: Value) => unary(g, 'Not', x);
export const identity = (g: Graph, x: Value) => unary(g, 'Identity', x);

export function where(g: Graph, condition: Value, a: Value, b: Value): Value {
  const shape = broadcastShapes(condition.shape, broadcastShapes(a.shape, b.shape));
  return g.node('Where', [condition, a, b], [{ dtype: a.dtype, shape }])[0];
}

const onnxDType: Record<DType, number> = { float32: 1, int64: 7, bool: 9, float64: 11 };

export function cast(g: Graph, x: Value, to: DType): Value {
  return g.node('Cast', [x], [{ dtype: to, shape: x.shape }], { to: { int: onnxDType[to] } })[0];
}

/** A scalar constant of x's float type. */
export function scalarLike(g: Graph, x: Value, value: number): Value {
  return g.scalar(x.dtype, value);
}

export const elementwiseRules: VjpRules = {
  Add: (g, { inputs: [a, b] }, [gy], [na, nb]) => [na ? sumToShape(g, gy!, a) : undefined, nb ? sumToShape(g, gy!, b) : undefined],
  Sub: (g, { inputs: [a, b] }, [gy], [na, nb]) => [na ? sumToShape(g, gy!, a) : undefined, nb ? sumToShape(g, neg(g, gy!), b) : undefined],
  Mul: (g, { inputs: [a, b] }, [gy], [na, nb]) => [
    na ? sumToShape(g, mul(g, gy!, b), a) : undefined,
    nb ? sumToShape(g, mul(g, gy!, a), b) : undefined,
  ],
  // y = a / b: dy/da = 1 / b, dy/db = -y / b.
  Div: (g, { inputs: [a, b], outputs: [y] }, [gy], [na, nb]) => [
    na ? sumToShape(g, div(g, gy!, b), a) : undefined,
    nb ? sumToShape(g, neg(g, div(g, mul(g, gy!, y), b)), b) : undefined,
  ],
  Neg: (g, _node, [gy]) => [neg(g, gy!)],
  Identity: (_g, _node, [gy]) => [gy],
  // d erf(x)/dx = 2/sqrt(pi) * exp(-x^2)
  Erf: (g, { inputs: [x] }, [gy]) => {
    const gauss = exp(g, neg(g, mul(g, x, x)));
    return [mul(g, gy!, mul(g, gauss, scalarLike(g, x, 2 / Math.sqrt(Math.PI))))];
  },
  Exp: (g, { outputs: [y] }, [gy]) => [mul(g, gy!, y)],
  Tanh: (g, { outputs: [y] }, [gy]) => [mul(g, gy!, sub(g, scalarLike(g, y, 1), mul(g, y, y)))],
  Sqrt: (g, { outputs: [y] }, [gy]) => [div(g, gy!, mul(g, y, scalarLike(g, y, 2)))],
  Relu: (g, { inputs: [x] }, [gy]) => [where(g, greater(g, x, scalarLike(g, x, 0)), gy!, scalarLike(g, x, 0))],
  Where: (g, { inputs: [c, a, b] }, [gy], [, na, nb]) => {
    const zero = scalarLike(g, gy!, 0);
    return [
      undefined,
      na ? sumToShape(g, where(g, c, gy!, zero), a) : undefined,
      nb ? sumToShape(g, where(g, c, zero, gy!), b) : undefined,
    ];
  },
  Cast: (g, { inputs: [x] }, [gy]) => [cast(g, gy!, x.dtype)],
};
