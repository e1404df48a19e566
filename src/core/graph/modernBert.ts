// The ModernBERT encoder (transformers' ModernBertModel) with the PASTA hook: pre-norm layers whose attention
// rotates queries and keys by their positions (rotary embeddings, one base for global and one for local
// layers) and, in sliding-window layers, sees only keys within local_attention / 2; a gated GELU MLP; biases only
// where the config has them; a final LayerNorm. Checkpoint names are transformers' own.
import type { AttentionLayerType, ModernBertConfig } from '../model/types';
import { activation, attentionOutputPrecision, type EncoderInputs, type EncoderOutputs, type FrozenWeights } from './encoder';
import { encoderDropout, type EncoderDropout } from './encoderDropout';
import type { Graph } from './graph';
import type { Value } from './ir';
import type { Precision } from './kernels';
import * as ops from './ops';

const FLOAT32_MIN = -3.4028234663852886e38;

function norm(g: Graph, w: FrozenWeights, config: ModernBertConfig, x: Value, name: string): Value {
  const bias = config.norm_bias ? w.tensor(`${name}.bias`) : g.constant('float32', [config.hidden_size], new Array<number>(config.hidden_size).fill(0));
  return ops.layerNorm(g, x, w.tensor(`${name}.weight`), bias, config.layer_norm_eps);
}

/** x W[rows]^T (+ b[rows]): one part of a fused projection (Wqkv's query, key or value; Wi's input or gate). */
function projection(
  g: Graph,
  w: FrozenWeights,
  x: Value,
  name: string,
  bias: boolean,
  start: number,
  count: number,
  precision: Precision = w.precision,
): Value {
  const b = bias ? w.rows(`${name}.bias`, start, count) : undefined;
  if (precision === 'int8') return ops.quantizedLinear(g, x, w.int8(`${name}.weight`, start, count), b);
  const y = ops.matmul(g, x, ops.transposeLastTwo(g, w.rows(`${name}.weight`, start, count)));
  return b ? ops.add(g, y, b) : y;
}

/**
 * int64 positions as float32. WebGPU has no int64 Cast, so there they are read from a float table of the
 * positions the model holds (a Gather with int64 indices runs on the GPU); the CPU casts.
 */
function positionsAsFloat(g: Graph, config: ModernBertConfig, positions: Value): Value {
  if (g.kernels.int64) return ops.cast(g, positions, 'float32');
  const P = config.max_position_embeddings;
  const table = g.initializer(
    'float_positions',
    'float32',
    [P],
    Float32Array.from({ length: P }, (_, i) => i),
  );
  return ops.gather(g, table, positions);
}

interface Rotary {
  /** [batch, 1, sequence, headSize] each. */
  cos: Value;
  sin: Value;
}

/**
 * cos and sin of position x inverse frequency (1 / theta^(2k / headSize), each frequency twice, as transformers
 * concatenates them), in float32 as transformers computes the frequencies.
 */
function rotary(g: Graph, config: ModernBertConfig, positionIds: Value, theta: number): Rotary {
  const headSize = config.hidden_size / config.num_attention_heads;
  const half = Array.from({ length: headSize / 2 }, (_, k) => Math.fround(1 / Math.fround(theta ** Math.fround((2 * k) / headSize))));
  const inverseFrequencies = g.constant('float32', [headSize], [...half, ...half]);
  const angles = ops.mul(g, ops.unsqueeze(g, positionsAsFloat(g, config, positionIds), [-1]), inverseFrequencies);
  const perHead = (x: Value) => ops.unsqueeze(g, x, [1]);
  return { cos: perHead(ops.cos(g, angles)), sin: perHead(ops.sin(g, angles)) };
}

/** x cos + rotate_half(x) sin, rotate_half(x) = [-x2, x1] as a product with a constant signed permutation. */
function rotate(g: Graph, x: Value, r: Rotary, headSize: number): Value {
  const half = headSize / 2;
  const matrix = new Array<number>(headSize * headSize).fill(0);
  for (let k = 0; k < half; k++) {
    matrix[(k + half) * headSize + k] = -1;
    matrix[k * headSize + k + half] = 1;
  }
  const rotateHalf = ops.matmul(g, x, g.constant('float32', [headSize, headSize], matrix));
  return ops.add(g, ops.mul(g, x, r.cos), ops.mul(g, rotateHalf, r.sin));
}

/**
 * [batch, 1, sequence | 1, sequence] additive biases: global layers block padded keys; sliding layers also keys
 * more than local_attention / 2 away, combined before scaling as transformers combines its boolean masks.
 */
