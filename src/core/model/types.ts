// Shapes shared by the model readers, the tokenizers and the graph compiler.
// Field names follow Hugging Face transformers' BertConfig, whatever the family's own config.json says.

/** The families that share BERT's encoder layer (BertConfig's fields, absolute position embeddings). */
export type BertFamily = 'bert' | 'roberta' | 'xlm-roberta' | 'distilbert' | 'electra';

export type ModelFamily = BertFamily | 'deberta-v2' | 'modernbert';

export type HiddenAct = 'gelu' | 'gelu_new' | 'gelu_pytorch_tanh' | 'relu';

interface EncoderConfigBase {
  model_type: ModelFamily;
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  hidden_act: HiddenAct;
  layer_norm_eps: number;
  max_position_embeddings: number;
  /** 0 where the family has no token type embeddings (DistilBERT). */
  type_vocab_size: number;
  pad_token_id: number;
  /** ELECTRA's embeddings can be narrower than the hidden size; equals hidden_size elsewhere. */
  embedding_size: number;
  initializer_range: number;
  /** Dropout on the embeddings and hidden states in train mode (DistilBERT's dropout, ModernBERT's embedding_dropout). */
  hidden_dropout_prob: number;
  /** Dropout on the attention probabilities in train mode (DistilBERT's and ModernBERT's attention_dropout). */
  attention_probs_dropout_prob: number;
  /** The parsed config.json as written, for fields the encoder does not need. */
  raw: Record<string, unknown>;
}

export interface BertLikeConfig extends EncoderConfigBase {
  model_type: BertFamily;
}

/** DeBERTa-v2/v3's disentangled attention, with DebertaV2Config's names and transformers' defaults applied. */
export interface DebertaV2Config extends EncoderConfigBase {
  model_type: 'deberta-v2';
  relative_attention: boolean;
  /** The relative distance the position embeddings span (max_position_embeddings where the config says -1). */
  max_relative_positions: number;
  /** Log-bucketed relative positions with this many buckets each side; -1 for none. */
  position_buckets: number;
  pos_att_type: readonly ('c2p' | 'p2c')[];
  /** Positions projected by the content query and key projections (DeBERTa-v3) rather than their own. */
  share_att_key: boolean;
  /** norm_rel_ebd "layer_norm": the relative embeddings go through encoder.LayerNorm. */
  norm_rel_ebd: boolean;
  /** Absolute position embeddings added to the word embeddings (false in DeBERTa-v3). */
  position_biased_input: boolean;
}

export type AttentionLayerType = 'full_attention' | 'sliding_attention';

/**
 * ModernBERT (ModernBertConfig): pre-norm layers with rotary positions, a gated MLP, no biases where the config
 * says, global attention every global_attn_every_n_layers layers and sliding-window attention in between.
 * intermediate_size is the MLP's width after the gate (Wi is twice as wide); hidden_act is hidden_activation.
 */
export interface ModernBertConfig extends EncoderConfigBase {
  model_type: 'modernbert';
  /** Per layer, as ModernBertConfig.layer_types (derived from global_attn_every_n_layers in hub configs). */
  layer_types: AttentionLayerType[];
  global_rope_theta: number;
  local_rope_theta: number;
  /** The sliding window's total width: a token sees keys at most local_attention / 2 away. */
  local_attention: number;
  norm_bias: boolean;
  attention_bias: boolean;
  mlp_bias: boolean;
  /** Dropout inside the MLP, before Wo. */
  mlp_dropout: number;
}

export type EncoderConfig = BertLikeConfig | DebertaV2Config | ModernBertConfig;

/** A dense float32 tensor in row-major order. */
export interface Float32Tensor {
  shape: number[];
  data: Float32Array;
}

/** Checkpoint tensors by their Hugging Face names with the family prefix ("bert.", "roberta.", ...) removed. */
export type WeightMap = Map<string, Float32Tensor>;
