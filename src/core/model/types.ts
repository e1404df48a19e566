// Shapes shared by the model readers, the tokenizers and the graph compiler.
// Field names follow Hugging Face transformers' BertConfig, whatever the family's own config.json says.

export type ModelFamily = 'bert' | 'roberta' | 'xlm-roberta' | 'distilbert' | 'electra';

export type HiddenAct = 'gelu' | 'gelu_new' | 'gelu_pytorch_tanh' | 'relu';

export interface EncoderConfig {
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
  hidden_dropout_prob: number;
  /** The parsed config.json as written, for fields the encoder does not need. */
  raw: Record<string, unknown>;
}

/** A dense float32 tensor in row-major order. */
export interface Float32Tensor {
  shape: number[];
  data: Float32Array;
}

/** Checkpoint tensors by their Hugging Face names with the family prefix ("bert.", "roberta.", ...) removed. */
export type WeightMap = Map<string, Float32Tensor>;
