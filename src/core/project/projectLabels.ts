// Labels the data uses and the project lacks, and adding them to .pasta/project.json as plain names (colours and
// keys are then assigned, see labels.ts), so that importing a data set never ends in hand-editing JSON.
import { AnnotationStore } from '../data/annotationStore.js';
import type { NerDocument } from '../data/types.js';
import { DEFAULT_LABELS } from './labels.js';
import { readProjectFile, updateProjectFile, type Project } from './projectFile.js';

export interface AddedLabels {
  /** The names appended, in the order given; empty when the project had them all. */
  added: string[];
  /** True when .pasta/project.json did not exist and was written. */
  createdProjectFile: boolean;
}

/** Span counts of the labels `documents` use that `project` does not list, in order of first use. */
export function missingLabels(project: Project, documents: readonly NerDocument[]): Map<string, number> {
  const known = new Set(project.labels.map((l) => l.name));
  const missing = new Map<string, number>();
  for (const document of documents) {
    for (const span of document.spans) if (!known.has(span.label)) missing.set(span.label, (missing.get(span.label) ?? 0) + 1);
  }
  return missing;
}

/** "PER (12), ORG (3)" */
export function describeLabelCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([label, n]) => `${label} (${n})`).join(', ');
}

/**
 * Appends the names the project lacks to "labels", creating the file when there is none. A project that names no
 * labels uses the defaults; those are written out first when files are annotated with them already, and dropped
 * otherwise, so that a project made from an imported data set lists only that data set's labels.
 */
export async function addProjectLabels(workspaceRoot: string, names: readonly string[]): Promise<AddedLabels> {
  const { exists, raw, project } = await readProjectFile(workspaceRoot);
  const known = new Set(project.labels.map((l) => l.name));
  const added = [...new Set(names)].filter((name) => !known.has(name));
  if (added.length === 0) return { added, createdProjectFile: false };
  const keepDefaults = raw.labels === undefined && (await new AnnotationStore(workspaceRoot).annotatedFiles()).length > 0;
  await updateProjectFile(workspaceRoot, (edited) => {
    if (edited.labels === undefined) edited.labels = keepDefaults ? DEFAULT_LABELS.map((l) => ({ ...l })) : [];
    (edited.labels as string[]).push(...added);
  });
  return { added, createdProjectFile: !exists };
}

/** One line for people: "added the labels PER, ORG to .pasta/project.json (created)". */
export function describeAddedLabels(result: AddedLabels): string | undefined {
  if (result.added.length === 0) return undefined;
  const s = result.added.length === 1 ? '' : 's';
  return `added the label${s} ${result.added.join(', ')} to .pasta/project.json${result.createdProjectFile ? ' (created it)' : ''}`;
}
