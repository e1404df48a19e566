// The BERT-family encoder (BERT, RoBERTa, XLM-R, DistilBERT, ELECTRA) written once as forward code over the graph ops, with the PASTA hook: before
// every layer, each sequence's special-token slots get that layer's trainable vectors added.
import type { BertLikeConfig, EncoderConfig, Float32Tensor, WeightMap } from '../model/types';
import type { Graph } from './graph';
import { encoderDropout, type EncoderDropout } from './encoderDropout';
import type { Value } from './ir';
import type { Precision } from './kernels';
import * as ops from './ops';

const FLOAT32_MIN = -3.4028234663852886e38;

/** Checkpoint names of one layer's sub-modules, per family (Hugging Face's own names). */
interface LayerNames {
  query: string;
  key: string;
  value: string;
  attentionOutput: string;
  attentionLayerNorm: string;
  intermediate: string;
  output: string;
  outputLayerNorm: string;
}

export function layerNames(config: BertLikeConfig, i: number): LayerNames {
  if (config.model_type === 'distilbert') {
    const p = `transformer.layer.${i}`;
    return {
      query: `${p}.attention.q_lin`,
      key: `${p}.attention.k_lin`,
      value: `${p}.attention.v_lin`,
      attentionOutput: `${p}.attention.out_lin`,
      attentionLayerNorm: `${p}.sa_layer_norm`,
      intermediate: `${p}.ffn.lin1`,
      output: `${p}.ffn.lin2`,
      outputLayerNorm: `${p}.output_layer_norm`,
    };
  }
  const p = `encoder.layer.${i}`;
  return {
    query: `${p}.attention.self.query`,
    key: `${p}.attention.self.key`,
    value: `${p}.attention.self.value`,
    attentionOutput: `${p}.attention.output.dense`,
    attentionLayerNorm: `${p}.attention.output.LayerNorm`,
    intermediate: `${p}.intermediate.dense`,
    output: `${p}.output.dense`,
    outputLayerNorm: `${p}.output.LayerNorm`,
  };
}

export interface EncoderInputs {
  inputIds: Value;
  attentionMask: Value;
  positionIds: Value;
  tokenTypeIds?: Value;
  /** [batch, sequence, slots]: 1 where position s of row b is that row's k-th special token. */
  slotMask: Value;
  /** Per layer, [batch, slots, hidden]: the PASTA vectors of each row (rows may use different adapters). */
  pastaVectors: Value[];
  /** Training with the encoder's own dropouts (dropout "all"); absent, the encoder runs without them. */
  dropout?: EncoderDropout;
}

/**
 * Frozen checkpoint tensors become initializers, each once however often the graph uses it. With precision int8
 * the Linear weights of the base are stored and multiplied in int8 (ops/quantized.ts); the rest stays float32.
 */
export class FrozenWeights {
  private readonly cache = new Map<string, Value>();
  private readonly int8Cache = new Map<string, ops.Int8Weight>();
  readonly precision: Precision;
  private readonly int8WeightBits: ops.Int8WeightBits;
  constructor(
    private readonly g: Graph,
    private readonly weights: WeightMap,
    options: { precision?: Precision; int8WeightBits?: ops.Int8WeightBits } = {},
  ) {
    this.precision = options.precision ?? 'fp32';
    this.int8WeightBits = options.int8WeightBits ?? 8;
  }

  has(name: string): boolean {
    return this.weights.has(name);
  }

  tensor(name: string): Value {
    return this.cached(name, () => {
      const t = this.require(name);
      return this.g.initializer(name, 'float32', t.shape, t.data);
    });
  }

  /** Rows [start, start + count) of a weight (its first axis), e.g. the query part of a fused Wqkv: a view, not a copy. */
  rows(name: string, start: number, count: number): Value {
    return this.cached(`${name}[${start}:${start + count}]`, () => {
      const t = this.require(name);
      const width = t.shape.slice(1).reduce((a, b) => a * b, 1);
      return this.g.initializer(`${name}.rows_${start}`, 'float32', [count, ...t.shape.slice(1)], t.data.subarray(start * width, (start + count) * width));
    });
  }

