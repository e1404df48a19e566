// The review list of a file (predictions not yet decided) and what accepting predictions does to its annotations.
import { sortSpans } from '../../core/data/annotationStore.js';
import type { Span } from '../../core/data/types.js';
import type { PredictedSpan } from '../../core/prediction/predictor.js';
import type { PredictionItem } from '../../protocol/predictions.js';
import { withoutRejected, type RejectedSpan } from './rejections.js';

const CONTEXT_CHARS = 40;

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
const same = (a: Span, b: Span) => a.start === b.start && a.end === b.end && a.label === b.label;

/** Predictions of `text` that are neither rejected nor already annotated as such, in text order. */
export function reviewItems(
  text: string,
  predicted: readonly (PredictedSpan & { source?: 'language-model' })[],
  annotated: readonly Span[],
  rejected: readonly RejectedSpan[],
): PredictionItem[] {
  return withoutRejected(predicted, rejected, text)
    .filter((p) => !annotated.some((a) => same(a, p)))
    .sort((a, b) => a.start - b.start)
    .map((p) => {
      const lineStart = text.lastIndexOf('\n', p.start - 1) + 1;
      const lineEnd = text.indexOf('\n', p.end);
      const from = Math.max(lineStart, p.start - CONTEXT_CHARS);
      const to = Math.min(lineEnd < 0 ? text.length : lineEnd, p.end + CONTEXT_CHARS);
      // Cut context at whole words, marking the cut.
      const before = from > lineStart ? `…${text.slice(from, p.start).replace(/^\S*\s?/, '')}` : text.slice(from, p.start);
      const after = to < (lineEnd < 0 ? text.length : lineEnd) ? `${text.slice(p.end, to).replace(/\s?\S*$/, '')}…` : text.slice(p.end, to);
      return {
        start: p.start,
        end: p.end,
        label: p.label,
        confidence: p.confidence,
        text: text.slice(p.start, p.end),
        before: before.replace(/\r/g, ''),
        after: after.replace(/\r/g, ''),
        line: text.slice(0, p.start).split('\n').length,
        ...(p.source ? { source: p.source } : {}),
      };
    });
}

/**
 * The annotations after accepting `accepted`. A prediction the person accepted one by one replaces the
 * annotations it overlaps (one token carries one label); accepted in bulk, it never overrides an annotation
 * or an earlier prediction of the same batch that it overlaps.
 */
export function withAccepted(annotated: readonly Span[], accepted: readonly Span[], mode: 'replace' | 'keepAnnotations'): Span[] {
  let out = [...annotated];
  for (const span of accepted) {
    const plain = { start: span.start, end: span.end, label: span.label };
    if (mode === 'replace') out = [...out.filter((s) => !overlaps(s, plain)), plain];
    else if (!out.some((s) => overlaps(s, plain))) out.push(plain);
  }
  return sortSpans(out);
}

/** The pending prediction that is `span`; throws when the list changed since the webview showed it. */
export function findPending(pending: readonly PredictedSpan[], span: Span): PredictedSpan {
  const found = pending.find((p) => same(p, span));
  if (!found) throw new Error(`there is no pending prediction ${span.label} at ${span.start}-${span.end}; the list was refreshed`);
  return found;
}
