// The DeBERTa-v2/v3 encoder (transformers' DebertaV2Model) with the PASTA hook: BERT's layer with disentangled
// self-attention, whose scores add to content-to-content the content-to-position and position-to-content terms
// read from relative position embeddings. Checkpoint names are transformers' own.
import type { DebertaV2Config } from '../model/types';
import { activation, attentionOutputPrecision, layerNorm, linear, type EncoderInputs, type EncoderOutputs, type FrozenWeights } from './encoder';
import { encoderDropout, type EncoderDropout } from './encoderDropout';
import type { Graph } from './graph';
import type { Value } from './ir';
import * as ops from './ops';
import { relativePositionIndex } from './relativePositions';

const FLOAT32_MIN = -3.4028234663852886e38;

function embeddings(g: Graph, w: FrozenWeights, config: DebertaV2Config, inputs: EncoderInputs, keep: Value): Value {
  let h = ops.gather(g, w.tensor('embeddings.word_embeddings.weight'), inputs.inputIds);
  if (config.position_biased_input) h = ops.add(g, h, ops.gather(g, w.tensor('embeddings.position_embeddings.weight'), inputs.positionIds));
  if (inputs.tokenTypeIds && config.type_vocab_size > 0) {
    h = ops.add(g, h, ops.gather(g, w.tensor('embeddings.token_type_embeddings.weight'), inputs.tokenTypeIds));
  }
  if (config.embedding_size !== config.hidden_size) h = linear(g, w, h, 'embeddings.embed_proj', false);
  h = layerNorm(g, w, h, 'embeddings.LayerNorm', config.layer_norm_eps);
  // DeBERTa zeroes the padded positions' embeddings.
  return encoderDropout(g, ops.mul(g, h, ops.unsqueeze(g, keep, [2])), 'embeddings', inputs.dropout);
}

/**
 * [batch, 1, sequence, sequence] additive bias: float32 min unless both query and key are tokens. A padded
 * query sees every key blocked alike, so its attention is uniform, as transformers' masked_fill makes it.
 */
function pairAttentionBias(g: Graph, keep: Value): Value {
  const pairs = ops.mul(g, ops.unsqueeze(g, keep, [2]), ops.unsqueeze(g, keep, [1]));
  const blocked = ops.sub(g, g.scalar('float32', 1), pairs);
  return ops.unsqueeze(g, ops.mul(g, blocked, g.scalar('float32', FLOAT32_MIN)), [1]);
}

interface RelativePositions {
  /** [sequence, sequence]: the relative embedding row query i reads for key j. */
  index: Value;
  /** [sequence, sequence]: the same transposed, for position-to-content. */
  indexTransposed: Value;
  /**
   * On the CPU, [batch, heads, sequence, sequence]: index and indexTransposed repeated for every row and head, to
   * pick each pair's score from the full products as transformers does (torch.gather).
   */
  rows?: { index: Value; indexTransposed: Value };
  /** [2 span, hidden]: the relative embeddings after the encoder's LayerNorm where the config has one. */
  embeddings: Value;
}

function relativePositions(g: Graph, w: FrozenWeights, config: DebertaV2Config, inputIds: Value): RelativePositions {
  const P = config.max_position_embeddings;
  const values = relativePositionIndex(config);
  const table = g.initializer('relative_position_index', 'int64', [P, P], values);
  const positions = ops.rangeOf(g, ops.dimOf(g, inputIds, 1), 'sequence');
  const window = (t: Value) => ops.gather(g, ops.gather(g, t, positions, 0), positions, 1);
  const index = window(table);
  let rel = w.tensor('encoder.rel_embeddings.weight');
  if (config.norm_rel_ebd) rel = layerNorm(g, w, rel, 'encoder.LayerNorm', config.layer_norm_eps);
  // WebGPU has no int64 Transpose: the transposed window is read from the transposed table instead, so only the
  // Gathers of shape bookkeeping stay on the CPU.
  const indexTransposed = g.kernels.int64
    ? ops.transpose(g, index, [1, 0])
    : window(g.initializer('relative_position_index_transposed', 'int64', [P, P], transposeSquare(values, P)));
  return { index, indexTransposed, embeddings: rel, rows: g.kernels.int64 ? perRowAndHead(g, config, inputIds, index, indexTransposed) : undefined };
}

