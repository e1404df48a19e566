// Pure edits of a document's span list, shared by the editor commands and the annotation panel.
import type { Span } from '../../core/data/types.js';
import { sortSpans } from '../../core/data/annotationStore.js';

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start < b.end && b.start < a.end;

/** Adds `span`, replacing every span it overlaps (one token carries one label). */
export function withSpan(spans: readonly Span[], span: Span): Span[] {
  return sortSpans([...spans.filter((s) => !overlaps(s, span)), span]);
}

/** Removes the spans touching [start, end); an empty range removes the span the caret is in. */
export function withoutSpansAt(spans: readonly Span[], start: number, end: number): Span[] {
  const hit = start === end ? (s: Span) => s.start <= start && start <= s.end : (s: Span) => overlaps(s, { start, end });
  return spans.filter((s) => !hit(s));
}

export function sameSpans(a: readonly Span[], b: readonly Span[]): boolean {
  return a.length === b.length && a.every((s, i) => s.start === b[i].start && s.end === b[i].end && s.label === b[i].label);
}
