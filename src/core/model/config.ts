// config.json of the supported encoder families -> EncoderConfig (BertConfig's field names whatever the family).
// Fields that decide weight shapes are required; the others take the defaults transformers gives them.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { AttentionLayerType, BertFamily, DebertaV2Config, EncoderConfig, HiddenAct, ModernBertConfig } from './types.js';
import { fileError, ioError, quoteName } from './fileError.js';
import { InputError } from '../data/types.js';

export const SUPPORTED_MODEL_TYPES = ['bert', 'roberta', 'xlm-roberta', 'distilbert', 'electra', 'deberta-v2', 'modernbert'] as const;
export const SUPPORTED_HIDDEN_ACTS: readonly HiddenAct[] = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'];

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export async function readEncoderConfig(dir: string): Promise<EncoderConfig> {
  const file = join(dir, 'config.json');
  let text: string;
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_CONFIG_BYTES) throw fileError(file, `is ${stat.size} bytes, too large for a config`);
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw ioError(file, error);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw fileError(file, `is not valid JSON (${(error as Error).message})`);
  }
  return parseEncoderConfig(raw, file);
}

/** `file` only names the source in error messages. */
export function parseEncoderConfig(raw: unknown, file = 'config.json'): EncoderConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fileError(file, 'is not a JSON object');
  const fields = new ConfigFields(file, raw as Record<string, unknown>);
  const modelType = raw && (raw as Record<string, unknown>).model_type;
  if (modelType === undefined) throw fileError(file, `has no model_type (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`);
  if (typeof modelType !== 'string' || !(SUPPORTED_MODEL_TYPES as readonly string[]).includes(modelType)) {
    throw fileError(
      file,
      `model_type ${typeof modelType === 'string' ? quoteName(modelType) : JSON.stringify(modelType)} is not supported (supported: ${SUPPORTED_MODEL_TYPES.join(', ')})`,
    );
  }
  const config =
    modelType === 'distilbert'
      ? distilBertConfig(fields)
      : modelType === 'deberta-v2'
        ? debertaV2Config(fields)
        : modelType === 'modernbert'
          ? modernBertConfig(fields)
          : bertLikeConfig(fields, modelType as BertFamily);
  if (config.hidden_size % config.num_attention_heads !== 0) {
    throw fileError(file, `hidden size ${config.hidden_size} is not a multiple of the number of attention heads ${config.num_attention_heads}`);
  }
  return config;
}

/** BERT, RoBERTa, XLM-RoBERTa and ELECTRA share BertConfig's fields. */
function bertLikeConfig(f: ConfigFields, modelType: BertFamily): EncoderConfig {
  const positionType = f.optionalString('position_embedding_type', 'absolute');
  if (positionType !== 'absolute') f.fail('position_embedding_type', `is ${quoteName(positionType)}; only 'absolute' is supported`);
  const hiddenSize = f.positiveInteger('hidden_size');
  const isRoberta = modelType === 'roberta' || modelType === 'xlm-roberta';
  return {
    model_type: modelType,
    vocab_size: f.positiveInteger('vocab_size'),
    hidden_size: hiddenSize,
    num_hidden_layers: f.positiveInteger('num_hidden_layers'),
    num_attention_heads: f.positiveInteger('num_attention_heads'),
    intermediate_size: f.positiveInteger('intermediate_size'),
    hidden_act: f.hiddenAct('hidden_act', 'gelu'),
    layer_norm_eps: f.positiveNumber('layer_norm_eps', 1e-12),
    max_position_embeddings: f.positiveInteger('max_position_embeddings'),
    type_vocab_size: f.positiveInteger('type_vocab_size', 2),
    pad_token_id: f.nonNegativeInteger('pad_token_id', isRoberta ? 1 : 0),
    embedding_size: modelType === 'electra' ? f.positiveInteger('embedding_size') : hiddenSize,
    initializer_range: f.positiveNumber('initializer_range', 0.02),
    hidden_dropout_prob: f.probability('hidden_dropout_prob', 0.1),
    attention_probs_dropout_prob: f.probability('attention_probs_dropout_prob', 0.1),
    raw: f.raw,
  };
}

