// Classification heads (trainable weight and bias are graph inputs) and the cross-entropy loss.
import type { Graph } from './graph';
import type { Value } from './ir';
import * as ops from './ops';
import type { FrozenWeights } from './encoder';
import { linear } from './encoder';

export const IGNORE_INDEX = -100;

/** logits = x W^T + b with W [num_labels, hidden] as Hugging Face's classifier.weight. */
export function classifier(g: Graph, x: Value, weight: Value, bias: Value): Value {
  return ops.add(g, ops.matmul(g, x, ops.transpose(g, weight, [1, 0])), bias);
}

/** Per-row heads: x [batch, (sequence,) hidden], weight [batch, C, hidden], bias [batch, C]. */
export function rowwiseClassifier(g: Graph, x: Value, weight: Value, bias: Value): Value {
  const tokens = x.shape.length === 3 ? x : ops.unsqueeze(g, x, [1]);
  const logits = ops.add(g, ops.matmul(g, tokens, ops.transpose(g, weight, [0, 2, 1])), ops.unsqueeze(g, bias, [1]));
  return x.shape.length === 3 ? logits : ops.reshape(g, logits, [0, -1]);
}

/**
 * The sequence representation: the first token's final hidden state, through the checkpoint's own
 * (frozen) pooler where it has one, as BertForSequenceClassification does.
 */
export function pooledOutput(g: Graph, w: FrozenWeights, sequenceOutput: Value): Value {
  const first = ops.gather(g, sequenceOutput, g.scalar('int64', 0), 1);
  return w.has('pooler.dense.weight') ? ops.tanh(g, linear(g, w, first, 'pooler.dense')) : first;
}

/**
 * Mean cross-entropy over the positions whose label is not IGNORE_INDEX (torch's CrossEntropyLoss).
 * logits [..., C], labels [...] int64. The label one-hot is a constant for differentiation.
 */
export function crossEntropy(g: Graph, logits: Value, labels: Value, numLabels: number): Value {
  if (!g.kernels.int64) return crossEntropyByComparison(g, logits, labels, numLabels);
  const valid = ops.not(g, ops.equal(g, labels, g.scalar('int64', IGNORE_INDEX)));
  const safeLabels = ops.where(g, valid, labels, g.scalar('int64', 0));
  const validFloat = ops.cast(g, valid, 'float32');
  const target = ops.mul(g, ops.oneHot(g, safeLabels, numLabels, 'float32'), ops.unsqueeze(g, validFloat, [-1]));
  const nll = ops.neg(g, ops.reduceSum(g, ops.mul(g, target, ops.logSoftmax(g, logits, -1)), [], false));
  const count = ops.max(g, ops.reduceSum(g, validFloat, [], false), g.scalar('float32', 1));
  return ops.div(g, nll, count);
}

/**
 * The same loss from ops every provider has: the target row is labels == [0..C-1] (all zeros for
 * IGNORE_INDEX, which matches no class), so neither Where nor OneHot is needed. labels int32.
 */
function crossEntropyByComparison(g: Graph, logits: Value, labels: Value, numLabels: number): Value {
  const classes = g.constant(
    labels.dtype,
    [numLabels],
    Array.from({ length: numLabels }, (_, c) => c),
  );
  const target = ops.cast(g, ops.equal(g, ops.unsqueeze(g, labels, [-1]), classes), logits.dtype);
  const nll = ops.neg(g, ops.reduceSum(g, ops.mul(g, target, ops.logSoftmax(g, logits, -1)), [], false));
  const count = ops.max(g, ops.reduceSum(g, target, [], false), g.scalar(logits.dtype, 1));
  return ops.div(g, nll, count);
}
