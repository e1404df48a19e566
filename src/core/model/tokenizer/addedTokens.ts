// Added tokens ([CLS], <mask>, user additions): found in the text before the model runs and kept whole.

import { isWhitespace } from './unicode';

export interface AddedToken {
  id: number;
  content: string;
  /** Only match where the token is not inside a word. */
  singleWord: boolean;
  /** The match swallows the whitespace on its left / right. */
  lstrip: boolean;
  rstrip: boolean;
  /** Matched in the normalised text (true) or the original text (false). */
  normalized: boolean;
  special: boolean;
}

/** A stretch of text [start, end) in UTF-16 units; tokenId where it is an added token. */
export interface TextSplit {
  start: number;
  end: number;
  tokenId?: number;
}

const WORD_CHAR = /[\p{Alphabetic}\p{N}]/u;

export class AddedTokenMatcher {
  /** First UTF-16 unit -> tokens starting with it, longest first. */
  private readonly byFirstUnit = new Map<number, { text: string; token: AddedToken }[]>();

  /** `patterns` holds the text to look for per token (its content, normalised where that applies). */
  constructor(patterns: { text: string; token: AddedToken }[]) {
    for (const pattern of patterns) {
      if (pattern.text.length === 0) continue;
      const first = pattern.text.charCodeAt(0);
      const list = this.byFirstUnit.get(first) ?? [];
      list.push(pattern);
      this.byFirstUnit.set(first, list);
    }
    for (const list of this.byFirstUnit.values()) list.sort((a, b) => b.text.length - a.text.length);
  }

  get isEmpty(): boolean {
    return this.byFirstUnit.size === 0;
  }

  /** Cuts `text` into plain stretches and added tokens, covering it whole. */
  split(text: string): TextSplit[] {
    const splits: TextSplit[] = [];
    if (this.isEmpty) return text.length > 0 ? [{ start: 0, end: text.length }] : [];
    let done = 0;
    for (let i = 0; i < text.length;) {
      const match = this.longestAt(text, i);
      if (!match) {
        i++;
        continue;
      }
      let start = i;
      let end = i + match.text.length;
      i = end;
      const token = match.token;
      if (token.singleWord && (endsWithWordChar(text, start) || startsWithWordChar(text, end))) continue;
      if (token.lstrip) {
        while (start > done && isWhitespace(text.codePointAt(start - 1)!)) start--;
      }
      if (token.rstrip) {
        while (end < text.length && isWhitespace(text.codePointAt(end)!)) end++;
        i = end;
      }
      if (start > done) splits.push({ start: done, end: start });
      splits.push({ start, end, tokenId: token.id });
      done = end;
    }
    if (text.length > done) splits.push({ start: done, end: text.length });
    return splits;
  }

  private longestAt(text: string, i: number): { text: string; token: AddedToken } | undefined {
    const candidates = this.byFirstUnit.get(text.charCodeAt(i));
    if (!candidates) return undefined;
    for (const candidate of candidates) if (text.startsWith(candidate.text, i)) return candidate;
    return undefined;
  }
}

function endsWithWordChar(text: string, at: number): boolean {
  if (at === 0) return false;
  const unit = text.charCodeAt(at - 1);
  const cp = unit >= 0xdc00 && unit <= 0xdfff && at >= 2 ? text.codePointAt(at - 2)! : unit;
  return WORD_CHAR.test(String.fromCodePoint(cp));
}

function startsWithWordChar(text: string, at: number): boolean {
  return at < text.length && WORD_CHAR.test(String.fromCodePoint(text.codePointAt(at)!));
}