/** int64 Concat and Expand, so CPU only: WebGPU computes in 32 bits, and gathers the window per pair (positionScores). */
function perRowAndHead(g: Graph, config: DebertaV2Config, inputIds: Value, index: Value, indexTransposed: Value): RelativePositions['rows'] {
  const batch = ops.gather(g, ops.shapeOf(g, inputIds), g.ints([0]));
  const shape = ops.concatInts(g, [batch, g.ints([config.num_attention_heads, 1, 1])]);
  const expand = (t: Value) => g.node('Expand', [t, shape], [{ dtype: 'int64', shape: ['batch', config.num_attention_heads, ...t.shape] }])[0];
  return { index: expand(index), indexTransposed: expand(indexTransposed) };
}

function transposeSquare(values: BigInt64Array, n: number): BigInt64Array {
  const out = new BigInt64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = values[i * n + j];
  return out;
}

/**
 * The same scores as positionScores, as transformers computes them: every row t against all 2 span position
 * projections, then each pair's entry picked (GatherElements). Its saved activations are the indices only;
 * positionScores keeps a [heads, sequence, sequence, headSize] gather per term and layer for its backward
 * (deberta-v3-base at 8 x 128: 1.2 GB, growing with the square of the sequence length; peak RSS 3.2 GB -> 2.1 GB).
 * `transposed`: x holds keys (position-to-content), the result is arranged as [batch, heads, query, key].
 */
function pickedPositionScores(g: Graph, config: DebertaV2Config, x: Value, projected: Value, rows: Value, transposed: boolean): Value {
  const heads = config.num_attention_heads;
  const perHead = ops.transpose(g, ops.reshape(g, projected, [0, heads, config.hidden_size / heads]), [1, 0, 2]);
  const picked = ops.gatherElements(g, ops.matmulTransposed(g, x, perHead, false, true), rows, 3);
  return transposed ? ops.transpose(g, picked, [0, 1, 3, 2]) : picked;
}

/**
 * Σ_d x[b, h, t, d] · projected[index[t, u], h, d]: the position projections [2 span, hidden] gathered per
 * (t, u) as [heads, t, u, headSize] and multiplied per head and row t, giving [heads, t, batch, u]; `perm`
 * arranges that as [batch, heads, query, key].
 */
function positionScores(g: Graph, config: DebertaV2Config, x: Value, projected: Value, index: Value, perm: number[]): Value {
  const heads = config.num_attention_heads;
  const perHead = ops.transpose(g, ops.reshape(g, projected, [0, heads, config.hidden_size / heads]), [1, 0, 2]);
  const gathered = ops.gather(g, perHead, index, 1);
  const byRow = ops.transpose(g, x, [1, 2, 0, 3]);
  return ops.transpose(g, ops.matmulTransposed(g, byRow, gathered, false, true), perm);
}

