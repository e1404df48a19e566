// GPT-2's byte-level alphabet: every byte maps to a printable character, so BPE runs over UTF-8 bytes
// while each byte keeps the original span of the character it belongs to.

import { NormalizedString, NormalizedStringBuilder } from './normalizedString';
import { isWhitespace } from './unicode';

function buildByteToChar(): number[] {
  const map = new Array<number>(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    map[b] = printable ? b : next++;
  }
  return map;
}

export const BYTE_TO_CHAR: readonly number[] = buildByteToChar();

/** The byte-level character that stands for a space ('Ġ'). */
export const SPACE_CHAR = BYTE_TO_CHAR[0x20];

/** UTF-8 bytes of one code point; a lone surrogate encodes as U+FFFD, as TextEncoder does. */
export function utf8Bytes(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp >= 0xd800 && cp <= 0xdfff) return [0xef, 0xbf, 0xbd];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
}

/** Replaces every character by the byte-level characters of its UTF-8 bytes, all with its span. */
export function toByteLevel(text: NormalizedString): NormalizedString {
  const out = new NormalizedStringBuilder();
  const { chars, starts, ends } = text;
  for (let i = 0; i < chars.length; i++) {
    const cp = chars[i];
    if (cp < 0x80) out.push(BYTE_TO_CHAR[cp], starts[i], ends[i]);
    else for (const b of utf8Bytes(cp)) out.push(BYTE_TO_CHAR[b], starts[i], ends[i]);
  }
  return out.build();
}

/**
 * `tokenizers`' ByteLevel offset trimming: a token's span loses the spaces ('Ġ') it starts or ends with,
 * except the one space added in front of the first word by add_prefix_space. Like `tokenizers`, it
 * counts in characters of `text`, the sequence the offsets point into.
 *
 * Unlike `tokenizers`, a token that starts with a prefix space added after an added token ("<mask>word")
 * keeps its start too (`virtualPrefix` lists such tokens): `tokenizers` trims that virtual space off the
 * real text, dropping the word's first character and putting the span before the previous token's.
 */
export function trimByteLevelOffsets(
  text: string,
  tokens: readonly string[],
  offsets: [number, number][],
  addPrefixSpace: boolean,
  virtualPrefix: ReadonlySet<number>,
): void {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    let leading = 0;
    while (leading < token.length && isSpaceLike(token.charCodeAt(leading))) leading++;
    let trailing = 0;
    while (trailing < token.length && isSpaceLike(token.charCodeAt(token.length - 1 - trailing))) trailing++;
    if (leading === 0 && trailing === 0) continue;
    const span = offsets[i];
    if (leading > 0) {
      const isFirst = i === 0 || span[0] === 0;
      const keep = leading === 1 && ((isFirst && addPrefixSpace) || virtualPrefix.has(i));
      if (!keep) span[0] = Math.min(forward(text, span[0], leading), span[1]);
    }
    if (trailing > 0) {
      const end = backward(text, span[1], trailing);
      if (end >= 0) span[1] = Math.max(end, span[0]);
    }
  }
}

/** The UTF-16 index `count` characters after `at`. */
function forward(text: string, at: number, count: number): number {
  for (let k = 0; k < count; k++) at += at < text.length && isPairAt(text, at) ? 2 : 1;
  return at;
}

/** The UTF-16 index `count` characters before `at`, or -1 before the start. */
function backward(text: string, at: number, count: number): number {
  for (let k = 0; k < count; k++) {
    if (at <= 0) return -1;
    at -= at >= 2 && isPairAt(text, at - 2) ? 2 : 1;
  }
  return at;
}

function isPairAt(text: string, i: number): boolean {
  const high = text.charCodeAt(i);
  const low = text.charCodeAt(i + 1);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}

function isSpaceLike(unit: number): boolean {
  return unit === SPACE_CHAR || isWhitespace(unit);
}