function attentionBiases(g: Graph, config: ModernBertConfig, attentionMask: Value, inputIds: Value): Record<AttentionLayerType, Value> {
  const keep = ops.unsqueeze(g, ops.cast(g, attentionMask, 'float32'), [1, 2]);
  const bias = (allowed: Value) => ops.mul(g, ops.sub(g, g.scalar('float32', 1), allowed), g.scalar('float32', FLOAT32_MIN));
  const positions = positionsAsFloat(g, config, ops.rangeOf(g, ops.dimOf(g, inputIds, 1), 'sequence'));
  const distance = ops.sub(g, ops.unsqueeze(g, positions, [1]), ops.unsqueeze(g, positions, [0]));
  const window = Math.floor(config.local_attention / 2);
  const outside = ops.cast(g, ops.greater(g, ops.mul(g, distance, distance), g.scalar('float32', window * window)), 'float32');
  const inside = ops.sub(g, g.scalar('float32', 1), outside);
  return { full_attention: bias(keep), sliding_attention: bias(ops.mul(g, keep, inside)) };
}

function attention(g: Graph, w: FrozenWeights, config: ModernBertConfig, p: string, x: Value, bias: Value, r: Rotary, dropout?: EncoderDropout): Value {
  const H = config.hidden_size;
  const heads = config.num_attention_heads;
  const headSize = H / heads;
  const split = (part: number) =>
    ops.transpose(g, ops.reshape(g, projection(g, w, x, `${p}.Wqkv`, config.attention_bias, part * H, H), [0, 0, heads, headSize]), [0, 2, 1, 3]);
  const q = rotate(g, split(0), r, headSize);
  const k = rotate(g, split(1), r, headSize);
  const v = split(2);
  const scores = ops.matmulTransposed(g, q, k, false, true, 1 / Math.sqrt(headSize));
  const probs = encoderDropout(g, ops.softmax(g, ops.add(g, scores, bias), -1), 'attentionProbs', dropout);
  const context = ops.reshape(g, ops.transpose(g, ops.matmul(g, probs, v), [0, 2, 1, 3]), [0, 0, H]);
  return encoderDropout(g, projection(g, w, context, `${p}.Wo`, config.attention_bias, 0, H, attentionOutputPrecision), 'attentionOutput', dropout);
}

function mlp(g: Graph, w: FrozenWeights, config: ModernBertConfig, p: string, x: Value, dropout?: EncoderDropout): Value {
  const I = config.intermediate_size;
  const input = projection(g, w, x, `${p}.Wi`, config.mlp_bias, 0, I);
  const gate = projection(g, w, x, `${p}.Wi`, config.mlp_bias, I, I);
  const gated = encoderDropout(g, ops.mul(g, activation(g, input, config.hidden_act), gate), 'feedForward', dropout);
  return projection(g, w, gated, `${p}.Wo`, config.mlp_bias, 0, config.hidden_size);
}

export function modernBertEncoder(g: Graph, w: FrozenWeights, config: ModernBertConfig, inputs: EncoderInputs): EncoderOutputs {
  const biases = attentionBiases(g, config, inputs.attentionMask, inputs.inputIds);
  const rotaries: Record<AttentionLayerType, Rotary> = {
    full_attention: rotary(g, config, inputs.positionIds, config.global_rope_theta),
    sliding_attention: rotary(g, config, inputs.positionIds, config.local_rope_theta),
  };
  const embedded = norm(g, w, config, ops.gather(g, w.tensor('embeddings.tok_embeddings.weight'), inputs.inputIds), 'embeddings.norm');
  let h = encoderDropout(g, embedded, 'embeddings', inputs.dropout);
  const hiddenStates = [h];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const p = `layers.${i}`;
    const type = config.layer_types[i];
    h = ops.add(g, h, ops.matmul(g, inputs.slotMask, inputs.pastaVectors[i]));
    // Layer 0's attention reads its input unnormalised: the embeddings end in a LayerNorm already.
    const attentionInput = i === 0 ? h : norm(g, w, config, h, `${p}.attn_norm`);
    h = ops.add(g, h, attention(g, w, config, `${p}.attn`, attentionInput, biases[type], rotaries[type], inputs.dropout));
    h = ops.add(g, h, mlp(g, w, config, `${p}.mlp`, norm(g, w, config, h, `${p}.mlp_norm`), inputs.dropout));
    hiddenStates.push(h);
  }
  // As transformers returns hidden states, the last one is the encoder's output, after final_norm.
  const sequenceOutput = norm(g, w, config, h, 'final_norm');
  hiddenStates[hiddenStates.length - 1] = sequenceOutput;
  return { sequenceOutput, hiddenStates };
}
