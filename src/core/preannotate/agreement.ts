// How far the language model's suggestions agree with what a person accepted: entity-level precision, recall and F1
// per label, scored by seqeval's rules (metrics/seqeval.ts) over the files that have both suggestions and current
// annotations. A span counts as found only with the same start, end and label.
import { AnnotationStore, toRelativePath } from '../data/annotationStore.js';
import type { NerDocument, Span } from '../data/types.js';
import { entityReport, type EntityReport } from '../metrics/seqeval.js';
import { isFreshFor, readSuggestions, suggestedFiles } from './suggestionsFile.js';

export interface Agreement {
  report: EntityReport;
  /** Files scored: suggestions and annotations both made for the file's current text. */
  files: string[];
  /** Those files with their accepted annotations, to score an adapter on the same ground. */
  documents: NerDocument[];
  /** Files with suggestions left out, with the reason. */
  skipped: { file: string; reason: string }[];
}

/**
 * The spans of two annotations of one text as IOB2 tag sequences over the pieces between any two span boundaries,
 * so that seqeval's entities are exactly the spans.
 */
export function spansAsTags(gold: readonly Span[], predicted: readonly Span[]): { gold: string[]; predicted: string[] } {
  const cuts = [...new Set([...gold, ...predicted].flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
  const tagsOf = (spans: readonly Span[]) =>
    cuts.slice(0, -1).map((at) => {
      const span = spans.find((s) => s.start <= at && at < s.end);
      return span ? `${span.start === at ? 'B' : 'I'}-${span.label}` : 'O';
    });
  return { gold: tagsOf(gold), predicted: tagsOf(predicted) };
}

export async function suggestionAgreement(workspaceRoot: string, files?: readonly string[]): Promise<Agreement> {
  const store = new AnnotationStore(workspaceRoot);
  const goldTags: string[][] = [];
  const predictedTags: string[][] = [];
  const scored: string[] = [];
  const documents: NerDocument[] = [];
  const skipped: Agreement['skipped'] = [];
  const candidates = files ? files.map((f) => toRelativePath(workspaceRoot, f)) : await suggestedFiles(workspaceRoot);
  for (const file of candidates) {
    const suggestions = await readSuggestions(workspaceRoot, file);
    if (!suggestions) {
      skipped.push({ file, reason: 'has no suggestions' });
      continue;
    }
    const text = await store.readText(file).catch(() => undefined);
    if (text === undefined) skipped.push({ file, reason: 'cannot be read' });
    else if (!isFreshFor(suggestions, text)) skipped.push({ file, reason: 'changed since the suggestions were made' });
    else {
      const state = await store.load(file, text);
      if (state.status !== 'fresh') skipped.push({ file, reason: state.status === 'none' ? 'has no accepted annotations yet' : 'its annotations are stale' });
      else {
        const tags = spansAsTags(state.spans, suggestions.spans);
        goldTags.push(tags.gold);
        predictedTags.push(tags.predicted);
        scored.push(file);
        documents.push({ id: file, text, spans: state.spans });
      }
    }
  }
  return { report: entityReport(goldTags, predictedTags, { mode: 'strict', scheme: 'IOB2' }), files: scored, documents, skipped };
}
