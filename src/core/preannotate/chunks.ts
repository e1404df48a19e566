// Long files go to the model in parts that end at paragraph boundaries (a blank line), each as long as fits
// `maxChars`; a paragraph longer than that is cut at line ends, and a line longer than that at spaces, so that no
// part ever cuts a word.

export interface TextChunk {
  /** Offset of the chunk in the whole text. */
  start: number;
  text: string;
}

const PARAGRAPH_BREAK = /\r?\n[ \t]*\r?\n\s*/g;
const LINE_BREAK = /\r?\n/g;
const SPACE = /\s+/g;

/** `text` cut after each match of `separator`, as [start, end) ranges covering it all. */
function pieces(text: string, from: number, to: number, separator: RegExp): [number, number][] {
  const out: [number, number][] = [];
  const part = text.slice(from, to);
  let last = 0;
  for (const match of part.matchAll(separator)) {
    const end = match.index + match[0].length;
    if (end > last && end < part.length) {
      out.push([from + last, from + end]);
      last = end;
    }
  }
  out.push([from + last, to]);
  return out;
}

/** Packs consecutive pieces into ranges of at most maxChars; a piece too long is cut by the next separator. */
function pack(text: string, from: number, to: number, maxChars: number, separators: readonly RegExp[]): [number, number][] {
  if (to - from <= maxChars) return [[from, to]];
  const [separator, ...finer] = separators;
  if (!separator) return [[from, to]];
  const out: [number, number][] = [];
  for (const [start, end] of pieces(text, from, to, separator)) {
    const previous = out.at(-1);
    if (previous && end - previous[0] <= maxChars && previous[1] - previous[0] <= maxChars) previous[1] = end;
    else if (end - start <= maxChars) out.push([start, end]);
    else out.push(...pack(text, start, end, maxChars, finer));
  }
  return out;
}

export function splitIntoChunks(text: string, maxChars: number): TextChunk[] {
  if (text.length === 0) return [];
  return pack(text, 0, text.length, maxChars, [PARAGRAPH_BREAK, LINE_BREAK, SPACE]).map(([start, end]) => ({ start, text: text.slice(start, end) }));
}
