// Encoder-shaped models with seeded random weights, for benchmarks whose speed does not depend on the values.
import { parseEncoderConfig } from '../src/core/model/config';
import type { EncoderConfig, WeightMap } from '../src/core/model/types';
import { expectedWeights } from '../src/core/model/weights';
import { SeededRandom } from '../src/core/util/random';

export const SHAPES = {
  /** all-MiniLM-L6-v2's shape. */
  'minilm-l6': { hidden_size: 384, num_hidden_layers: 6, num_attention_heads: 12, intermediate_size: 1536 },
  'bert-base': { hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072 },
} as const;

export function randomEncoder(shape: keyof typeof SHAPES, seed = 1): { config: EncoderConfig; weights: WeightMap } {
  const config = parseEncoderConfig({
    model_type: 'bert',
    vocab_size: 30522,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    hidden_act: 'gelu',
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    initializer_range: 0.02,
    hidden_dropout_prob: 0.1,
    ...SHAPES[shape],
  });
  const random = new SeededRandom(seed);
  const weights: WeightMap = new Map();
  for (const w of expectedWeights(config)) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const isScale = w.name.endsWith('LayerNorm.weight');
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = isScale ? 1 : (random.next() - 0.5) * 0.04;
    weights.set(w.name, { shape: w.shape, data });
  }
  return { config, weights };
}

/**
 * Model FLOPs of one training step: the forward pass, plus a backward that computes activation gradients
 * only (one matmul per linear layer, two per attention product), no weight gradients.
 */
export function trainStepFlops(config: EncoderConfig, tokens: number, seq: number): number {
  const H = config.hidden_size;
  const I = config.intermediate_size;
  const linear = 2 * (4 * H * H + 2 * H * I);
  const attention = 2 * 2 * seq * H;
  return tokens * config.num_hidden_layers * (2 * linear + 3 * attention);
}