/** DebertaV2Config: BertConfig's fields (no token types by default) and the disentangled attention's. */
function debertaV2Config(f: ConfigFields): DebertaV2Config {
  if (f.integer('conv_kernel_size', 0) > 0)
    f.fail('conv_kernel_size', 'is set: the convolution layer of deberta-v2-xlarge/xxlarge is not supported (DeBERTa-v3 has none)');
  const hiddenSize = f.positiveInteger('hidden_size');
  const heads = f.positiveInteger('num_attention_heads');
  const headSize = f.integer('attention_head_size', hiddenSize / heads);
  if (headSize !== hiddenSize / heads)
    f.fail('attention_head_size', `is ${headSize}; only hidden_size / num_attention_heads (${hiddenSize / heads}) is supported`);
  const maxPositions = f.positiveInteger('max_position_embeddings', 512);
  const maxRelative = f.integer('max_relative_positions', -1);
  const normRelEbd = f
    .optionalString('norm_rel_ebd', 'none')
    .toLowerCase()
    .split('|')
    .map((part) => part.trim());
  const unknownNorm = normRelEbd.find((part) => part !== 'none' && part !== 'layer_norm');
  if (unknownNorm !== undefined) f.fail('norm_rel_ebd', `${quoteName(unknownNorm)} is not supported (supported: none, layer_norm)`);
  return {
    model_type: 'deberta-v2',
    vocab_size: f.positiveInteger('vocab_size'),
    hidden_size: hiddenSize,
    num_hidden_layers: f.positiveInteger('num_hidden_layers'),
    num_attention_heads: heads,
    intermediate_size: f.positiveInteger('intermediate_size'),
    hidden_act: f.hiddenAct('hidden_act', 'gelu'),
    layer_norm_eps: f.positiveNumber('layer_norm_eps', 1e-7),
    max_position_embeddings: maxPositions,
    type_vocab_size: f.nonNegativeInteger('type_vocab_size', 0),
    pad_token_id: f.nonNegativeInteger('pad_token_id', 0),
    embedding_size: f.positiveInteger('embedding_size', hiddenSize),
    initializer_range: f.positiveNumber('initializer_range', 0.02),
    hidden_dropout_prob: f.probability('hidden_dropout_prob', 0.1),
    attention_probs_dropout_prob: f.probability('attention_probs_dropout_prob', 0.1),
    relative_attention: f.boolean('relative_attention', false),
    max_relative_positions: maxRelative < 1 ? maxPositions : maxRelative,
    position_buckets: f.integer('position_buckets', -1),
    pos_att_type: f.positionAttentionTypes('pos_att_type'),
    share_att_key: f.boolean('share_att_key', false),
    norm_rel_ebd: normRelEbd.includes('layer_norm'),
    position_biased_input: f.boolean('position_biased_input', true),
    raw: f.raw,
  };
}

/**
 * ModernBertConfig, in the hub's form (global_attn_every_n_layers, global_rope_theta, local_rope_theta) or
 * transformers 5's (layer_types, rope_parameters per layer type); only the default rotary embedding.
 */
function modernBertConfig(f: ConfigFields): ModernBertConfig {
  const hiddenSize = f.positiveInteger('hidden_size');
  const layers = f.positiveInteger('num_hidden_layers');
  const rope = f.raw.rope_parameters;
  const theta = (layerType: AttentionLayerType, legacyField: string, fallback: number): number => {
    if (rope === undefined || rope === null) return f.positiveNumber(legacyField, fallback);
    const params = typeof rope === 'object' ? (rope as Record<string, unknown>)[layerType] : undefined;
    if (typeof params !== 'object' || params === null) f.fail('rope_parameters', `has no ${layerType} entry`);
    const { rope_type: ropeType = 'default', rope_theta: ropeTheta = fallback } = params as Record<string, unknown>;
    if (ropeType !== 'default') f.fail('rope_parameters', `${layerType} rope_type ${show(ropeType)} is not supported (supported: default)`);
    if (typeof ropeTheta !== 'number' || !(ropeTheta > 0))
      f.fail('rope_parameters', `${layerType} rope_theta must be a positive number, got ${show(ropeTheta)}`);
    return ropeTheta;
  };
  return {
    model_type: 'modernbert',
    vocab_size: f.positiveInteger('vocab_size'),
    hidden_size: hiddenSize,
    num_hidden_layers: layers,
    num_attention_heads: f.positiveInteger('num_attention_heads'),
    intermediate_size: f.positiveInteger('intermediate_size'),
    hidden_act: f.hiddenAct('hidden_activation', 'gelu'),
    layer_norm_eps: f.positiveNumber('norm_eps', 1e-5),
    max_position_embeddings: f.positiveInteger('max_position_embeddings', 8192),
    type_vocab_size: 0,
    pad_token_id: f.nonNegativeInteger('pad_token_id', 50283),
    embedding_size: hiddenSize,
    initializer_range: f.positiveNumber('initializer_range', 0.02),
    hidden_dropout_prob: f.probability('embedding_dropout', 0),
    attention_probs_dropout_prob: f.probability('attention_dropout', 0),
    mlp_dropout: f.probability('mlp_dropout', 0),
    layer_types: f.layerTypes(layers),
    global_rope_theta: theta('full_attention', 'global_rope_theta', 160_000),
    local_rope_theta: theta('sliding_attention', 'local_rope_theta', 10_000),
    local_attention: f.positiveInteger('local_attention', 128),
    norm_bias: f.boolean('norm_bias', false),
    attention_bias: f.boolean('attention_bias', false),
    mlp_bias: f.boolean('mlp_bias', false),
    raw: f.raw,
  };
}

