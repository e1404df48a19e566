// Neural-network ops: softmax, layer normalisation and onnxruntime's fused GELU.
import type { Graph, Op } from '../graph';
import { MICROSOFT_DOMAIN, onnxDataType, type Value } from '../ir';
import { normalizeAxis } from '../shapeInference';
import { reduceShape } from '../shapeInference';
import { reduceSum, sumToShape } from './broadcast';
import { add, erf, exp, log, mul, neg, scalarLike, sub } from './elementwise';
import { reduceMean } from './mean';

type Axis = { axis: { int: number } };

// dx = y * (dy - sum(dy * y))
const Softmax: Op<Axis> = {
  opType: 'Softmax',
  vjp: (g, { outputs: [y], attributes }, [gy]) => {
    const axis = normalizeAxis(attributes.axis.int, y.shape.length);
    return [mul(g, y, sub(g, gy!, reduceSum(g, mul(g, gy!, y), [axis], true)))];
  },
};

export function softmax(g: Graph, x: Value, axis = -1): Value {
  return g.node(Softmax, [x], [{ dtype: x.dtype, shape: x.shape }], { axis: { int: axis } })[0];
}

// dx = dy - softmax(x) * sum(dy)
const LogSoftmax: Op<Axis> = {
  opType: 'LogSoftmax',
  vjp: (g, { outputs: [y], attributes }, [gy]) => {
    const axis = normalizeAxis(attributes.axis.int, y.shape.length);
    return [sub(g, gy!, mul(g, exp(g, y), reduceSum(g, gy!, [axis], true)))];
  },
};

/** LogSoftmax, composed from Exp, Log and reductions where the provider has no kernel for it. */
export function logSoftmax(g: Graph, x: Value, axis = -1): Value {
  if (!g.kernels.logSoftmax) return composedLogSoftmax(g, x, axis);
  return g.node(LogSoftmax, [x], [{ dtype: x.dtype, shape: x.shape }], { axis: { int: axis } })[0];
}

// Identity with its gradient cut, for a value the result does not depend on (log-softmax's shift): holding
// it constant then gives the exact gradient, and ReduceMax needs no rule.
const StopGradient: Op = { opType: 'Identity', vjp: () => [undefined] };
const ReduceMax: Op<{ axes: { ints: readonly number[] }; keepdims: { int: number } }> = { opType: 'ReduceMax' };

/** x - max - log(sum(exp(x - max))): the row maximum keeps exp in range; log-softmax does not depend on it. */
function composedLogSoftmax(g: Graph, x: Value, axis: number): Value {
  const rowMax = g.node(ReduceMax, [x], [{ dtype: x.dtype, shape: reduceShape(x.shape, [axis], true) }], {
    axes: { ints: [axis] },
    keepdims: { int: 1 },
  })[0];
  const shift = g.node(StopGradient, [rowMax], [{ dtype: x.dtype, shape: rowMax.shape }], {})[0];
  const shifted = sub(g, x, shift);
  return sub(g, shifted, log(g, reduceSum(g, exp(g, shifted), [axis], true)));
}

// With xc = x - mean, x̂ = xc * invStd and a = dy * scale:
// dx = invStd * (a - mean(a) - x̂ * mean(a * x̂)) = a * invStd - invStd * mean(a) - xc * invStd³ * mean(a * xc),
// written so that the per-row factors are computed on [..., 1] tensors (9 full-size passes where x̂ took 10).
// dscale = sum(dy * x̂), dbias = sum(dy).
const LayerNormalization: Op<{ axis: { int: number }; epsilon: { float: number }; stash_type: { int: number } }> = {
  opType: 'LayerNormalization',
  vjp: (g, { inputs: [x, scale, bias], outputs: [, mean, invStd] }, [gy], [nx, nScale, nBias]) => {
    if (!gy) return [undefined, undefined, undefined];
    const xc = nx || nScale ? sub(g, x, mean) : x;
    let dx: Value | undefined;
    if (nx) {
      const a = mul(g, gy, scale);
      const rowShift = neg(g, mul(g, invStd, reduceMean(g, a, [-1], true)));
      const invStdCubed = mul(g, invStd, mul(g, invStd, invStd));
      const rowSlope = neg(g, mul(g, invStdCubed, reduceMean(g, mul(g, a, xc), [-1], true)));
      dx = add(g, add(g, mul(g, a, invStd), rowShift), mul(g, xc, rowSlope));
    }
    const dScale = nScale ? sumToShape(g, mul(g, gy, mul(g, xc, invStd)), scale) : undefined;
    return [dx, dScale, nBias ? sumToShape(g, gy, bias) : undefined];
  },
};

/**
 * LayerNormalization over the last axis. Its Mean and InvStdDev outputs are always requested: the
 * backward rule reuses them instead of recomputing the statistics.
 */
export function layerNorm(g: Graph, x: Value, scale: Value, bias: Value, epsilon: number): Value {
  const statsShape = [...x.shape.slice(0, -1), 1];
  return g.node(
    LayerNormalization,
    [x, scale, bias],
    [
      { dtype: x.dtype, shape: x.shape },
      { dtype: x.dtype, shape: statsShape, name: 'ln_mean' },
      { dtype: x.dtype, shape: statsShape, name: 'ln_inv_std' },
    ],
    { axis: { int: -1 }, epsilon: { float: epsilon }, stash_type: { int: onnxDataType[x.dtype === 'float64' ? 'float64' : 'float32'] } },
  )[0];
}

// gelu'(x) = Φ(x) + x φ(x) = 0.5 (1 + erf(s) + x √(2/π) e^(-s²)) with s = x / √2, arranged for few passes
// over this [tokens, intermediate_size] tensor: the constant √(2/π) rides inside the exponent, and the final
// scalar 0.5 sits last so that onnxruntime folds it into the MatMul that consumes the gradient.
const Gelu: Op = {
  opType: 'Gelu',
  domain: MICROSOFT_DOMAIN,
  vjp: (g, { inputs: [x] }, [gy]) => {
    const s = mul(g, x, scalarLike(g, x, Math.SQRT1_2));
    const gaussian = exp(g, sub(g, scalarLike(g, x, Math.log(Math.sqrt(2 / Math.PI))), mul(g, s, s)));
    // Two Adds, not one Sum: onnxruntime's Sum adds pairwise and broadcasts the scalar slowly (measured 1.0 ms
    // against 2 x 0.3 ms on [640, 1536]).
    const slope = add(g, add(g, erf(g, s), mul(g, x, gaussian)), scalarLike(g, x, 1));
    return [mul(g, mul(g, gy!, slope), scalarLike(g, x, 0.5))];
  },
};

/** GELU in its exact (erf) form as onnxruntime's fused kernel: one pass where the composition takes five. */
export function gelu(g: Graph, x: Value): Value {
  return g.node(Gelu, [x], [{ dtype: x.dtype, shape: x.shape }], {})[0];
}
