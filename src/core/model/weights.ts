// The weights an encoder needs, by their Hugging Face names, and their loading from a checkpoint: the family
// prefix stripped, heads the encoder does not use left unread, every needed weight present with the shape the
// config implies.
import type { DebertaV2Config, EncoderConfig, Float32Tensor, ModelFamily, ModernBertConfig, WeightMap } from './types.js';
import type { Checkpoint } from './checkpoint.js';
import { FLOAT_DTYPES } from './safetensors/dtypes.js';
import { fileError, quoteName } from './fileError.js';

export interface ExpectedWeight {
  /** Hugging Face name without the family prefix, e.g. "encoder.layer.3.attention.self.query.weight". */
  name: string;
  shape: number[];
  /** The pooler: present in BertModel checkpoints, absent from others; the encoder itself does not need it. */
  optional: boolean;
}

/** The prefix of the family's *For* classes in transformers (BertForMaskedLM's "bert.", ...). */
export const FAMILY_PREFIX: Record<ModelFamily, string> = {
  bert: 'bert.',
  roberta: 'roberta.',
  'xlm-roberta': 'roberta.',
  distilbert: 'distilbert.',
  electra: 'electra.',
  'deberta-v2': 'deberta.',
  modernbert: 'model.',
};

export function expectedWeights(config: EncoderConfig): ExpectedWeight[] {
  if (config.model_type === 'deberta-v2') return debertaV2Weights(config);
  if (config.model_type === 'modernbert') return modernBertWeights(config);
  return config.model_type === 'distilbert' ? distilBertWeights(config) : bertLikeWeights(config);
}

/** Relative distances the disentangled attention embeds each side: position_buckets, else max_relative_positions. */
export function relativeAttentionSpan(c: DebertaV2Config): number {
  return c.position_buckets > 0 ? c.position_buckets : c.max_relative_positions;
}

function debertaV2Weights(c: DebertaV2Config): ExpectedWeight[] {
  const H = c.hidden_size;
  const E = c.embedding_size;
  const I = c.intermediate_size;
  const out: ExpectedWeight[] = [];
  const add = (name: string, shape: number[]): void => {
    out.push({ name, shape, optional: false });
  };
  const linear = (name: string, outputs: number, inputs: number, bias = true): void => {
    add(`${name}.weight`, [outputs, inputs]);
    if (bias) add(`${name}.bias`, [outputs]);
  };
  add('embeddings.word_embeddings.weight', [c.vocab_size, E]);
  if (c.position_biased_input) add('embeddings.position_embeddings.weight', [c.max_position_embeddings, E]);
  if (c.type_vocab_size > 0) add('embeddings.token_type_embeddings.weight', [c.type_vocab_size, E]);
  if (E !== H) linear('embeddings.embed_proj', H, E, false);
  add('embeddings.LayerNorm.weight', [H]);
  add('embeddings.LayerNorm.bias', [H]);
  if (c.relative_attention) {
    add('encoder.rel_embeddings.weight', [2 * relativeAttentionSpan(c), H]);
    if (c.norm_rel_ebd) {
      add('encoder.LayerNorm.weight', [H]);
      add('encoder.LayerNorm.bias', [H]);
    }
  }
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `encoder.layer.${l}.`;
    for (const proj of ['query_proj', 'key_proj', 'value_proj']) linear(`${p}attention.self.${proj}`, H, H);
    if (c.relative_attention && !c.share_att_key) {
      if (c.pos_att_type.includes('c2p')) linear(`${p}attention.self.pos_key_proj`, H, H);
      if (c.pos_att_type.includes('p2c')) linear(`${p}attention.self.pos_query_proj`, H, H);
    }
    linear(`${p}attention.output.dense`, H, H);
    add(`${p}attention.output.LayerNorm.weight`, [H]);
    add(`${p}attention.output.LayerNorm.bias`, [H]);
    linear(`${p}intermediate.dense`, I, H);
    linear(`${p}output.dense`, H, I);
    add(`${p}output.LayerNorm.weight`, [H]);
    add(`${p}output.LayerNorm.bias`, [H]);
  }
  return out;
}