  /** A [out, in] weight (or its rows [start, start + count)) quantised per output channel to int8 (or 7 bits). */
  int8(name: string, start = 0, count?: number): ops.Int8Weight {
    const t = this.require(name);
    const [rows, inputs] = [count ?? t.shape[0], t.shape[1]];
    const key = `${name}[${start}:${start + rows}]`;
    let q = this.int8Cache.get(key);
    if (!q) {
      q = ops.int8Weight(this.g, start === 0 ? name : `${name}.rows_${start}`, t.data, rows, inputs, start, this.int8WeightBits);
      this.int8Cache.set(key, q);
    }
    return q;
  }

  private cached(key: string, make: () => Value): Value {
    let v = this.cache.get(key);
    if (!v) {
      v = make();
      this.cache.set(key, v);
    }
    return v;
  }

  private require(name: string): Float32Tensor {
    const t = this.weights.get(name);
    if (!t) throw new Error(`the model has no weight '${name}'`);
    return t;
  }
}

/**
 * DeBERTa's and ModernBERT's attention output projection stays float32 in an int8 base. It was chosen when the
 * activations were quantised per tensor: the attention context's few outlier dimensions took one uint8 scale, and on
 * a WNUT-17 all-MiniLM-L6-v2 adapter all-int8 lost 1.65 dev F1 points, 0.60 with this projection in float32. Per row
 * the BERT family's projection went int8 at no cost (that adapter's 8-bit export: 32.69 against 32.70 dev F1; full
 * WNUT-17 training within noise of float32); these two families were not measured again.
 */
export const attentionOutputPrecision: Precision = 'fp32';

/**
 * x W^T + b with W as the checkpoint stores it ([out, in]); onnxruntime folds the transpose at load time. With
 * precision int8, one integer product with the bias fused.
 */
export function linear(g: Graph, w: FrozenWeights, x: Value, name: string, bias = true, precision: Precision = w.precision): Value {
  const b = bias ? w.tensor(`${name}.bias`) : undefined;
  if (precision === 'int8') return ops.quantizedLinear(g, x, w.int8(`${name}.weight`), b);
  const y = ops.matmul(g, x, ops.transposeLastTwo(g, w.tensor(`${name}.weight`)));
  return b ? ops.add(g, y, b) : y;
}

export function layerNorm(g: Graph, w: FrozenWeights, x: Value, name: string, epsilon: number): Value {
  return ops.layerNorm(g, x, w.tensor(`${name}.weight`), w.tensor(`${name}.bias`), epsilon);
}

export function activation(g: Graph, x: Value, kind: EncoderConfig['hidden_act']): Value {
  const c = (v: number) => g.scalar(x.dtype, v);
  switch (kind) {
    case 'gelu':
      return ops.gelu(g, x);
    case 'gelu_new':
    case 'gelu_pytorch_tanh': {
      const inner = ops.mul(g, ops.add(g, x, ops.mul(g, ops.mul(g, ops.mul(g, x, x), x), c(0.044715))), c(Math.sqrt(2 / Math.PI)));
      return ops.mul(g, ops.mul(g, x, c(0.5)), ops.add(g, c(1), ops.tanh(g, inner)));
    }
    case 'relu':
      return ops.relu(g, x);
  }
}

function embeddings(g: Graph, w: FrozenWeights, config: BertLikeConfig, inputs: EncoderInputs): Value {
  let h = ops.gather(g, w.tensor('embeddings.word_embeddings.weight'), inputs.inputIds);
  h = ops.add(g, h, ops.gather(g, w.tensor('embeddings.position_embeddings.weight'), inputs.positionIds));
  if (inputs.tokenTypeIds && config.type_vocab_size > 0) {
    h = ops.add(g, h, ops.gather(g, w.tensor('embeddings.token_type_embeddings.weight'), inputs.tokenTypeIds));
  }
  h = encoderDropout(g, layerNorm(g, w, h, 'embeddings.LayerNorm', config.layer_norm_eps), 'embeddings', inputs.dropout);
  if (config.model_type === 'electra' && config.embedding_size !== config.hidden_size) h = linear(g, w, h, 'embeddings_project');
  return h;
}

