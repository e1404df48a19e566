import type { Graph } from '../graph';
import { MICROSOFT_DOMAIN, type Value } from '../ir';
import { normalizeAxis } from '../shapeInference';
import type { VjpRules } from '../vjp';
import { sumToShape } from './broadcast';
import { erf, exp, mul, scalarLike, sub, sum } from './elementwise';
import { reduceMean, reduceSum } from './reduce';

export function softmax(g: Graph, x: Value, axis = -1): Value {
  return g.node('Softmax', [x], [{ dtype: x.dtype, shape: x.shape }], { axis: { int: axis } })[0];
}

export function logSoftmax(g: Graph, x: Value, axis = -1): Value {
  return g.node('LogSoftmax', [x], [{ dtype: x.dtype, shape: x.shape }], { axis: { int: axis } })[0];
}

/**
 * LayerNormalization over the last axis. Its Mean and InvStdDev outputs are always requested: the
 * backward rule reuses them instead of recomputing the statistics.
 */
export function layerNorm(g: Graph, x: Value, scale: Value, bias: Value, epsilon: number): Value {
  const statsShape = [...x.shape.slice(0, -1), 1];
  return g.node(
    'LayerNormalization',
    [x, scale, bias],
    [
      { dtype: x.dtype, shape: x.shape },
      { dtype: x.dtype, shape: statsShape, name: 'ln_mean' },
      { dtype: x.dtype, shape: statsShape, name: 'ln_inv_std' },
    ],
    { axis: { int: -1 }, epsilon: { float: epsilon }, stash_type: { int: x.dtype === 'float64' ? 11 : 1 } },
  )[0];
}

/** GELU in its exact (erf) form as onnxruntime's fused kernel: one pass where the composition takes five. */
export function gelu(g: Graph, x: Value): Value {
  return g.node('Gelu', [x], [{ dtype: x.dtype, shape: x.shape }], {}, MICROSOFT_DOMAIN)[0];
}

export const nnRules: VjpRules = {
  // gelu'(x) = Φ(x) + x φ(x) = 0.5 (1 + erf(s) + x √(2/π) e^(-s²)) with s = x / √2, arranged for the fewest
  // passes over this [tokens, intermediate_size] tensor: the constant √(2/π) rides inside the exponent, the
  // three terms are one Sum, and the final scalar 0.5 sits last so that onnxruntime folds it into the
  // MatMul that consumes the gradient.
  Gelu: (g, { inputs: [x] }, [gy]) => {
    const s = mul(g, x, scalarLike(g, x, Math.SQRT1_2));
    const gaussian = exp(g, sub(g, scalarLike(g, x, Math.log(Math.sqrt(2 / Math.PI))), mul(g, s, s)));
    const slope = sum(g, erf(g, s), mul(g, x, gaussian), scalarLike(g, x, 1));
    return [mul(g, mul(g, gy!, slope), scalarLike(g, x, 0.5))];
  },

  // dx = y * (dy - sum(dy * y))
  Softmax: (g, { outputs: [y], attributes }, [gy]) => {
    const axis = normalizeAxis((attributes.axis as { int: number }).int, y.shape.length);
    return [mul(g, y, sub(g, gy!, reduceSum(g, mul(g, gy!, y), [axis], true)))];
  },
  // dx = dy - softmax(x) * sum(dy)
  LogSoftmax: (g, { outputs: [y], attributes }, [gy]) => {
    const axis = normalizeAxis((attributes.axis as { int: number }).int, y.shape.length);
    return [sub(g, gy!, mul(g, exp(g, y), reduceSum(g, gy!, [axis], true)))];
  },
  // With x̂ = (x - mean) * invStd and dx̂ = dy * scale:
  // dx = invStd * (dx̂ - mean(dx̂) - x̂ * mean(dx̂ * x̂)), dscale = sum(dy * x̂), dbias = sum(dy).
  LayerNormalization: (g, { inputs: [x, scale, bias], outputs: [, mean, invStd] }, [gy], [nx, nScale, nBias]) => {
    if (!gy) return [undefined, undefined, undefined];
    const xHat = mul(g, sub(g, x, mean), invStd);
    let dx: Value | undefined;
    if (nx) {
      const dxHat = mul(g, gy, scale);
      const centered = sub(g, dxHat, reduceMean(g, dxHat, [-1], true));
      dx = mul(g, invStd, sub(g, centered, mul(g, xHat, reduceMean(g, mul(g, dxHat, xHat), [-1], true))));
    }
    return [dx, nScale ? sumToShape(g, mul(g, gy, xHat), scale) : undefined, nBias ? sumToShape(g, gy, bias) : undefined];
  },
};
