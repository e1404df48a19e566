// Snaps a selection to whole words: whitespace and punctuation are boundaries. Kept behind one function
// so that snapping to tokenizer pieces can replace it.

const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;

export function isWordAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const code = text.charCodeAt(i);
  // A low surrogate belongs to the code point that starts one unit earlier.
  const from = code >= 0xdc00 && code <= 0xdfff && i > 0 ? i - 1 : i;
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(from)!));
}

/**
 * The whole-word range covering the selection [start, end): boundary punctuation and spaces trimmed, partly
 * selected words completed. An empty selection inside or touching a word gives that word. Undefined when the
 * selection holds no word.
 */
export function snapToWords(text: string, start: number, end: number): { start: number; end: number } | undefined {
  let s = Math.max(0, Math.min(start, end, text.length));
  let e = Math.min(text.length, Math.max(start, end));
  if (s === e) {
    if (isWordAt(text, s)) e = s + 1;
    else if (isWordAt(text, s - 1)) s = s - 1;
    else return undefined;
  }
  while (s < e && !isWordAt(text, s)) s++;
  while (e > s && !isWordAt(text, e - 1)) e--;
  if (s === e) return undefined;
  while (s > 0 && isWordAt(text, s - 1)) s--;
  while (e < text.length && isWordAt(text, e)) e++;
  return { start: s, end: e };
}
