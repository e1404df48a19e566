// Character spans <-> word pieces. Labels live on words (first sub-word labelling, as the reference and
// seqeval scoring do); long documents are cut into overlapping windows of pieces and merged back.
import type { NerDocument, Span } from './types';

export interface PieceEncoding {
  ids: number[];
  offsets: [number, number][];
  wordIds: (number | null)[];
}

/** What alignment needs from a tokenizer (src/core/model/tokenizer provides it). */
export interface AlignmentTokenizer {
  encode(text: string, pair?: string, options?: { addSpecialTokens?: boolean }): PieceEncoding;
  specialTokens: { cls?: number; sep?: number; bos?: number; eos?: number; pad: number };
}

/** How words are delimited: CoNLL-style data by whitespace, free text by the tokenizer's pre-tokenizer. */
export type WordSplit = 'whitespace' | 'tokenizer';

export interface AlignOptions {
  maxLength: number;
  stride: number;
  wordSplit: WordSplit;
  /** Label every piece of a word (continuations get I-) instead of only the first. */
  labelAllSubwords?: boolean;
}

export interface Word {
  start: number;
  end: number;
}

export interface Window {
  docIndex: number;
  /** Piece range [first, last) of the document's pieces in this window. */
  first: number;
  last: number;
  inputIds: number[];
  specialTokensMask: number[];
  /** Per input position: a label id, or -100 where no label is scored. */
  labels: number[];
}

export interface AlignedDocument {
  doc: NerDocument;
  words: Word[];
  /** Gold IOB2 tag per word. */
  wordTags: string[];
  /** Index of the document's piece that starts each word. */
  firstPieceOfWord: number[];
  pieceWord: (number | null)[];
}

export interface BoundaryProblem {
  docId: string;
  span: Span;
  text: string;
}

export interface AlignmentResult {
  documents: AlignedDocument[];
  windows: Window[];
  /** Spans that do not start and end on word boundaries: reported, and widened to the words they touch. */
  problems: BoundaryProblem[];
}

export function iob2Labels(entityLabels: readonly string[]): string[] {
  return ['O', ...entityLabels.flatMap((l) => [`B-${l}`, `I-${l}`])];
}

function whitespaceWords(text: string): Word[] {
  const words: Word[] = [];
  const re = /\S+/gu;
  for (let m = re.exec(text); m; m = re.exec(text)) words.push({ start: m.index, end: m.index + m[0].length });
  return words;
}

function tokenizerWords(encoding: PieceEncoding, text: string): Word[] {
  const words: Word[] = [];
  encoding.wordIds.forEach((w, i) => {
    if (w === null) return;
    const [s, e] = encoding.offsets[i];
    // Empty offsets (a byte-level BPE space piece, trimmed) say nothing about where the word is.
    if (e <= s) return;
    const word = words[w];
    if (!word) words[w] = { start: s, end: e };
    else {
      word.start = Math.min(word.start, s);
      word.end = Math.max(word.end, e);
    }
  });
  // Byte-level BPE makes words of line breaks and tabs: they are not words. Combining marks belong to the word
  // before them: a normalizer that strips accents leaves them outside its offsets, and byte-level BPE's
  // pre-tokenizer makes them words of their own (which are merged into the word they now overlap).
  const merged: Word[] = [];
  for (const w of words) {
    if (w === undefined || !/\S/u.test(text.slice(w.start, w.end))) continue;
    while (w.end < text.length && /\p{M}/u.test(text[w.end])) w.end++;
    const previous = merged[merged.length - 1];
    if (previous && w.start < previous.end) previous.end = Math.max(previous.end, w.end);
    else merged.push(w);
  }
  return merged;
}

/** The word each piece belongs to, by character position (a piece belongs to the word containing its start). */
function pieceWords(encoding: PieceEncoding, words: Word[]): (number | null)[] {
  const out: (number | null)[] = [];
  let w = 0;
  for (const [s, e] of encoding.offsets) {
    if (e <= s) {
      out.push(null);
      continue;
    }
    while (w < words.length && words[w].end <= s) w++;
    out.push(w < words.length && words[w].start <= s ? w : null);
  }
  return out;
}

function wordTags(doc: NerDocument, words: Word[], problems: BoundaryProblem[]): string[] {
  const tags = words.map(() => 'O');
  const spans = [...doc.spans].sort((a, b) => a.start - b.start);
  for (const span of spans) {
    const covered: number[] = [];
    words.forEach((w, i) => {
      if (w.end > span.start && w.start < span.end) covered.push(i);
    });
    if (covered.length === 0) {
      problems.push({ docId: doc.id, span, text: doc.text.slice(span.start, span.end) });
      continue;
    }
    if (words[covered[0]].start !== span.start || words[covered[covered.length - 1]].end !== span.end) {
      problems.push({ docId: doc.id, span, text: doc.text.slice(span.start, span.end) });
    }
    covered.forEach((i, k) => (tags[i] = `${k === 0 ? 'B' : 'I'}-${span.label}`));
  }
  return tags;
}

