// One label per character, as the annotations allow: the same span and label named twice counts once; of spans
// that overlap, the longer one stays and, at equal length, the one the model listed first; each span left out is
// reported with the one it gave way to.
import type { Span } from '../data/types.js';
import type { LocatedSpan } from './locate.js';

export interface Resolved {
  spans: Span[];
  /** One line per span left out for an overlap. */
  dropped: string[];
}

export function resolveOverlaps(text: string, located: readonly LocatedSpan[]): Resolved {
  const byPreference = [...located].sort((a, b) => b.end - b.start - (a.end - a.start) || a.order - b.order || a.start - b.start);
  const kept: Span[] = [];
  const dropped: string[] = [];
  const describe = (s: Span) => `${JSON.stringify(text.slice(s.start, s.end))} (${s.label}) at ${s.start}-${s.end}`;
  for (const span of byPreference) {
    if (kept.some((k) => k.start === span.start && k.end === span.end && k.label === span.label)) continue;
    const winner = kept.find((k) => k.start < span.end && span.start < k.end);
    if (winner) dropped.push(`${describe(span)} overlaps ${describe(winner)}, kept instead`);
    else kept.push({ start: span.start, end: span.end, label: span.label });
  }
  kept.sort((a, b) => a.start - b.start);
  return { spans: kept, dropped };
}
