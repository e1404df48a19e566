// One adapter's forward pass as a self-contained graph that takes only what a Hugging Face tokenizer gives
// (input_ids, attention_mask and token_type_ids where the family has them) and returns `logits`: position ids and
// the PASTA slot mask are computed inside, the vectors and the head are initializers. This is the layout Optimum's
// ORTModelForTokenClassification / ORTModelForSequenceClassification and Triton's onnxruntime backend run as is.
import { FrozenWeights, type EncoderInputs } from '../graph/encoder';
import { familyEncoder } from '../graph/familyEncoder';
import { Graph } from '../graph/graph';
import { classifier, pooledOutput } from '../graph/heads';
import type { Value } from '../graph/ir';
import type { Precision } from '../graph/kernels';
import * as ops from '../graph/ops';
import { io, type TaskType } from '../graph/pastaGraph';
import type { EncoderConfig, Float32Tensor, WeightMap } from '../model/types';

export interface StandaloneGraphOptions {
  config: EncoderConfig;
  weights: WeightMap;
  task: TaskType;
  /** [num_layers, num_slots, hidden_size] */
  pastaVectors: Float32Tensor;
  /** [num_labels, hidden_size] */
  classifierWeight: Float32Tensor;
  /** [num_labels] */
  classifierBias: Float32Tensor;
  /** The ids of the special tokens that take slots ([CLS] and [SEP], <s> and </s>): each sequence's k-th is slot k. */
  slotTokenIds: number[];
  padTokenId: number;
  /** The frozen base's Linear products in float32 (the default) or int8; the vectors, head and embeddings stay float32. */
  precision?: Precision;
  /** With int8: the weights' levels, [-127, 127] (8) or [-64, 64] (7, exact on every CPU: ops/quantized.ts). */
  int8WeightBits?: ops.Int8WeightBits;
}

/** The graph's input names, in the order Optimum and Triton list them. */
export function standaloneInputNames(config: EncoderConfig): string[] {
  return config.type_vocab_size > 0 ? [io.inputIds, io.attentionMask, io.tokenTypeIds] : [io.inputIds, io.attentionMask];
}

function cumulativeSum(g: Graph, x: Value, axis: number): Value {
  return g.node('CumSum', [x, g.scalar('int64', axis)], [{ dtype: x.dtype, shape: x.shape }])[0];
}

/**
 * Position ids as the family's embeddings compute them: 0..S-1 for every row (BERT, DistilBERT, ELECTRA), or
 * counted over the non-padding tokens from padding_idx + 1 (RoBERTa, XLM-R), as engine/batch.ts does on the host.
 */
function positionIds(g: Graph, config: EncoderConfig, inputIds: Value, padTokenId: number): Value {
  if (config.model_type === 'roberta' || config.model_type === 'xlm-roberta') {
    const isToken = ops.cast(g, ops.not(g, ops.equal(g, inputIds, g.scalar('int64', padTokenId))), 'int64');
    return ops.add(g, ops.mul(g, cumulativeSum(g, isToken, 1), isToken), g.scalar('int64', padTokenId));
  }
  return ops.unsqueeze(g, ops.rangeOf(g, ops.dimOf(g, inputIds, 1), 'sequence'), [0]);
}

/**
 * [batch, sequence, slots]: 1 where position s of row b holds that row's k-th special token (among the attended
 * positions), as engine/batch.ts computes from the tokenizer's special-tokens mask.
 */
function slotMask(g: Graph, inputIds: Value, attentionMask: Value, slotTokenIds: number[], numSlots: number): Value {
  const hits = slotTokenIds.map((id) => ops.cast(g, ops.equal(g, inputIds, g.scalar('int64', id)), 'int64'));
  const isSlot = ops.mul(
    g,
    hits.reduce((a, b) => ops.add(g, a, b)),
    attentionMask,
  );
  const slotIndex = ops.sub(g, cumulativeSum(g, isSlot, 1), g.scalar('int64', 1));
  const slots = g.constant(
    'int64',
    [numSlots],
    Array.from({ length: numSlots }, (_, k) => k),
  );
  const isSlotK = ops.cast(g, ops.equal(g, ops.unsqueeze(g, slotIndex, [2]), slots), 'float32');
  return ops.mul(g, isSlotK, ops.unsqueeze(g, ops.cast(g, isSlot, 'float32'), [2]));
}

export interface TokenInputOptions {
  slotTokenIds: number[];
  padTokenId: number;
  numSlots: number;
}

/** The graph inputs a tokenizer gives, and what the encoder computes from them: positions and the slot mask. */
export function standaloneTokenInputs(g: Graph, config: EncoderConfig, options: TokenInputOptions): Omit<EncoderInputs, 'pastaVectors'> {
  const tokenShape = ['batch', 'sequence'];
  const inputIds = g.input(io.inputIds, 'int64', tokenShape);
  const attentionMask = g.input(io.attentionMask, 'int64', tokenShape);
  const tokenTypeIds = config.type_vocab_size > 0 ? g.input(io.tokenTypeIds, 'int64', tokenShape) : undefined;
  return {
    inputIds,
    attentionMask,
    tokenTypeIds,
    positionIds: positionIds(g, config, inputIds, options.padTokenId),
    slotMask: slotMask(g, inputIds, attentionMask, options.slotTokenIds, options.numSlots),
  };
}

export function buildStandaloneGraph(options: StandaloneGraphOptions): Graph {
  const { config, task, pastaVectors } = options;
  const [numLayers, numSlots, hidden] = pastaVectors.shape;
  if (numLayers !== config.num_hidden_layers || hidden !== config.hidden_size) {
    throw new Error(`PASTA vectors [${pastaVectors.shape.join(', ')}] do not fit a base with ${config.num_hidden_layers} layers of ${config.hidden_size}`);
  }
  const g = new Graph(`pasta_${task}_standalone`);
  const perLayer = numSlots * hidden;
  const inputs: EncoderInputs = {
    ...standaloneTokenInputs(g, config, { slotTokenIds: options.slotTokenIds, padTokenId: options.padTokenId, numSlots }),
    pastaVectors: Array.from({ length: numLayers }, (_, l) =>
      g.initializer(io.pastaVectors(l), 'float32', [numSlots, hidden], pastaVectors.data.slice(l * perLayer, (l + 1) * perLayer)),
    ),
  };
  const frozen = new FrozenWeights(g, options.weights, { precision: options.precision, int8WeightBits: options.int8WeightBits });
  const { sequenceOutput } = familyEncoder(g, frozen, config, inputs);
  const features = task === 'token' ? sequenceOutput : pooledOutput(g, frozen, sequenceOutput);
  const weight = g.initializer(io.classifierWeight, 'float32', options.classifierWeight.shape, options.classifierWeight.data);
  const bias = g.initializer(io.classifierBias, 'float32', options.classifierBias.shape, options.classifierBias.data);
  g.output(classifier(g, features, weight, bias), io.logits);
  return g;
}