export function alignDocuments(
  docs: NerDocument[],
  tokenizer: AlignmentTokenizer,
  labelIds: ReadonlyMap<string, number>,
  options: AlignOptions,
): AlignmentResult {
  const cls = tokenizer.specialTokens.cls ?? tokenizer.specialTokens.bos;
  const sep = tokenizer.specialTokens.sep ?? tokenizer.specialTokens.eos;
  if (cls === undefined || sep === undefined) throw new Error('the tokenizer defines no [CLS]/<s> or [SEP]/</s> token');
  const capacity = options.maxLength - 2;
  if (capacity < 2) throw new Error(`maxLength ${options.maxLength} is too small`);
  const step = Math.max(1, capacity - Math.min(options.stride, capacity - 1));
  const problems: BoundaryProblem[] = [];
  const documents: AlignedDocument[] = [];
  const windows: Window[] = [];

  docs.forEach((doc, docIndex) => {
    const encoding = tokenizer.encode(doc.text, undefined, { addSpecialTokens: false });
    const words = options.wordSplit === 'whitespace' ? whitespaceWords(doc.text) : tokenizerWords(encoding, doc.text);
    const pieceWord = pieceWords(encoding, words);
    const tags = wordTags(doc, words, problems);
    const firstPieceOfWord = words.map(() => -1);
    pieceWord.forEach((w, p) => {
      if (w !== null && firstPieceOfWord[w] === -1) firstPieceOfWord[w] = p;
    });
    const pieceLabels = pieceWord.map((w, p) => {
      if (w === null) return -100;
      const tag = tags[w];
      if (firstPieceOfWord[w] === p) return labelId(labelIds, tag);
      if (!options.labelAllSubwords) return -100;
      return labelId(labelIds, tag === 'O' ? 'O' : `I-${tag.slice(2)}`);
    });
    documents.push({ doc, words, wordTags: tags, firstPieceOfWord, pieceWord });

    const n = encoding.ids.length;
    for (let first = 0; ; first += step) {
      const last = Math.min(n, first + capacity);
      windows.push({
        docIndex,
        first,
        last,
        inputIds: [cls, ...encoding.ids.slice(first, last), sep],
        specialTokensMask: [1, ...new Array<number>(last - first).fill(0), 1],
        labels: [-100, ...pieceLabels.slice(first, last), -100],
      });
      if (last >= n) break;
    }
  });
  return { documents, windows, problems };
}

function labelId(labelIds: ReadonlyMap<string, number>, tag: string): number {
  const id = labelIds.get(tag);
  if (id === undefined) throw new Error(`label '${tag.slice(2)}' is not among the project's labels`);
  return id;
}

/**
 * For each piece of a document, the window that sees it with the most context on both sides; predictions
 * for overlapping windows are merged by taking each piece from that window.
 */
export function bestWindowPerPiece(windows: Window[], pieceCount: number): { window: number; position: number }[] {
  const best = new Array<{ window: number; position: number; margin: number }>(pieceCount);
  windows.forEach((w, wi) => {
    for (let p = w.first; p < w.last; p++) {
      const margin = Math.min(p - w.first, w.last - 1 - p);
      if (!best[p] || margin > best[p].margin) best[p] = { window: wi, position: p - w.first + 1, margin };
    }
  });
  return best.map(({ window, position }) => ({ window, position }));
}

/** Makes predicted tags valid IOB2 the way conlleval reads them: an I- that continues nothing starts an entity. */
export function repairIob2(tags: readonly string[]): string[] {
  return tags.map((tag, i) => {
    if (!tag.startsWith('I-')) return tag;
    const previous = i > 0 ? tags[i - 1] : 'O';
    return previous !== 'O' && previous.slice(2) === tag.slice(2) ? tag : `B-${tag.slice(2)}`;
  });
}

/** Decodes word tags (lenient IOB2: an I- after O or another type starts an entity) into character spans. */
export function wordTagsToSpans(words: Word[], tags: string[], confidences?: number[]): (Span & { confidence?: number })[] {
  const spans: (Span & { confidence?: number })[] = [];
  let open: { label: string; first: number; last: number } | undefined;
  const close = () => {
    if (!open) return;
    const conf = confidences?.slice(open.first, open.last + 1);
    spans.push({
      start: words[open.first].start,
      end: words[open.last].end,
      label: open.label,
      ...(conf ? { confidence: conf.reduce((a, b) => a + b, 0) / conf.length } : {}),
    });
    open = undefined;
  };
  tags.forEach((tag, i) => {
    if (tag === 'O') return close();
    const [prefix, label] = [tag.slice(0, 1), tag.slice(2)];
    if (prefix === 'I' && open && open.label === label) open.last = i;
    else {
      close();
      open = { label, first: i, last: i };
    }
  });
  close();
  return spans;
}
