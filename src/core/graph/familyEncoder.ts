// The encoder of a model's family: BERT's layer (BERT, RoBERTa, XLM-R, DistilBERT, ELECTRA) or DeBERTa-v2/v3's.
import type { Graph } from './graph';
import { debertaV2Encoder } from './debertaV2';
import { encoder, type EncoderInputs, type EncoderOutputs, type FrozenWeights } from './encoder';
import type { EncoderConfig } from '../model/types';

export function familyEncoder(g: Graph, w: FrozenWeights, config: EncoderConfig, inputs: EncoderInputs): EncoderOutputs {
  return config.model_type === 'deberta-v2' ? debertaV2Encoder(g, w, config, inputs) : encoder(g, w, config, inputs);
}
