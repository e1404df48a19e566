// The encoder's own dropouts, where transformers applies them in train mode (model.train(), as the published
// PASTA trains): the embeddings' output, the attention probabilities, the attention block's output and the
// feed-forward block's output, each family with its config's rates. A rate of 0 adds no node.
import type { EncoderConfig } from '../model/types';
import type { Graph } from './graph';
import type { Value } from './ir';
import * as ops from './ops';

/**
 * Which dropouts training applies: none at all; the PASTA vectors and the classification head's input
 * (hidden_dropout_prob, PASTA's own); or those and every dropout of the encoder.
 */
export type DropoutMode = 'none' | 'pasta' | 'all';
export const DROPOUT_MODES: readonly DropoutMode[] = ['none', 'pasta', 'all'];

export interface EncoderDropoutRates {
  embeddings: number;
  attentionProbs: number;
  /** After the attention's output projection (BERT's attention.output.dropout, ModernBERT's out_drop). */
  attentionOutput: number;
  /** BERT-likes: after the FFN's output projection; ModernBERT: on the gated activation before Wo. */
  feedForward: number;
  /** DeBERTa's pos_dropout on the relative position embeddings, in every layer. */
  relativeEmbeddings: number;
}

export function encoderDropoutRates(config: EncoderConfig): EncoderDropoutRates {
  const hidden = config.hidden_dropout_prob;
  const attention = config.attention_probs_dropout_prob;
  switch (config.model_type) {
    case 'modernbert':
      return { embeddings: hidden, attentionProbs: attention, attentionOutput: attention, feedForward: config.mlp_dropout, relativeEmbeddings: 0 };
    case 'distilbert':
      // DistilBERT's attention block has no dropout after out_lin.
      return { embeddings: hidden, attentionProbs: attention, attentionOutput: 0, feedForward: hidden, relativeEmbeddings: 0 };
    case 'deberta-v2':
      return { embeddings: hidden, attentionProbs: attention, attentionOutput: hidden, feedForward: hidden, relativeEmbeddings: hidden };
    default:
      return { embeddings: hidden, attentionProbs: attention, attentionOutput: hidden, feedForward: hidden, relativeEmbeddings: 0 };
  }
}

/** A dropout site's mask: the graph input the step feeds and the probability that each element is kept. */
export interface EncoderDropoutMask {
  readonly input: Value;
  readonly keep: number;
}

/** The dropouts of one training graph: each site takes its mask as a bool input, listed in `masks`. */
export class EncoderDropout {
  readonly masks: EncoderDropoutMask[] = [];
  constructor(readonly rates: EncoderDropoutRates) {}

  apply(g: Graph, x: Value, site: keyof EncoderDropoutRates): Value {
    const rate = this.rates[site];
    if (rate === 0) return x;
    const input = g.input(`encoder_dropout_keep.${this.masks.length}`, 'bool', [...x.shape]);
    this.masks.push({ input, keep: 1 - rate });
    return ops.dropout(g, x, input, rate);
  }
}

/** x through the encoder's dropout at `site` when training with it, else x. */
export function encoderDropout(g: Graph, x: Value, site: keyof EncoderDropoutRates, dropout: EncoderDropout | undefined): Value {
  return dropout ? dropout.apply(g, x, site) : x;
}