function disentangledSelfAttention(
  g: Graph,
  w: FrozenWeights,
  config: DebertaV2Config,
  p: string,
  h: Value,
  bias: Value,
  rel?: RelativePositions,
  dropout?: EncoderDropout,
): Value {
  const heads = config.num_attention_heads;
  const headSize = config.hidden_size / heads;
  // transformers scales by the number of score terms the config names, whether or not they are computed.
  const scale = 1 / Math.sqrt(headSize * (1 + config.pos_att_type.length));
  const split = (x: Value) => ops.transpose(g, ops.reshape(g, x, [0, 0, heads, headSize]), [0, 2, 1, 3]);
  const q = split(linear(g, w, h, `${p}.query_proj`));
  const k = split(linear(g, w, h, `${p}.key_proj`));
  const v = split(linear(g, w, h, `${p}.value_proj`));
  let scores = ops.matmulTransposed(g, q, k, false, true, scale);
  if (rel) {
    // The frozen position projections carry the score scale, so it costs no pass over [batch, heads, S, S].
    // Each layer's pos_dropout draws its own mask over the relative embeddings.
    const relativeEmbeddings = encoderDropout(g, rel.embeddings, 'relativeEmbeddings', dropout);
    const project = (name: string) => ops.mul(g, linear(g, w, relativeEmbeddings, name), g.scalar('float32', scale));
    if (config.pos_att_type.includes('c2p')) {
      const positionKeys = project(config.share_att_key ? `${p}.key_proj` : `${p}.pos_key_proj`);
      const c2p = rel.rows
        ? pickedPositionScores(g, config, q, positionKeys, rel.rows.index, false)
        : positionScores(g, config, q, positionKeys, rel.index, [2, 0, 1, 3]);
      scores = ops.add(g, scores, c2p);
    }
    if (config.pos_att_type.includes('p2c')) {
      const positionQueries = project(config.share_att_key ? `${p}.query_proj` : `${p}.pos_query_proj`);
      // Key j against the query-side position of distance i - j: computed per key row j, arranged as [.., i, j].
      const p2c = rel.rows
        ? pickedPositionScores(g, config, k, positionQueries, rel.rows.indexTransposed, true)
        : positionScores(g, config, k, positionQueries, rel.indexTransposed, [2, 0, 3, 1]);
      scores = ops.add(g, scores, p2c);
    }
  }
  const probs = encoderDropout(g, ops.softmax(g, ops.add(g, scores, bias), -1), 'attentionProbs', dropout);
  const context = ops.transpose(g, ops.matmul(g, probs, v), [0, 2, 1, 3]);
  return ops.reshape(g, context, [0, 0, config.hidden_size]);
}

function debertaLayer(
  g: Graph,
  w: FrozenWeights,
  config: DebertaV2Config,
  i: number,
  h: Value,
  bias: Value,
  rel?: RelativePositions,
  dropout?: EncoderDropout,
): Value {
  const p = `encoder.layer.${i}`;
  const eps = config.layer_norm_eps;
  const context = disentangledSelfAttention(g, w, config, `${p}.attention.self`, h, bias, rel, dropout);
  const attention = linear(g, w, context, `${p}.attention.output.dense`, true, attentionOutputPrecision);
  const h1 = layerNorm(g, w, ops.add(g, encoderDropout(g, attention, 'attentionOutput', dropout), h), `${p}.attention.output.LayerNorm`, eps);
  const ffnOutput = linear(g, w, activation(g, linear(g, w, h1, `${p}.intermediate.dense`), config.hidden_act), `${p}.output.dense`);
  const ffn = encoderDropout(g, ffnOutput, 'feedForward', dropout);
  return layerNorm(g, w, ops.add(g, ffn, h1), `${p}.output.LayerNorm`, eps);
}

export function debertaV2Encoder(g: Graph, w: FrozenWeights, config: DebertaV2Config, inputs: EncoderInputs): EncoderOutputs {
  const keep = ops.cast(g, inputs.attentionMask, 'float32');
  const bias = pairAttentionBias(g, keep);
  const rel = config.relative_attention && config.pos_att_type.length > 0 ? relativePositions(g, w, config, inputs.inputIds) : undefined;
  let h = embeddings(g, w, config, inputs, keep);
  const hiddenStates = [h];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    h = ops.add(g, h, ops.matmul(g, inputs.slotMask, inputs.pastaVectors[i]));
    h = debertaLayer(g, w, config, i, h, bias, rel, inputs.dropout);
    hiddenStates.push(h);
  }
  return { sequenceOutput: h, hiddenStates };
}
