// Entity spans with character offsets and a confidence, for any texts; each text may use its own adapter
// and all of them share the forward passes (PASTA's vectors and heads are per-row graph inputs).
import { alignDocuments, wordTagsToSpans, type AlignmentTokenizer, type WordSplit } from '../data/alignment';
import type { Span } from '../data/types';
import type { EncodedExample } from '../engine/batch';
import type { PastaParams, PastaRuntime } from '../pasta/runtime';
import { predictWordTags } from '../pasta/tasks';

export interface PredictorAdapter {
  name: string;
  /** IOB2 tags in id order. */
  id2label: string[];
  params: PastaParams;
}

export interface PredictedSpan extends Span {
  /** Mean probability of the predicted tags over the span's words. */
  confidence: number;
  adapter: string;
}

export interface PredictOptions {
  maxLength: number;
  stride: number;
  wordSplit: WordSplit;
  batchSize: number;
}

/** Predicts spans for every text; `adapterOf[i]` picks the adapter of text i (default: the first). */
export async function predictSpans(
  runtime: PastaRuntime,
  tokenizer: AlignmentTokenizer,
  adapters: PredictorAdapter[],
  texts: string[],
  options: PredictOptions,
  adapterOf: number[] = texts.map(() => 0),
): Promise<PredictedSpan[][]> {
  const perText = texts.map((text, i) => {
    const adapter = adapters[adapterOf[i]];
    const labelIds = new Map(adapter.id2label.map((l, k) => [l, k]));
    return alignDocuments([{ id: String(i), text, spans: [] }], tokenizer, labelIds, options);
  });
  const rows: { text: number; window: number; example: EncodedExample }[] = [];
  perText.forEach((a, text) =>
    a.windows.forEach((w, window) => rows.push({ text, window, example: { inputIds: w.inputIds, specialTokensMask: w.specialTokensMask } })),
  );
  rows.sort((a, b) => a.example.inputIds.length - b.example.inputIds.length);
  const probabilities = perText.map((a) => new Array<Float32Array>(a.windows.length));
  for (let i = 0; i < rows.length; i += options.batchSize) {
    const chunk = rows.slice(i, i + options.batchSize);
    const adaptersOfRows = chunk.map((r) => adapters[adapterOf[r.text]]);
    const out = await runtime.predict(
      chunk.map((r) => r.example),
      adaptersOfRows.map((a) => a.params),
      adaptersOfRows.map((a) => a.id2label.length),
    );
    chunk.forEach((r, j) => (probabilities[r.text][r.window] = out[j]));
  }
  return perText.map((a, text) => {
    const adapter = adapters[adapterOf[text]];
    const windows = a.windows.map((w, example) => ({ first: w.first, last: w.last, example }));
    const { tags, confidences } = predictWordTags(a.documents, [windows], probabilities[text], adapter.id2label);
    return wordTagsToSpans(a.documents[0].words, tags[0], confidences[0]).map((s) => ({ ...s, confidence: s.confidence ?? 0, adapter: adapter.name }));
  });
}
