// Accepting reviewed spans into the file's annotations, only while the file on disk is still the text that
// was predicted (every offset refers to it) and its annotations are anchored to that text.
import type * as vscode from 'vscode';
import type { Span } from '../../core/data/types.js';
import type { AnnotationService, WorkspaceFile } from '../annotationService.js';
import { withAccepted } from './review.js';

export type AcceptMode = Parameters<typeof withAccepted>[2];

/** The annotations after accepting, or 'changed-on-disk' when the file is no longer the predicted text. */
export async function acceptSpans(
  annotations: AnnotationService,
  file: WorkspaceFile,
  uri: vscode.Uri,
  predictedText: string,
  spans: readonly Span[],
  mode: AcceptMode,
): Promise<Span[] | 'changed-on-disk'> {
  const onDisk = await file.store.readText(file.relativePath);
  if (onDisk !== predictedText) return 'changed-on-disk';
  const state = await annotations.load(file, onDisk);
  if (state.status === 'stale') throw new Error(`${file.relativePath}: ${state.problem}; re-anchor its annotations in the annotation editor first`);
  const next = withAccepted(state.status === 'fresh' ? state.spans : [], spans, mode);
  await annotations.save(file, uri, onDisk, next);
  return next;
}
