// Character classes as Hugging Face `tokenizers` (Rust) defines them, written as Unicode property tests.

const WHITE_SPACE = /\p{White_Space}/u;
const OTHER = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;
const PUNCTUATION = /\p{P}/u;
const NONSPACING_MARK = /\p{Mn}/u;
const MARK = /\p{M}/u;

function char(cp: number): string {
  return String.fromCodePoint(cp);
}

/** Rust's char::is_whitespace: the White_Space property. */
export function isWhitespace(cp: number): boolean {
  if (cp < 0x80) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
  return WHITE_SPACE.test(char(cp));
}

/** BertNormalizer's control characters (Cc, Cf, Co, Cs; unassigned code points are kept), except tab, newline and carriage return. */
export function isBertControl(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return false;
  if (cp >= 0x20 && cp < 0x7f) return false;
  return OTHER.test(char(cp));
}

/** BertPreTokenizer's punctuation: ASCII punctuation (including $+<=>^`|~) or any Unicode P* character. */
export function isBertPunctuation(cp: number): boolean {
  if (cp < 0x80) {
    return (cp >= 0x21 && cp <= 0x2f) || (cp >= 0x3a && cp <= 0x40) || (cp >= 0x5b && cp <= 0x60) || (cp >= 0x7b && cp <= 0x7e);
  }
  return PUNCTUATION.test(char(cp));
}

/** The CJK Unified Ideographs blocks that BERT pads with spaces (not Hangul, Hiragana or Katakana). */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

export function isNonspacingMark(cp: number): boolean {
  return cp >= 0x300 && NONSPACING_MARK.test(char(cp));
}

export function isMark(cp: number): boolean {
  return cp >= 0x300 && MARK.test(char(cp));
}