/** [batch, sequence] 0/1 mask -> [batch, 1, 1, sequence] additive bias (0 or float32 min). */
function attentionBias(g: Graph, attentionMask: Value): Value {
  const keep = ops.cast(g, attentionMask, 'float32');
  const blocked = ops.sub(g, g.scalar('float32', 1), keep);
  return ops.unsqueeze(g, ops.mul(g, blocked, g.scalar('float32', FLOAT32_MIN)), [1, 2]);
}

function selfAttention(g: Graph, w: FrozenWeights, config: BertLikeConfig, names: LayerNames, h: Value, bias: Value, dropout?: EncoderDropout): Value {
  const heads = config.num_attention_heads;
  const headSize = config.hidden_size / heads;
  const split = (x: Value, perm: number[]) => ops.transpose(g, ops.reshape(g, x, [0, 0, heads, headSize]), perm);
  // Queries, keys and values all as [batch, heads, sequence, headSize]: the scores read the keys transposed and
  // scale by 1/sqrt(headSize) inside the product, so neither costs a pass of its own, forward or backward.
  const q = split(linear(g, w, h, names.query), [0, 2, 1, 3]);
  const k = split(linear(g, w, h, names.key), [0, 2, 1, 3]);
  const v = split(linear(g, w, h, names.value), [0, 2, 1, 3]);
  const scores = ops.matmulTransposed(g, q, k, false, true, 1 / Math.sqrt(headSize));
  const probs = encoderDropout(g, ops.softmax(g, ops.add(g, scores, bias), -1), 'attentionProbs', dropout);
  const context = ops.transpose(g, ops.matmul(g, probs, v), [0, 2, 1, 3]);
  return ops.reshape(g, context, [0, 0, config.hidden_size]);
}

function encoderLayer(g: Graph, w: FrozenWeights, config: BertLikeConfig, i: number, h: Value, bias: Value, dropout?: EncoderDropout): Value {
  const names = layerNames(config, i);
  const eps = config.layer_norm_eps;
  const attention = linear(g, w, selfAttention(g, w, config, names, h, bias, dropout), names.attentionOutput);
  const attended = encoderDropout(g, attention, 'attentionOutput', dropout);
  const h1 = layerNorm(g, w, ops.add(g, attended, h), names.attentionLayerNorm, eps);
  const ffnOutput = linear(g, w, activation(g, linear(g, w, h1, names.intermediate), config.hidden_act), names.output);
  const ffn = encoderDropout(g, ffnOutput, 'feedForward', dropout);
  return layerNorm(g, w, ops.add(g, ffn, h1), names.outputLayerNorm, eps);
}

export interface EncoderOutputs {
  sequenceOutput: Value;
  /** HF's convention: [0] is the embeddings output, [i] the output of layer i-1 (before any PASTA addition). */
  hiddenStates: Value[];
}

export function encoder(g: Graph, w: FrozenWeights, config: BertLikeConfig, inputs: EncoderInputs): EncoderOutputs {
  const bias = attentionBias(g, inputs.attentionMask);
  let h = embeddings(g, w, config, inputs);
  const hiddenStates = [h];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    // PASTA: the hidden state entering layer i gets v[i][k] at each row's k-th special token; attention and
    // the residual both see the modified state.
    h = ops.add(g, h, ops.matmul(g, inputs.slotMask, inputs.pastaVectors[i]));
    h = encoderLayer(g, w, config, i, h, bias, inputs.dropout);
    hiddenStates.push(h);
  }
  return { sequenceOutput: h, hiddenStates };
}
