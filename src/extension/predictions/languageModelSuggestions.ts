// A file's language-model suggestions (.pasta/suggestions, written by Pre-annotate with a Language Model or
// `pasta preannotate`) as review items beside the adapter's predictions, marked as the model's. Suggestions made for
// another version of the text are not shown. They carry no probability: confidence 1, shown as "LM".
import { describeUsage } from '../../core/preannotate/usage.js';
import { isFreshFor, readSuggestions } from '../../core/preannotate/suggestionsFile.js';
import type { PredictedSpan } from '../../core/prediction/predictor.js';
import type { WorkspaceFile } from '../annotationService.js';

export type SuggestedSpan = PredictedSpan & { source: 'language-model' };

export interface LanguageModelSuggestions {
  spans: SuggestedSpan[];
  /** "Suggested by gpt-4o-mini at http://…: 1,234 tokens (…), 1 request", when the file has current suggestions. */
  summary?: string;
}

export async function languageModelSuggestions(file: WorkspaceFile, text: string): Promise<LanguageModelSuggestions> {
  const suggestions = await readSuggestions(file.folder.uri.fsPath, file.relativePath);
  if (!suggestions || !isFreshFor(suggestions, text)) return { spans: [] };
  return {
    spans: suggestions.spans.map((s) => ({
      start: s.start,
      end: s.end,
      label: s.label,
      confidence: 1,
      adapter: suggestions.source.model,
      source: 'language-model',
    })),
    summary: `Suggested by ${suggestions.source.model}: ${describeUsage(suggestions.usage)}`,
  };
}
