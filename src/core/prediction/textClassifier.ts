// One label per text (or sentence pair) with its probability and the whole distribution; each input may use its own
// SEQ_CLS adapter and all of them share the forward passes, as the span predictor does.
import type { EncodedExample } from '../engine/batch';
import type { PredictorAdapter } from './predictor';
import type { PastaRuntime } from '../pasta/runtime';
import type { SequenceTokenizer } from '../pasta/tasks';

export interface TextClassification {
  label: string;
  probability: number;
  /** Every class with its probability, in the adapter's class order. */
  distribution: { label: string; probability: number }[];
  adapter: string;
}

/** A text, or a sentence pair encoded as the tokenizer's pair ([CLS] text [SEP] textPair [SEP]). */
export type ClassifierInput = string | { text: string; textPair?: string };

export interface ClassifyOptions {
  /** Word pieces per input, special tokens included; longer inputs are truncated (pairs longest first, as HF). */
  maxLength: number;
  batchSize: number;
}

/**
 * Classifies every input; `adapterOf[i]` picks the adapter of input i (default: the first). The runtime's slot count
 * must be the inputs' (2 for single texts, the pair count for pairs): callers keep the two apart.
 */
export async function classifyTexts(
  runtime: PastaRuntime,
  tokenizer: SequenceTokenizer,
  adapters: PredictorAdapter[],
  texts: ClassifierInput[],
  options: ClassifyOptions,
  adapterOf: number[] = texts.map(() => 0),
): Promise<TextClassification[]> {
  const examples: EncodedExample[] = texts.map((input) => {
    const { text, textPair } = typeof input === 'string' ? { text: input, textPair: undefined } : input;
    const e = tokenizer.encode(text, textPair, { maxLength: options.maxLength });
    return { inputIds: e.ids, specialTokensMask: e.specialTokensMask, tokenTypeIds: e.typeIds };
  });
  const order = examples.map((_, i) => i).sort((a, b) => examples[a].inputIds.length - examples[b].inputIds.length);
  const out = new Array<TextClassification>(texts.length);
  for (let i = 0; i < order.length; i += options.batchSize) {
    const idx = order.slice(i, i + options.batchSize);
    const rowAdapters = idx.map((k) => adapters[adapterOf[k]]);
    const probabilities = await runtime.predict(
      idx.map((k) => examples[k]),
      rowAdapters.map((a) => a.params),
      rowAdapters.map((a) => a.id2label.length),
    );
    idx.forEach((k, j) => {
      const adapter = rowAdapters[j];
      const distribution = adapter.id2label.map((label, c) => ({ label, probability: probabilities[j][c] }));
      const best = distribution.reduce((a, b) => (b.probability > a.probability ? b : a));
      out[k] = { label: best.label, probability: best.probability, distribution, adapter: adapter.name };
    });
  }
  return out;
}
