// CoNLL holds sentences, annotated workspace files hold whole texts: each line becomes a sentence, except that a
// line break inside an entity keeps its lines together, and blank lines are dropped.
import type { NerDocument, Span } from './types.js';

/** The document's non-blank lines as documents with ids "<id>:<line>" (1-based) and shifted spans. */
export function splitIntoLines(document: NerDocument): NerDocument[] {
  const { text } = document;
  const breaks: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks.push(i);
  const spans = [...document.spans].sort((a, b) => a.start - b.start);
  const out: NerDocument[] = [];
  let start = 0;
  let line = 1;
  let next = 0;
  while (start <= text.length) {
    let b = 0;
    while (b < breaks.length && breaks[b] < start) b++;
    let end = b < breaks.length ? breaks[b] : text.length;
    let linesTaken = 1;
    // Extend over breaks that fall inside a span.
    for (;;) {
      let crossing = false;
      for (let k = next; k < spans.length && spans[k].start < end && !crossing; k++) crossing = spans[k].end > end;
      if (!crossing || b >= breaks.length) break;
      b++;
      linesTaken++;
      end = b < breaks.length ? breaks[b] : text.length;
    }
    const lineSpans: Span[] = [];
    while (next < spans.length && spans[next].start < end) {
      const s = spans[next++];
      lineSpans.push({ start: s.start - start, end: s.end - start, label: s.label });
    }
    const lineText = text.slice(start, end);
    if (lineText.trim() !== '') out.push({ id: `${document.id}:${line}`, text: lineText, spans: lineSpans });
    line += linesTaken;
    start = end + 1;
  }
  return out;
}

/**
 * CoNLL tokens are whitespace-separated words, but prose entities often touch punctuation ("Japan." with the span
 * on "Japan"): a space is inserted wherever a span starts or ends inside a word, so every span covers whole tokens.
 */
export function separateEntityWords(document: NerDocument): NerDocument {
  const { text } = document;
  const isSpace = (i: number) => /\s/u.test(text[i]);
  const cuts = new Set<number>();
  for (const span of document.spans) {
    for (const at of [span.start, span.end]) {
      if (at > 0 && at < text.length && !isSpace(at - 1) && !isSpace(at)) cuts.add(at);
    }
  }
  if (cuts.size === 0) return document;
  const sorted = [...cuts].sort((a, b) => a - b);
  let spaced = '';
  let from = 0;
  for (const cut of sorted) {
    spaced += `${text.slice(from, cut)} `;
    from = cut;
  }
  spaced += text.slice(from);
  const shift = (offset: number, inclusive: boolean) => sorted.filter((cut) => (inclusive ? cut <= offset : cut < offset)).length;
  return {
    id: document.id,
    text: spaced,
    spans: document.spans.map((s) => ({ start: s.start + shift(s.start, true), end: s.end + shift(s.end, false), label: s.label })),
  };
}
