// The encoder of a model's family: BERT's layer (BERT, RoBERTa, XLM-R, DistilBERT, ELECTRA), DeBERTa-v2/v3's or ModernBERT's.
import type { Graph } from './graph';
import { debertaV2Encoder } from './debertaV2';
import { encoder, type EncoderInputs, type EncoderOutputs, type FrozenWeights } from './encoder';
import { modernBertEncoder } from './modernBert';
import type { EncoderConfig } from '../model/types';

export function familyEncoder(g: Graph, w: FrozenWeights, config: EncoderConfig, inputs: EncoderInputs): EncoderOutputs {
  if (config.model_type === 'deberta-v2') return debertaV2Encoder(g, w, config, inputs);
  if (config.model_type === 'modernbert') return modernBertEncoder(g, w, config, inputs);
  return encoder(g, w, config, inputs);
}
