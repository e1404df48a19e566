// Encoder-shaped models with seeded random weights, for benchmarks whose speed does not depend on the values.
import { parseEncoderConfig } from '../src/core/model/config';
import type { EncoderConfig, WeightMap } from '../src/core/model/types';
import { expectedWeights } from '../src/core/model/weights';
import { SeededRandom } from '../src/core/util/random';

const BERT = {
  model_type: 'bert',
  vocab_size: 30522,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  hidden_act: 'gelu',
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
  initializer_range: 0.02,
  hidden_dropout_prob: 0.1,
};

/** config.json fields of each benchmarked shape (the hub's own for DeBERTa-v3, XLM-R and ModernBERT). */
export const SHAPES = {
  /** all-MiniLM-L6-v2's shape. */
  'minilm-l6': { ...BERT, hidden_size: 384, num_hidden_layers: 6, num_attention_heads: 12, intermediate_size: 1536 },
  'bert-base': { ...BERT, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072 },
  /** microsoft/deberta-v3-base. */
  'deberta-v3-base': {
    model_type: 'deberta-v2',
    vocab_size: 128100,
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    max_position_embeddings: 512,
    relative_attention: true,
    position_buckets: 256,
    norm_rel_ebd: 'layer_norm',
    share_att_key: true,
    pos_att_type: 'p2c|c2p',
    layer_norm_eps: 1e-7,
    max_relative_positions: -1,
    position_biased_input: false,
    type_vocab_size: 0,
    pad_token_id: 0,
  },
  /** FacebookAI/xlm-roberta-base: RoBERTa's layers, a 250k-row word embedding. */
  'xlm-roberta-base': {
    ...BERT,
    model_type: 'xlm-roberta',
    vocab_size: 250002,
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
    max_position_embeddings: 514,
    type_vocab_size: 1,
    layer_norm_eps: 1e-5,
    pad_token_id: 1,
  },
  /** answerdotai/ModernBERT-base. */
  'modernbert-base': {
    model_type: 'modernbert',
    vocab_size: 50368,
    hidden_size: 768,
    num_hidden_layers: 22,
    num_attention_heads: 12,
    intermediate_size: 1152,
    global_attn_every_n_layers: 3,
    local_attention: 128,
    global_rope_theta: 160000,
    local_rope_theta: 10000,
    max_position_embeddings: 8192,
    norm_eps: 1e-5,
    pad_token_id: 0,
  },
} as const;

export function randomEncoder(shape: keyof typeof SHAPES, seed = 1): { config: EncoderConfig; weights: WeightMap } {
  const config = parseEncoderConfig(SHAPES[shape]);
  const random = new SeededRandom(seed);
  const weights: WeightMap = new Map();
  for (const w of expectedWeights(config)) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const isScale = /(LayerNorm|norm)\.weight$/.test(w.name);
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
  // ModernBERT's gated MLP: Wi is 2I wide, Wo reads I; DeBERTa's c2p and p2c are two more score products.
  const linear = 2 * (4 * H * H + (config.model_type === 'modernbert' ? 3 : 2) * H * I);
  const scoreProducts = config.model_type === 'deberta-v2' ? 2 + config.pos_att_type.length : 2;
  const attention = scoreProducts * 2 * seq * H;
  return tokens * config.num_hidden_layers * (2 * linear + 3 * attention);
}

/**
 * The encoder's forward MatMul FLOPs (2 per multiply-add) for `tokens` padded positions in rows of `seq`:
 * per layer and position 2 * (4 H^2 + 2 H I) for the projections and the MLP, and 2 * 2 * seq * H for the
 * attention's scores and weighted sum. The head (2 H labels per position) is left out.
 */
export function forwardFlops(config: EncoderConfig, tokens: number, seq: number): number {
  const H = config.hidden_size;
  const I = config.intermediate_size;
  return tokens * config.num_hidden_layers * (2 * (4 * H * H + 2 * H * I) + 2 * 2 * seq * H);
}
