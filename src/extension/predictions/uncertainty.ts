// Active learning order: the document whose predictions the model is least sure of comes first.
// A document's certainty is the mean confidence of its predicted spans (each span's confidence is the mean
// probability of its words' predicted tags); documents where nothing is predicted come after all others,
// since there is nothing in them to correct.

export interface DocumentPredictions {
  /** Workspace-relative path. */
  file: string;
  spans: readonly { confidence: number }[];
}

export interface RankedDocument {
  file: string;
  /** Mean span confidence; undefined when no span is predicted. */
  meanConfidence: number | undefined;
  spanCount: number;
}

export function meanConfidence(spans: readonly { confidence: number }[]): number | undefined {
  if (spans.length === 0) return undefined;
  return spans.reduce((sum, s) => sum + s.confidence, 0) / spans.length;
}

/** Least certain first; ties (and documents without spans) in path order. */
export function rankByUncertainty(documents: readonly DocumentPredictions[]): RankedDocument[] {
  return documents.map((d) => ({ file: d.file, meanConfidence: meanConfidence(d.spans), spanCount: d.spans.length })).sort(compareUncertainty);
}

export function compareUncertainty(a: RankedDocument, b: RankedDocument): number {
  if (a.meanConfidence === undefined || b.meanConfidence === undefined) {
    if (a.meanConfidence !== b.meanConfidence) return a.meanConfidence === undefined ? 1 : -1;
  } else if (a.meanConfidence !== b.meanConfidence) return a.meanConfidence - b.meanConfidence;
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}