function bertLikeWeights(c: EncoderConfig): ExpectedWeight[] {
  const H = c.hidden_size;
  const E = c.embedding_size;
  const I = c.intermediate_size;
  const out: ExpectedWeight[] = [];
  const add = (name: string, shape: number[], optional = false): void => {
    out.push({ name, shape, optional });
  };
  add('embeddings.word_embeddings.weight', [c.vocab_size, E]);
  add('embeddings.position_embeddings.weight', [c.max_position_embeddings, E]);
  if (c.type_vocab_size > 0) add('embeddings.token_type_embeddings.weight', [c.type_vocab_size, E]);
  add('embeddings.LayerNorm.weight', [E]);
  add('embeddings.LayerNorm.bias', [E]);
  if (c.model_type === 'electra' && E !== H) {
    add('embeddings_project.weight', [H, E]);
    add('embeddings_project.bias', [H]);
  }
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `encoder.layer.${l}.`;
    for (const proj of ['query', 'key', 'value']) {
      add(`${p}attention.self.${proj}.weight`, [H, H]);
      add(`${p}attention.self.${proj}.bias`, [H]);
    }
    add(`${p}attention.output.dense.weight`, [H, H]);
    add(`${p}attention.output.dense.bias`, [H]);
    add(`${p}attention.output.LayerNorm.weight`, [H]);
    add(`${p}attention.output.LayerNorm.bias`, [H]);
    add(`${p}intermediate.dense.weight`, [I, H]);
    add(`${p}intermediate.dense.bias`, [I]);
    add(`${p}output.dense.weight`, [H, I]);
    add(`${p}output.dense.bias`, [H]);
    add(`${p}output.LayerNorm.weight`, [H]);
    add(`${p}output.LayerNorm.bias`, [H]);
  }
  if (c.model_type !== 'electra') {
    add('pooler.dense.weight', [H, H], true);
    add('pooler.dense.bias', [H], true);
  }
  return out;
}

function distilBertWeights(c: EncoderConfig): ExpectedWeight[] {
  const H = c.hidden_size;
  const I = c.intermediate_size;
  const out: ExpectedWeight[] = [];
  const add = (name: string, shape: number[]): void => {
    out.push({ name, shape, optional: false });
  };
  add('embeddings.word_embeddings.weight', [c.vocab_size, H]);
  add('embeddings.position_embeddings.weight', [c.max_position_embeddings, H]);
  add('embeddings.LayerNorm.weight', [H]);
  add('embeddings.LayerNorm.bias', [H]);
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `transformer.layer.${l}.`;
    for (const proj of ['q_lin', 'k_lin', 'v_lin', 'out_lin']) {
      add(`${p}attention.${proj}.weight`, [H, H]);
      add(`${p}attention.${proj}.bias`, [H]);
    }
    add(`${p}sa_layer_norm.weight`, [H]);
    add(`${p}sa_layer_norm.bias`, [H]);
    add(`${p}ffn.lin1.weight`, [I, H]);
    add(`${p}ffn.lin1.bias`, [I]);
    add(`${p}ffn.lin2.weight`, [H, I]);
    add(`${p}ffn.lin2.bias`, [H]);
    add(`${p}output_layer_norm.weight`, [H]);
    add(`${p}output_layer_norm.bias`, [H]);
  }
  return out;
}