/** DistilBERT names its fields differently, has no token types, and fixes the layer norm epsilon at 1e-12. */
function distilBertConfig(f: ConfigFields): EncoderConfig {
  const dim = f.positiveInteger('dim');
  const activation = f.optionalString('activation', 'gelu');
  if (activation !== 'gelu' && activation !== 'relu') f.fail('activation', `is ${quoteName(activation)}; DistilBERT supports 'gelu' and 'relu'`);
  return {
    model_type: 'distilbert',
    vocab_size: f.positiveInteger('vocab_size'),
    hidden_size: dim,
    num_hidden_layers: f.positiveInteger('n_layers'),
    num_attention_heads: f.positiveInteger('n_heads'),
    intermediate_size: f.positiveInteger('hidden_dim'),
    hidden_act: activation,
    layer_norm_eps: 1e-12,
    max_position_embeddings: f.positiveInteger('max_position_embeddings'),
    type_vocab_size: 0,
    pad_token_id: f.nonNegativeInteger('pad_token_id', 0),
    embedding_size: dim,
    initializer_range: f.positiveNumber('initializer_range', 0.02),
    hidden_dropout_prob: f.probability('dropout', 0.1),
    attention_probs_dropout_prob: f.probability('attention_dropout', 0.1),
    raw: f.raw,
  };
}

class ConfigFields {
  constructor(
    readonly file: string,
    readonly raw: Record<string, unknown>,
  ) {}

  fail(field: string, problem: string): never {
    throw fileError(this.file, `${field} ${problem}`);
  }

  private value(field: string, fallback: unknown): unknown {
    const value = Object.prototype.hasOwnProperty.call(this.raw, field) ? this.raw[field] : undefined;
    if (value === undefined || value === null) {
      if (fallback === undefined) this.fail(field, 'is missing');
      return fallback;
    }
    return value;
  }

  positiveInteger(field: string, fallback?: number): number {
    const value = this.value(field, fallback);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) this.fail(field, `must be a positive integer, got ${show(value)}`);
    return value;
  }

  nonNegativeInteger(field: string, fallback?: number): number {
    const value = this.value(field, fallback);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) this.fail(field, `must be a non-negative integer, got ${show(value)}`);
    return value;
  }

  integer(field: string, fallback?: number): number {
    const value = this.value(field, fallback);
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.fail(field, `must be an integer, got ${show(value)}`);
    return value;
  }

  boolean(field: string, fallback?: boolean): boolean {
    const value = this.value(field, fallback);
    if (typeof value !== 'boolean') this.fail(field, `must be true or false, got ${show(value)}`);
    return value;
  }

  /** DeBERTa's pos_att_type: a list, or the older "p2c|c2p" string; none when absent. */
  positionAttentionTypes(field: string): ('c2p' | 'p2c')[] {
    const value = this.value(field, []);
    const parts =
      typeof value === 'string'
        ? value
            .toLowerCase()
            .split('|')
            .map((part) => part.trim())
        : value;
    if (!Array.isArray(parts)) this.fail(field, `must be a list or a '|'-separated string, got ${show(value)}`);
    const wrong = parts.find((part) => part !== 'c2p' && part !== 'p2c');
    if (wrong !== undefined) this.fail(field, `${show(wrong)} is not supported (supported: c2p, p2c)`);
    return [...new Set(parts as ('c2p' | 'p2c')[])];
  }

  /** ModernBERT's layer_types, or global attention every global_attn_every_n_layers layers (from layer 0). */
  layerTypes(layers: number): AttentionLayerType[] {
    if (this.raw.layer_types === undefined || this.raw.layer_types === null) {
      const every = this.positiveInteger('global_attn_every_n_layers', 3);
      return Array.from({ length: layers }, (_, i) => (i % every === 0 ? 'full_attention' : 'sliding_attention'));
    }
    const value = this.raw.layer_types;
    if (!Array.isArray(value) || value.length !== layers) this.fail('layer_types', `must list ${layers} layer types (num_hidden_layers), got ${show(value)}`);
    const wrong = value.find((t) => t !== 'full_attention' && t !== 'sliding_attention');
    if (wrong !== undefined) this.fail('layer_types', `${show(wrong)} is not supported (supported: full_attention, sliding_attention)`);
    return value as AttentionLayerType[];
  }

  positiveNumber(field: string, fallback?: number): number {
    const value = this.value(field, fallback);
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) this.fail(field, `must be a positive number, got ${show(value)}`);
    return value;
  }

  probability(field: string, fallback?: number): number {
    const value = this.value(field, fallback);
    if (typeof value !== 'number' || !(value >= 0 && value < 1)) this.fail(field, `must be a number in [0, 1), got ${show(value)}`);
    return value;
  }

  optionalString(field: string, fallback: string): string {
    const value = this.value(field, fallback);
    if (typeof value !== 'string') this.fail(field, `must be a string, got ${show(value)}`);
    return value;
  }

  hiddenAct(field: string, fallback: HiddenAct): HiddenAct {
    const value = this.optionalString(field, fallback);
    if (!(SUPPORTED_HIDDEN_ACTS as readonly string[]).includes(value)) {
      this.fail(field, `${quoteName(value)} is not supported (supported: ${SUPPORTED_HIDDEN_ACTS.join(', ')})`);
    }
    return value as HiddenAct;
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
