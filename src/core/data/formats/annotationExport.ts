// Exporting a workspace's annotations: every annotated file whose sidecar matches its text, as CoNLL (a line
// of a file is a sentence; words split where an entity starts or ends inside one) or as JSONL records with
// "meta": {"file"}. Files changed since they were annotated are reported, not exported.
import { AnnotationStore } from '../annotationStore.js';
import { formatConll } from './conll.js';
import { separateEntityWords, splitIntoLines } from '../documentLines.js';
import type { JsonlNerDocument, NerJsonlFormat } from './jsonl.js';
import { formatNerJsonl } from './jsonlWrite.js';
import type { TagScheme } from './tagSchemes.js';
import { InputError } from '../types.js';

export type AnnotationExportFormat = { kind: 'conll'; scheme: TagScheme } | { kind: 'jsonl'; style: NerJsonlFormat };

export interface AnnotationExport {
  text: string;
  files: number;
  entities: number;
  /** Annotated files that were not exported, each with the reason. */
  skipped: InputError[];
}

export async function exportWorkspaceAnnotations(workspaceRoot: string, format: AnnotationExportFormat): Promise<AnnotationExport> {
  const { documents, problems } = await new AnnotationStore(workspaceRoot).loadAll();
  if (documents.length === 0) {
    const why = problems.length > 0 ? `; ${problems.length} annotated file(s) changed since they were annotated, e.g. ${problems[0].message}` : '';
    throw new InputError(workspaceRoot, undefined, `has no annotated files to export (annotations live in .pasta/annotations)${why}`);
  }
  const text =
    format.kind === 'conll'
      ? formatConll(
          documents.flatMap((d) => splitIntoLines(separateEntityWords(d))),
          { scheme: format.scheme },
        )
      : formatNerJsonl(
          documents.map((d): JsonlNerDocument => ({ ...d, format: format.style, source: { line: 0, record: { meta: { file: d.id } } } })),
          { format: format.style },
        );
  return { text, files: documents.length, entities: documents.reduce((n, d) => n + d.spans.length, 0), skipped: problems };
}