function modernBertWeights(c: ModernBertConfig): ExpectedWeight[] {
  const H = c.hidden_size;
  const I = c.intermediate_size;
  const out: ExpectedWeight[] = [];
  const add = (name: string, shape: number[]): void => {
    out.push({ name, shape, optional: false });
  };
  const linear = (name: string, outputs: number, inputs: number, bias: boolean): void => {
    add(`${name}.weight`, [outputs, inputs]);
    if (bias) add(`${name}.bias`, [outputs]);
  };
  const norm = (name: string): void => {
    add(`${name}.weight`, [H]);
    if (c.norm_bias) add(`${name}.bias`, [H]);
  };
  add('embeddings.tok_embeddings.weight', [c.vocab_size, H]);
  norm('embeddings.norm');
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `layers.${l}.`;
    if (l > 0) norm(`${p}attn_norm`); // layer 0 reads the embeddings' norm (attn_norm is the identity there)
    linear(`${p}attn.Wqkv`, 3 * H, H, c.attention_bias);
    linear(`${p}attn.Wo`, H, H, c.attention_bias);
    norm(`${p}mlp_norm`);
    linear(`${p}mlp.Wi`, 2 * I, H, c.mlp_bias);
    linear(`${p}mlp.Wo`, H, I, c.mlp_bias);
  }
  norm('final_norm');
  return out;
}

/** Old TF-converted checkpoints name LayerNorm parameters gamma/beta; transformers renames them on load, so do we. */
export function normaliseWeightName(name: string): string {
  if (name.endsWith('.gamma')) return `${name.slice(0, -'.gamma'.length)}.weight`;
  if (name.endsWith('.beta')) return `${name.slice(0, -'.beta'.length)}.bias`;
  return name;
}

/**
 * Reads the encoder's weights from a checkpoint. Checkpoint names may carry the family prefix (BertForMaskedLM,
 * ...) or none (BertModel, sentence-transformers); whichever holds the token embeddings wins.
 * `configFile` names the config in shape-mismatch messages.
 */
export async function loadEncoderWeights(checkpoint: Checkpoint, config: EncoderConfig, configFile = 'config.json'): Promise<WeightMap> {
  const expected = expectedWeights(config);
  // Every family lists its token embeddings first.
  const anchor = expected[0].name;
  const byName = indexCheckpointNames(checkpoint, FAMILY_PREFIX[config.model_type], anchor);
  if (!byName.has(anchor)) {
    const prefix = FAMILY_PREFIX[config.model_type];
    throw fileError(
      checkpoint.source,
      `has neither '${prefix}${anchor}' nor '${anchor}': not a ${config.model_type} checkpoint, or config.json names the wrong model_type`,
    );
  }
  const weights: WeightMap = new Map();
  for (const weight of expected) {
    const source = byName.get(weight.name);
    if (source === undefined) {
      if (weight.optional) continue;
      throw fileError(
        checkpoint.source,
        `missing weight ${quoteName(weight.name)} (shape [${weight.shape.join(', ')}]) that the ${config.model_type} encoder needs`,
      );
    }
    const info = checkpoint.info(source);
    const file = checkpoint.fileOf(source);
    if (!sameShape(info.shape, weight.shape)) {
      throw fileError(file, `weight ${quoteName(source)} has shape [${info.shape.join(', ')}] but ${configFile} implies [${weight.shape.join(', ')}]`);
    }
    if (!FLOAT_DTYPES.has(info.dtype))
      throw fileError(file, `weight ${quoteName(source)} has dtype ${info.dtype}, expected a float type (F32, F16, BF16, F64)`);
    const tensor: Float32Tensor = await checkpoint.readFloat32(source);
    weights.set(weight.name, tensor);
  }
  return weights;
}

/** Maps normalised, prefix-free names to the checkpoint's own names. */
function indexCheckpointNames(checkpoint: Checkpoint, prefix: string, anchor: string): Map<string, string> {
  const names = checkpoint.names;
  const prefixed = names.some((name) => name.startsWith(prefix) && normaliseWeightName(name.slice(prefix.length)) === anchor);
  const byName = new Map<string, string>();
  for (const name of names) {
    if (prefixed && !name.startsWith(prefix)) continue;
    const stripped = normaliseWeightName(prefixed ? name.slice(prefix.length) : name);
    byName.set(stripped, name);
  }
  return byName;
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
