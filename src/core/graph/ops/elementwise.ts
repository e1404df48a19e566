// Elementwise ops with NumPy broadcasting; the gradient of a broadcast input is summed back to its shape.
import { isNodeOf, type Graph, type Op } from '../graph';
import { onnxDataType, sameShape, type DType, type Value } from '../ir';
import { broadcastShapes } from '../shapeInference';
import { sumToShape } from './broadcast';

function binary(g: Graph, op: Op, a: Value, b: Value, dtype: DType = a.dtype): Value {
  return g.node(op, [a, b], [{ dtype, shape: broadcastShapes(a.shape, b.shape) }], {})[0];
}

function unary(g: Graph, op: Op, x: Value): Value {
  return g.node(op, [x], [{ dtype: x.dtype, shape: x.shape }], {})[0];
}

/** A scalar constant of x's float type. */
export function scalarLike(g: Graph, x: Value, value: number): Value {
  return g.scalar(x.dtype, value);
}

const Add: Op = {
  opType: 'Add',
  vjp: (g, { inputs: [a, b] }, [gy], [na, nb]) => [na ? sumToShape(g, gy!, a) : undefined, nb ? sumToShape(g, gy!, b) : undefined],
};
export const add = (g: Graph, a: Value, b: Value) => binary(g, Add, a, b);

const Sub: Op = {
  opType: 'Sub',
  vjp: (g, { inputs: [a, b] }, [gy], [na, nb]) => [na ? sumToShape(g, gy!, a) : undefined, nb ? sumToShape(g, neg(g, gy!), b) : undefined],
};
export const sub = (g: Graph, a: Value, b: Value) => binary(g, Sub, a, b);

const Mul: Op = {
  opType: 'Mul',
  vjp: (g, { inputs: [a, b] }, [gy], [na, nb]) => [na ? sumToShape(g, mul(g, gy!, b), a) : undefined, nb ? sumToShape(g, mul(g, gy!, a), b) : undefined],
};
export const mul = (g: Graph, a: Value, b: Value) => binary(g, Mul, a, b);

/** x when v = x * 2^k with 2^k a scalar constant (a multiplication float32 does exactly), and that factor. */
export function powerOfTwoMultiple(g: Graph, v: Value): { x: Value; factor: number } | undefined {
  const producer = g.producer(v);
  if (!isNodeOf(producer, Mul)) return undefined;
  const [x, c] = producer.inputs;
  const data = c.shape.length === 0 && c.dtype === 'float32' ? g.initializers.find((i) => i.value === c)?.data : undefined;
  const factor = data ? Number(data[0]) : NaN;
  return factor > 0 && Number.isInteger(Math.log2(factor)) && sameShape(x.shape, v.shape) ? { x, factor } : undefined;
}

// y = a / b: dy/da = 1 / b, dy/db = -y / b.
const Div: Op = {
  opType: 'Div',
  vjp: (g, { inputs: [a, b], outputs: [y] }, [gy], [na, nb]) => [
    na ? sumToShape(g, div(g, gy!, b), a) : undefined,
    nb ? sumToShape(g, neg(g, div(g, mul(g, gy!, y), b)), b) : undefined,
  ],
};
export const div = (g: Graph, a: Value, b: Value) => binary(g, Div, a, b);

const Neg: Op = { opType: 'Neg', vjp: (g, _node, [gy]) => [neg(g, gy!)] };
export const neg = (g: Graph, x: Value) => unary(g, Neg, x);

// d erf(x)/dx = 2/sqrt(pi) * exp(-x^2)
const Erf: Op = {
  opType: 'Erf',
  vjp: (g, { inputs: [x] }, [gy]) => {
    const gauss = exp(g, neg(g, mul(g, x, x)));
    return [mul(g, gy!, mul(g, gauss, scalarLike(g, x, 2 / Math.sqrt(Math.PI))))];
  },
};
export const erf = (g: Graph, x: Value) => unary(g, Erf, x);

const Exp: Op = { opType: 'Exp', vjp: (g, { outputs: [y] }, [gy]) => [mul(g, gy!, y)] };
export const exp = (g: Graph, x: Value) => unary(g, Exp, x);

const Log: Op = { opType: 'Log', vjp: (g, { inputs: [x] }, [gy]) => [div(g, gy!, x)] };
export const log = (g: Graph, x: Value) => unary(g, Log, x);

const Tanh: Op = {
  opType: 'Tanh',
  vjp: (g, { outputs: [y] }, [gy]) => [mul(g, gy!, sub(g, scalarLike(g, y, 1), mul(g, y, y)))],
};
export const tanh = (g: Graph, x: Value) => unary(g, Tanh, x);

// Rotary position embeddings take the cosine and sine of position x frequency.
const Cos: Op = { opType: 'Cos', vjp: (g, { inputs: [x] }, [gy]) => [neg(g, mul(g, gy!, sin(g, x)))] };
export const cos = (g: Graph, x: Value): Value => unary(g, Cos, x);

const Sin: Op = { opType: 'Sin', vjp: (g, { inputs: [x] }, [gy]) => [mul(g, gy!, cos(g, x))] };
export const sin = (g: Graph, x: Value): Value => unary(g, Sin, x);

const Sqrt: Op = { opType: 'Sqrt', vjp: (g, { outputs: [y] }, [gy]) => [div(g, gy!, mul(g, y, scalarLike(g, y, 2)))] };
export const sqrt = (g: Graph, x: Value) => unary(g, Sqrt, x);

const Relu: Op = {
  opType: 'Relu',
  vjp: (g, { inputs: [x] }, [gy]) => [where(g, greater(g, x, scalarLike(g, x, 0)), gy!, scalarLike(g, x, 0))],
};
export const relu = (g: Graph, x: Value) => unary(g, Relu, x);

const Where: Op = {
  opType: 'Where',
  vjp: (g, { inputs: [c, a, b] }, [gy], [, na, nb]) => {
    const zero = scalarLike(g, gy!, 0);
    return [undefined, na ? sumToShape(g, where(g, c, gy!, zero), a) : undefined, nb ? sumToShape(g, where(g, c, zero, gy!), b) : undefined];
  },
};
export function where(g: Graph, condition: Value, a: Value, b: Value): Value {
  const shape = broadcastShapes(condition.shape, broadcastShapes(a.shape, b.shape));
  return g.node(Where, [condition, a, b], [{ dtype: a.dtype, shape }], {})[0];
}

const Cast: Op<{ to: { int: number } }> = { opType: 'Cast', vjp: (g, { inputs: [x] }, [gy]) => [cast(g, gy!, x.dtype)] };
export function cast(g: Graph, x: Value, to: DType): Value {
  return g.node(Cast, [x], [{ dtype: to, shape: x.shape }], { to: { int: onnxDataType[to] } })[0];
}

// Comparisons, logic and Max: used on labels and counts, never on a path to a trainable value.
const Max: Op = { opType: 'Max' };
const Equal: Op = { opType: 'Equal' };
const Greater: Op = { opType: 'Greater' };
const Not: Op = { opType: 'Not' };
export const max = (g: Graph, a: Value, b: Value) => binary(g, Max, a, b);
export const equal = (g: Graph, a: Value, b: Value) => binary(g, Equal, a, b, 'bool');
export const greater = (g: Graph, a: Value, b: Value) => binary(g, Greater, a, b, 'bool');
export const not = (g: Graph, x: Value) => unary(g, Not, x);
